"""Which source column a mapping means, when the header alone cannot say.

Real exports repeat a header (two ``DATE OCC`` columns) or have columns best known by
their place. A CSV header that names a column more than once is read with each repeat
numbered from the left, ``DATE OCC#1``, ``DATE OCC#2``
(:func:`~crimestats.ingest.file_inspect.unique_header`), and a
mapping may name a column by that name or by its position, ``{index: 3}``, counted from
1 as a spreadsheet or ``cut -f`` counts. The bare repeated name (``DATE OCC``) is then
ambiguous: :func:`check_header` refuses the file with the fix rather than pick one.
A file in the flat v1 layout (no mapping) with a repeated header is refused too: only a
mapping can say which of the repeats is meant.
"""

from __future__ import annotations

from crimestats.ingest.file_inspect import OCCURRENCE_MARK, FileInfo, refuse
from crimestats.ingest.mapping import Mapping


def position_alias(index: int) -> str:
    """The staged alias of the column at 1-based ``index`` (see ``raw_rows_sql``)."""
    return f"_column_{index}"


def _where_repeated(repeated: tuple[tuple[str, tuple[int, ...]], ...]) -> str:
    return "; ".join(f"{n!r} (columns {', '.join(map(str, p))})" for n, p in repeated)


def _syntax(name: str, positions: tuple[int, ...]) -> str:
    return (
        f"'{name}{OCCURRENCE_MARK}1' ... '{name}{OCCURRENCE_MARK}{len(positions)}' "
        f"(the n-th {name!r} from the left) or {{index: {positions[-1]}}} "
        "(the column's place, counted from 1)"
    )


def check_header(info: FileInfo, mapping: Mapping) -> None:
    """Refuse a file whose columns the mapping cannot name unambiguously."""
    if len(set(info.header)) != len(info.header):  # could not be numbered (or Parquet)
        dupes = sorted({h for h in info.header if info.header.count(h) > 1})
        raise refuse(
            info.path,
            "file-duplicate-column",
            f"the header names these columns more than once: {', '.join(dupes)}",
            "rename the repeated columns so each is unique",
        )
    if info.repeated and mapping.path is None:
        name, positions = info.repeated[0]
        raise refuse(
            info.path,
            "file-duplicate-column",
            f"the header names these columns more than once: {_where_repeated(info.repeated)}",
            "rename the repeated columns so each is unique, or load the file with a mapping "
            f"(--mapping FILE) that names the one to read: {_syntax(name, positions)}",
        )
    referenced = set(mapping.required_columns())
    ambiguous = tuple((n, p) for n, p in info.repeated if n in referenced)
    if ambiguous:
        name, positions = ambiguous[0]
        raise refuse(
            info.path,
            "file-duplicate-column",
            f"the mapping reads {name!r}, but the header names it more than once: "
            f"{_where_repeated(ambiguous)}",
            f"in {mapping.path}, name the one to read as {_syntax(name, positions)}",
        )
    beyond = [i for i in mapping.required_positions() if i > len(info.header)]
    if beyond:
        raise refuse(
            info.path,
            "file-missing-column",
            f"the mapping reads column {{index: {max(beyond)}}} but the file has only "
            f"{len(info.header)} columns",
            f"check the indexes in {mapping.path}: columns are counted from 1, left to right",
        )
