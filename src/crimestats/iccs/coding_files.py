"""Coding and evaluating CSV files: the file forms of ``crimestats iccs code/evaluate``.

``code_file`` keeps every input row and column, in order, and appends ``iccs_code``,
``iccs_confidence``, ``iccs_method`` and ``needs_review`` (``true``/``false``). All
columns are read as text, so codes such as ``0101`` keep their leading zero
(DESIGN.md section 10). Each distinct text is coded once, whatever the row count.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crimestats.domain.iccs_codes import is_iccs_code
from crimestats.errors import FileRefusedError, NotFoundError, UsageError
from crimestats.iccs.autocoder import Autocoder
from crimestats.iccs.evaluation import Report, score_texts, summarise
from crimestats.output_files import write_with

ADDED_COLUMNS = ("iccs_code", "iccs_confidence", "iccs_method", "needs_review")


def refuse_repeated_columns(path: Path, header: list[str] | tuple[str, ...]) -> None:
    """Refuse a header that names a column twice: which one is meant cannot be known.

    Readers otherwise pick one silently (``csv.DictReader`` the last, polars the first
    and renames the other), so a review file with ``iccs_code`` twice imported the codes
    of whichever column the reader kept.
    """
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in seen:
            raise UsageError(
                f"{path}: the column {name!r} appears twice (columns {seen[name]} and "
                f"{position}); which one holds the values cannot be known",
                hint=f"delete or rename one of the two {name!r} columns",
            )
        seen[name] = position


def _header(path: Path) -> list[str]:
    """The raw first line's column names (before a reader renames or drops repeats)."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            return next(csv.reader(handle), [])
    except csv.Error:  # a field past Python's limit: polars reports the file below
        return []


def read_columns(path: Path, columns: tuple[str, ...]) -> object:
    """The ``columns`` of the CSV file ``path`` as text (a polars frame), or one message
    naming the missing file, a missing column or a repeated header."""
    import polars as pl

    if not path.is_file():
        raise NotFoundError(f"no file at {path}", hint="check the path")
    refuse_repeated_columns(path, _header(path))
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy", glob=False)
    except pl.exceptions.PolarsError as exc:
        raise FileRefusedError(
            str(path), "csv-unreadable", f"cannot be read as CSV ({exc})", hint="save it as CSV"
        ) from exc
    for column in columns:
        if column not in frame.columns:
            raise UsageError(
                f"{path} has no column {column!r}",
                hint=f"its columns are: {', '.join(frame.columns)}",
            )
    return frame


@dataclass(frozen=True, slots=True)
class CodedFile:
    """What :func:`code_file` did: rows written, distinct texts, rows needing review."""

    rows: int
    distinct_texts: int
    needs_review: int

    def to_dict(self) -> dict[str, int]:
        """A JSON-ready mapping."""
        return {
            "rows": self.rows,
            "distinct_texts": self.distinct_texts,
            "needs_review": self.needs_review,
        }


def code_file(
    in_path: str | Path,
    column: str,
    out_path: str | Path,
    model: Autocoder,
    *,
    overwrite: bool = False,
    context_column: str | None = None,
) -> CodedFile:
    """Code the texts of ``column`` and write the input plus the four ICCS columns.

    With ``context_column`` each text is coded in the context that column gives (e.g.
    its penal-code chapter: :mod:`crimestats.iccs.context`); each distinct (text,
    context) pair is coded once. The output is written atomically; an existing file is
    replaced only with ``overwrite``.
    """
    import polars as pl

    frame = read_columns(Path(in_path), (column, *((context_column,) if context_column else ())))
    assert isinstance(frame, pl.DataFrame)
    clash = [c for c in ADDED_COLUMNS if c in frame.columns]
    if clash:
        raise UsageError(
            f"{in_path} already has column(s) {', '.join(clash)}",
            hint="rename or drop them first; crimestats will not overwrite input columns",
        )
    texts = frame.get_column(column).fill_null("").to_list()
    contexts = (
        frame.get_column(context_column).fill_null("").to_list()
        if context_column
        else [""] * len(texts)
    )
    pairs = list(zip(texts, contexts, strict=True))
    distinct = list(dict.fromkeys(pairs))
    coded_pairs = model.code_texts(
        [t for t, _ in distinct], [c for _, c in distinct] if context_column else None
    )
    codings = dict(zip(distinct, coded_pairs, strict=True))
    coded = [codings[p] for p in pairs]
    out = frame.with_columns(
        pl.Series("iccs_code", [c.code or "" for c in coded], dtype=pl.String),
        pl.Series("iccs_confidence", [f"{c.confidence:.4f}" for c in coded], dtype=pl.String),
        pl.Series("iccs_method", [c.method.value for c in coded], dtype=pl.String),
        pl.Series(
            "needs_review", ["true" if c.needs_review else "false" for c in coded], dtype=pl.String
        ),
    )

    def write(tmp: Path) -> None:
        with tmp.open("wb") as handle:  # a handle: Polars cannot open every path name
            out.write_csv(handle)

    write_with(out_path, write, overwrite=overwrite, option="--out")
    return CodedFile(
        rows=len(texts),
        distinct_texts=len(dict.fromkeys(texts)),
        needs_review=sum(c.needs_review for c in coded),
    )


def evaluate_file(
    path: str | Path,
    text_column: str,
    code_column: str,
    model: Autocoder,
    *,
    weight_column: str | None = None,
    context_column: str | None = None,
) -> tuple[Report, int]:
    """Score ``model`` against a labelled file; also returns rows skipped (no valid code).

    Each row counts once (weight 1): a labelled file is a sample of records. A file of
    categories with how many records each stands for names that count in
    ``weight_column``, and every figure is then weighted by records. With
    ``context_column`` each text is coded in that column's context.
    """
    import polars as pl

    extra = tuple(c for c in (weight_column, context_column) if c)
    columns = (text_column, code_column, *extra)
    frame = read_columns(Path(path), columns)
    assert isinstance(frame, pl.DataFrame)
    texts = frame.get_column(text_column).fill_null("").to_list()
    codes = [c.strip() for c in frame.get_column(code_column).fill_null("").to_list()]
    weights = column_weights(frame, weight_column, path) if weight_column else [1.0] * len(codes)
    keep = [i for i, c in enumerate(codes) if is_iccs_code(c)]
    if not keep:
        raise UsageError(
            f"{path}: no row of {code_column!r} holds a valid ICCS code",
            hint="codes must be ICCS v1.0 codes with their leading zeros, e.g. 0501",
        )
    contexts = frame.get_column(context_column).fill_null("").to_list() if context_column else None
    scored = score_texts(
        model,
        [texts[i] for i in keep],
        [codes[i] for i in keep],
        [weights[i] for i in keep],
        contexts=[contexts[i] for i in keep] if contexts is not None else None,
    )
    return summarise(scored), len(codes) - len(keep)


def column_weights(frame: Any, column: str, path: str | Path) -> list[float]:
    """Records per row from ``column``: non-negative numbers, else a UsageError that
    names the first bad row (rows counted from 2, the header being row 1)."""
    out: list[float] = []
    for row, raw in enumerate(frame.get_column(column).to_list(), start=2):
        try:
            value = float(str(raw).strip().replace(",", "")) if raw is not None else -1.0
        except ValueError:
            value = -1.0
        if not value >= 0 or value == float("inf"):
            raise UsageError(
                f"{path}, row {row}: {column!r} is {raw!r}, not a number of records",
                hint=f"give every row a count of 0 or more in {column!r}",
            )
        out.append(value)
    return out
