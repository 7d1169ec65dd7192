"""Stage an input file in DuckDB tables, all columns as text.

The two tables as large as the file (``_raw`` here, the validated ``_v``) live in a
scratch DuckDB file beside the store (:func:`scratch_space`), not in temporary tables:
DuckDB compresses a database file's tables (dictionary, RLE, FSST for strings) but
spills temporary tables uncompressed, so under the ingest's memory cap the temporary
tables of a 50M-row file spilled over 24 GB. The smaller tables stay temporary.

``_raw`` holds the parsed rows (``_k`` = order of parsing, ``_row`` = 1-based data-row
number in the file, header excluded); ``_rejects`` holds lines the CSV parser could not
split, with their raw text. Whole-file faults found while reading (bad encoding, an
unbalanced quote, a cut-off last line or compressed stream) refuse the file.

DuckDB treats ``* ? [ ] { }`` in a path as a glob and a leading ``~`` as the home
folder, with no way to escape them: ``read_csv('d[12].csv')`` reads ``d1.csv``. So
DuckDB is never given the user's path: it reads a symbolic link with a plain name in a
private temporary folder (``literal_path``), which names exactly the file the user gave.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from crimestats.ingest.file_inspect import FileInfo, refuse
from crimestats.ingest.limits import IngestLimits
from crimestats.ingest.mapping_columns import position_alias
from crimestats.storage.resource_errors import refusal_for
from crimestats.storage.sql_text import ident, lit

_GLOB_OR_HOME = re.compile(r"[*?\[\]{}]|^~")

_DUCK_ENCODING = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "cp1252": "latin-1",
    "utf-16": "utf-16",
}


SCRATCH_SUFFIX = ".ingest-scratch"
"""``<store><suffix>``: the scratch database of an ingest (removed when the load ends)."""
_SCRATCH = "_crimestats_scratch"
SCRATCH_FROM_BYTES = 512 << 20
"""Files from this size (as text) stage in the scratch database; smaller ones in memory.

Compressing the staging costs CPU (+60% of the whole ingest at 1M rows, 205 MB of CSV,
where nothing spilled under the 2 GiB cap; +16% at 10M, where it cut the peak disk over
4x: bench/RESULTS.md). A quarter of the default cap: where the staged text starts to
press on it. Not measured between 1M and 10M rows."""
_PACKED = 5
"""A gzip or Parquet file's text is taken as this many times its size on disk."""


@dataclass(frozen=True, slots=True)
class Space:
    """Where the file-sized staging tables are created: a scratch database or TEMP."""

    catalog: str | None = None
    """The attached scratch database, or None for temporary tables (in-memory store)."""

    def create(self, table: str) -> str:
        """``CREATE ...`` of ``table`` in this space (read back by its plain name)."""
        if self.catalog is None:
            return f"CREATE TEMP TABLE {table}"
        return f"CREATE TABLE {self.catalog}.main.{table}"


TEMP = Space()


def _remove_scratch(path: Path) -> None:
    for leftover in (path, Path(f"{path}.wal")):
        leftover.unlink(missing_ok=True)


@contextmanager
def scratch_space(con: duckdb.DuckDBPyConnection, info: FileInfo) -> Iterator[Space]:
    """Attach a fresh scratch database beside the store for one file's staging.

    Plain names still find the tables (the scratch schema is last on the connection's
    search path; temporary tables and the store's come first). Written before the
    file's transaction begins and only read inside it, so the one-transaction-per-file
    rule is kept (DuckDB lets a transaction write to one attached database only). The
    file is removed when the load ends, committed or not; a process killed mid-load
    leaves it behind, and the next ingest into the store removes it before attaching.
    An in-memory store, and a file small enough to stage in memory
    (:data:`SCRATCH_FROM_BYTES`), stage in temporary tables.
    """
    row = con.execute(
        "SELECT path, current_database() FROM duckdb_databases() "
        "WHERE database_name = current_database()"
    ).fetchone()
    if not row or not row[0]:
        yield TEMP
        return
    path = Path(str(row[0]) + SCRATCH_SUFFIX)
    _remove_scratch(path)
    plain = info.kind != "parquet" and not info.compression
    if info.size * (1 if plain else _PACKED) < SCRATCH_FROM_BYTES:
        yield TEMP
        return
    search = con.execute("SELECT current_setting('search_path')").fetchone()
    search_before = str(search[0]) if search else ""
    con.execute(f"ATTACH {lit(str(path))} AS {_SCRATCH}")
    try:
        first = search_before or f"{ident(str(row[1]))}.main"
        con.execute(f"SET search_path = {lit(f'{first},{_SCRATCH}.main')}")
        yield Space(_SCRATCH)
    finally:
        with suppress(duckdb.Error):
            con.execute(f"SET search_path = {lit(search_before)}")
        with suppress(duckdb.Error):
            con.execute(f"DETACH {_SCRATCH}")
        _remove_scratch(path)


@dataclass(frozen=True, slots=True)
class Staged:
    """Counts of what the staging read, and the staged columns' names (the header)."""

    parsed: int
    rejected: int
    header: tuple[str, ...] = ()


def _drop(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    for table in tables:
        con.execute(f"DROP TABLE IF EXISTS {table}")


@contextmanager
def literal_path(path: Path) -> Iterator[str]:
    """A path DuckDB reads literally: a link to ``path`` named ``input`` in a fresh folder."""
    folder = Path(tempfile.mkdtemp(prefix="crimestats-input-"))
    try:
        link = folder / "input"
        if _GLOB_OR_HOME.search(str(link)):
            raise refuse(
                path,
                "file-unreadable",
                f"the temporary folder {folder} has a glob character in its name",
                "set TMPDIR to a folder whose path has none of * ? [ ] { }",
            )
        try:
            link.symlink_to(path.resolve())
        except OSError:  # no symlinks here: a plain path is still read literally
            if _GLOB_OR_HOME.search(str(path.resolve())):
                raise refuse(
                    path,
                    "file-unreadable",
                    "the name has a glob character (* ? [ ] { }) and no link can be made "
                    "to read it literally",
                    "rename the file without * ? [ ] { }",
                ) from None
            link = path.resolve()
        yield str(link)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read_csv_sql(
    info: FileInfo, source: str, delimiter: str, quote: str, encoding: str, max_line: int
) -> str:
    columns = "{" + ", ".join(f"{lit(h)}: 'VARCHAR'" for h in info.header) + "}"
    return (
        f"read_csv({lit(source)}, columns={columns}, header=true, auto_detect=false, "
        f"delim={lit(delimiter)}, quote={lit(quote)}, escape={lit(quote)}, "
        f"encoding={lit(_DUCK_ENCODING.get(encoding, encoding))}, "
        f"compression={lit(info.compression or 'none')}, null_padding=false, "
        "store_rejects=true, rejects_table='_rejects_raw', rejects_scan='_rejects_scan', "
        f"max_line_size={max_line})"
    )


def _ends_with_newline(info: FileInfo) -> bool:
    if info.ends_with_newline is not None:  # known from the content scan
        return info.ends_with_newline
    if info.compression:
        import gzip

        with gzip.open(info.path, "rb") as handle:
            last = b""
            while chunk := handle.read(1 << 20):
                last = chunk
        return last.endswith((b"\n", b"\r"))
    with info.path.open("rb") as handle:
        handle.seek(-1, 2)
        return handle.read(1) in (b"\n", b"\r")


def _check_rejects(con: duckdb.DuckDBPyConnection, info: FileInfo, encoding: str) -> None:
    bad = con.execute(
        "SELECT line, CAST(error_type AS VARCHAR) FROM _rejects_raw "
        "WHERE CAST(error_type AS VARCHAR) IN ('INVALID ENCODING', 'UNQUOTED VALUE') "
        "ORDER BY line LIMIT 1"
    ).fetchone()
    if bad is not None:
        line, kind = bad
        if kind == "INVALID ENCODING":
            raise refuse(
                info.path,
                "file-encoding",
                f"line {line} is not valid {encoding} text",
                "re-save the file as UTF-8, or declare its encoding (e.g. 'encoding: latin-1') "
                "in a mapping file",
            )
        raise refuse(
            info.path,
            "file-unbalanced-quote",
            f"a quoted value opened on line {line} is never closed, so the rows after it "
            "cannot be told apart",
            'fix the quote on that line (a quote inside a value is written twice: "")',
        )
    last = con.execute("SELECT max(line) FROM _rejects_raw").fetchone()
    total = con.execute("SELECT count(*) FROM _raw").fetchone()
    if last and last[0] is not None and total is not None:
        parsed_lines = int(total[0]) + int(
            con.execute("SELECT count(*) FROM _rejects_raw").fetchone()[0]  # type: ignore[index]
        )
        if int(last[0]) >= parsed_lines + 1 and not _ends_with_newline(info):
            raise refuse(
                info.path,
                "file-truncated",
                f"the last line ({last[0]}) is incomplete and the file does not end with a "
                "line break: it looks cut off",
                "copy or download the file again",
            )


def _read(
    con: duckdb.DuckDBPyConnection,
    info: FileInfo,
    source: str,
    delimiter: str,
    quote: str,
    encoding: str,
    limits: IngestLimits,
    space: Space,
) -> None:
    try:
        if info.kind == "parquet":
            cols = ", ".join(f"CAST({ident(h)} AS VARCHAR) AS {ident(h)}" for h in info.header)
            con.execute(f"{space.create('_raw')} AS SELECT {cols} FROM read_parquet({lit(source)})")
            con.execute(
                "CREATE TEMP TABLE _rejects_raw (line BIGINT, error_type VARCHAR, "
                "csv_line VARCHAR, error_message VARCHAR)"
            )
        else:
            # The content scan refused any physical line over the limit; a quoted value
            # spanning lines past it is rejected by DuckDB and quarantined.
            sql = _read_csv_sql(info, source, delimiter, quote, encoding, limits.max_line_bytes + 2)
            con.execute(f"{space.create('_raw')} AS SELECT * FROM {sql}")
    except duckdb.Error as exc:
        resource = refusal_for(exc, info.path)
        if resource is not None:
            raise resource from exc
        text = str(exc).splitlines()[0]
        lowered = text.lower()
        if "gzip" in lowered or "compress" in lowered or "zlib" in lowered or "inflate" in lowered:
            raise refuse(
                info.path,
                "file-truncated",
                f"the compressed stream is damaged or cut short ({text})",
                "copy or download the file again; 'gzip -t FILE' checks it",
            ) from exc
        if "unicode" in lowered or "encoding" in lowered or "utf" in lowered:
            raise refuse(
                info.path,
                "file-encoding",
                f"the text is not valid {encoding} ({text})",
                "re-save the file as UTF-8, or declare 'encoding:' in a mapping file",
            ) from exc
        raise refuse(
            info.path,
            "file-unreadable",
            f"DuckDB could not read it ({text})",
            "check that the file is a well-formed CSV or Parquet file",
        ) from exc


def stage_file(
    con: duckdb.DuckDBPyConnection,
    info: FileInfo,
    *,
    delimiter: str,
    quote: str,
    encoding: str,
    limits: IngestLimits | None = None,
    space: Space = TEMP,
) -> Staged:
    """Read the file into ``_raw`` (and ``_rejects``); refuse it on whole-file faults."""
    _drop(con, "_raw", "_rejects", "_rejects_raw", "_rejects_scan", "_rej_idx")
    with literal_path(info.path) as source:
        _read(con, info, source, delimiter, quote, encoding, limits or IngestLimits(), space)
    _check_rejects(con, info, encoding)
    con.execute(
        "CREATE TEMP TABLE _rejects AS SELECT CAST(line AS BIGINT) - 1 AS _row, "
        "CAST(csv_line AS VARCHAR) AS raw, CAST(error_type AS VARCHAR) AS error_type, "
        "CAST(error_message AS VARCHAR) AS error_message FROM _rejects_raw"
    )
    _drop(con, "_rejects_raw", "_rejects_scan")
    rejected = int(con.execute("SELECT count(*) FROM _rejects").fetchone()[0])  # type: ignore[index]
    parsed = int(con.execute("SELECT count(*) FROM _raw").fetchone()[0])  # type: ignore[index]
    if rejected:
        # A rejected row with data-row number r is preceded by r - 1 - (rank - 1) parsed
        # rows; a parsed row k comes after every reject whose threshold is <= k.
        con.execute(
            "CREATE TEMP TABLE _rej_idx AS SELECT thresh, max(cum) AS cum FROM ("
            " SELECT _row - 1 - (row_number() OVER (ORDER BY _row) - 1) AS thresh,"
            " row_number() OVER (ORDER BY _row) AS cum FROM _rejects) GROUP BY thresh"
        )
    return Staged(parsed=parsed, rejected=rejected, header=info.header)


def _positions(staged: Staged) -> str:
    """Each column again under its 1-based position's alias, for ``{index: n}``.

    DuckDB reads only the columns a query uses, so the aliases cost nothing unused.
    """
    return "".join(
        f", {ident(h)} AS {ident(position_alias(i))}" for i, h in enumerate(staged.header, 1)
    )


def raw_rows_sql(staged: Staged) -> str:
    """FROM clause giving ``_k`` (parse order), ``_row`` (data-row number) and the columns."""
    if staged.rejected == 0:
        return f"(SELECT rowid AS _k, rowid + 1 AS _row, *{_positions(staged)} FROM _raw) r"
    return (
        "(SELECT r0.*, r0._k + 1 + coalesce(j.cum, 0) AS _row FROM "
        f"(SELECT rowid AS _k, *{_positions(staged)} FROM _raw) r0 "
        "ASOF LEFT JOIN _rej_idx j ON r0._k >= j.thresh) r"
    )
