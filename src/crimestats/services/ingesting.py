"""Ingest files into the store: inspect, adapt, validate, load, reconcile.

This is the one function the CLI, the Python API and the benchmark call. Each file is
its own transaction: a refused file loads nothing and the others still load.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from crimestats.checksums import file_sha256
from crimestats.domain.flat_layout import LAYOUTS, OFFENCE_TEXT_FIELDS, field_names
from crimestats.errors import FileRefusedError, UsageError
from crimestats.ingest.file_inspect import FileInfo, inspect_file, refuse
from crimestats.ingest.file_scan import scan_content
from crimestats.ingest.limits import IngestLimits
from crimestats.ingest.mapping import Mapping, identity_mapping, load_mapping
from crimestats.ingest.mapping_columns import check_header
from crimestats.storage.loader import load_file
from crimestats.storage.sources import IngestRecord, UndoOutcome, ingest_records, undo_ingest
from crimestats.storage.store import (
    bound_ingest_memory,
    is_store_file,
    open_store,
    resolve_db_path,
)
from crimestats.version import code_version

_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
ProgressFn = Callable[[str, str], None]
"""progress(file, step) is called as each file moves through its steps."""


class HeldBy(TypedDict):
    """An earlier ingest holding keys that rows of this file conflict with."""

    ingest_id: int
    file: str
    rows: int


@dataclass(slots=True)
class IngestResult:
    """The reconciliation of one file: read = accepted + quarantined + duplicates."""

    file: str
    source: str
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    warnings: int = 0
    issues: dict[str, int] = field(default_factory=dict)
    ingest_id: int | None = None
    refused: dict[str, str] | None = None
    replaced: list[int] = field(default_factory=list)
    """Ingests of the source this file's load superseded (``replace=True``)."""
    conflicts_held_by: list[HeldBy] = field(default_factory=list)
    """Earlier ingests (``ingest_id``, ``file``, ``rows``) holding keys rows conflict with."""
    profile: list[dict[str, str]] = field(default_factory=list)
    """Suspicious distributions of the loaded rows (``code``, ``field``, ``detail``)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the keys of DESIGN.md section 3, and more).

        The fields above are the one declaration of its keys (``asdict``), so no
        TypedDict repeats them.
        """
        return asdict(self)


class IngestSummary(TypedDict):
    """One ingest command as JSON (``crimestats ingest --json``, the steward API): the
    totals over its files, then each file (:meth:`IngestResult.to_dict`)."""

    read: int
    accepted: int
    quarantined: int
    duplicates: int
    warnings: int
    issues: dict[str, int]
    refused: int
    files: list[dict[str, Any]]


class SourceSummary(TypedDict):
    """One source in ``crimestats sources --json``: its version (1 + how many times it
    was replaced), its active ingests and files, and every ingest with its state."""

    source: str
    version: int
    active_ingests: list[int]
    files: int
    accepted: int
    ingests: list[dict[str, Any]]


def _check_columns(info: FileInfo, mapping: Mapping, delimiter: str) -> None:
    check_header(info, mapping)
    header = set(info.header)
    if mapping.path is None:
        layout = LAYOUTS[mapping.target]
        needed = [f.name for f in layout if f.required]
        if mapping.target == "incidents" and not header & set(OFFENCE_TEXT_FIELDS):
            needed.append("national_code|national_label|description|iccs_code")
    else:
        needed = list(mapping.required_columns())
    missing = [
        c for c in needed if c not in header and not ("|" in c and header & set(c.split("|")))
    ]
    if not missing:
        return
    if len(info.header) == 1 and info.kind == "csv":
        only = info.header[0]
        for other, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe"), (",", "comma")):
            if other != delimiter and other in only:
                raise refuse(
                    info.path,
                    "file-wrong-delimiter",
                    f"the header is one column that contains {name}s: the file is "
                    f"{name}-separated, not {delimiter!r}-separated",
                    f"declare 'delimiter: \"{other}\"' in a mapping file"
                    if other != "\t"
                    else "declare 'delimiter: tab' in a mapping file",
                )
    hints = []
    for col in missing:
        close = difflib.get_close_matches(col, list(info.header), n=1)
        hints.append(f"{col} (did you mean {close[0]!r}?)" if close else col)
    layout_help = (
        "give the file a header in the flat v1 layout ('crimestats schema --template'), "
        "or pass --mapping FILE for its own layout"
        if mapping.path is None
        else f"check the column names in {mapping.path} against the file's header"
    )
    raise refuse(
        info.path,
        "file-missing-column",
        f"missing column(s): {', '.join(hints)}; the header has: {', '.join(info.header[:20])}",
        layout_help,
    )


def _file_warnings(info: FileInfo, mapping: Mapping) -> list[tuple[str, str | None, str | None]]:
    """Whole-file warnings: unknown flat v1 columns; a last line with no line break."""
    out: list[tuple[str, str | None, str | None]] = []
    if info.kind == "csv" and info.compression is None:
        with info.path.open("rb") as handle:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) not in (b"\n", b"\r"):
                out.append(("file-no-final-newline", None, "the last row may be cut short"))
    if mapping.path is not None:
        return out
    known = set(field_names(LAYOUTS[mapping.target]))
    for col in info.header:
        if col not in known:
            close = difflib.get_close_matches(col, sorted(known), n=1)
            out.append(("column-unknown", col, f"did you mean {close[0]}?" if close else None))
    return out


def _stepper(report: ProgressFn, path: str) -> Callable[[str], None]:
    def step(name: str) -> None:
        report(path, name)

    return step


def ingest_files(
    paths: Sequence[str | Path],
    *,
    source: str,
    db: str | os.PathLike[str] | None = None,
    mapping: str | Path | None = None,
    target: str = "incidents",
    progress: ProgressFn | None = None,
    limits: IngestLimits | None = None,
    replace: bool = False,
) -> list[IngestResult]:
    """Load each file in its own transaction; a refused file is reported, not raised.

    ``replace=True`` loads a new version of the source: the first file that loads
    supersedes, in its own transaction, every ingest of the source (and target) that
    counted before; the following files add to the new version.

    Raises ``UsageError`` / ``MappingError`` for problems that concern every file (a bad
    source name or mapping, a bad limit), before anything is loaded. ``limits`` default
    to ``IngestLimits.from_env()``.
    """
    limits = limits or IngestLimits.from_env()
    if not _SOURCE_NAME.match(source):
        raise UsageError(
            f"source name {source!r} is not allowed",
            hint="use letters, digits, '_', '-' or '.', starting with a letter or digit",
        )
    if not paths:
        raise UsageError("no files given", hint="crimestats ingest FILE... --source NAME")
    loaded = load_mapping(mapping) if mapping else None
    report = progress or (lambda _f, _s: None)
    results: list[IngestResult] = []
    store = resolve_db_path(db)
    with (
        open_store(db) as con,
        bound_ingest_memory(con, max_line_bytes=limits.max_line_bytes),  # a bounded peak
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        for raw_path in paths:
            path = Path(raw_path)
            result = IngestResult(file=str(path), source=source)
            results.append(result)
            try:
                report(str(path), "inspecting")
                if is_store_file(path, store):
                    raise refuse(
                        path,
                        "file-is-the-store",
                        "this is the store the files are loaded into, not a file to load",
                        "leave the store out of the files to load (e.g. keep it in another "
                        "folder than the data)",
                    )
                the_mapping = loaded
                probe = loaded or identity_mapping([], target)
                info = inspect_file(
                    path,
                    declared_format=probe.file_format,
                    delimiter=probe.delimiter,
                    encoding=probe.encoding,
                    limits=limits,
                )
                if the_mapping is None:
                    the_mapping = identity_mapping(list(info.header), target)
                _check_columns(info, the_mapping, the_mapping.delimiter)
                info = scan_content(info, limits)
                future = pool.submit(file_sha256, path)
                outcome = load_file(
                    con,
                    info,
                    mapping=the_mapping,
                    source=source,
                    file_sha256=future.result,
                    file_warnings=_file_warnings(info, the_mapping),
                    code_version=code_version(),
                    step=_stepper(report, str(path)),
                    limits=limits,
                    replace=replace,
                )
            except FileRefusedError as exc:
                result.refused = {"code": exc.code, "message": exc.message, "fix": exc.hint or ""}
                report(str(path), "refused")
                continue
            result.ingest_id = outcome.ingest_id
            result.read = outcome.read
            result.accepted = outcome.accepted
            result.quarantined = outcome.quarantined
            result.duplicates = outcome.duplicates
            result.warnings = outcome.warnings
            result.issues = outcome.issues
            result.replaced = outcome.replaced
            result.conflicts_held_by = [
                {"ingest_id": h.ingest_id, "file": h.file, "rows": h.rows} for h in outcome.held_by
            ]
            result.profile = [asdict(w) for w in outcome.profile]
            replace = False  # the new version now counts; later files add to it
            report(str(path), "done")
    return results


def summarise(results: list[IngestResult]) -> dict[str, Any]:
    """One JSON object for a whole ingest command: totals, then each file.

    Its shape is :class:`IngestSummary`; it is handed back as a plain dict because a
    caller (the steward API's upload route) declares a plain dict.
    """
    issues: dict[str, int] = {}
    for r in results:
        for code, n in r.issues.items():
            issues[code] = issues.get(code, 0) + n
    summary: IngestSummary = {
        "read": sum(r.read for r in results),
        "accepted": sum(r.accepted for r in results),
        "quarantined": sum(r.quarantined for r in results),
        "duplicates": sum(r.duplicates for r in results),
        "warnings": sum(r.warnings for r in results),
        "issues": dict(sorted(issues.items())),
        "refused": sum(1 for r in results if r.refused),
        "files": [r.to_dict() for r in results],
    }
    return dict(summary)


def source_ingests(
    db: str | os.PathLike[str] | None = None, source: str | None = None
) -> list[IngestRecord]:
    """Every ingest (of one source), oldest first, with its state (active, superseded,
    undone): what ``crimestats sources`` and ``crimestats ingests list`` show."""
    with open_store(db, read_only=True) as con:
        return ingest_records(con, source)


def sources_summary(records: list[IngestRecord]) -> list[SourceSummary]:
    """One entry per source: its version (how many times it was replaced), its active
    ingests, and every ingest with its state, for ``crimestats sources``."""
    by_source: dict[str, list[IngestRecord]] = {}
    for rec in records:
        by_source.setdefault(rec.source, []).append(rec)
    out: list[SourceSummary] = []
    for name, recs in sorted(by_source.items()):
        active = [r for r in recs if r.state == "active"]
        out.append(
            {
                "source": name,
                "version": 1 + len({r.superseded_by for r in recs if r.superseded_by}),
                "active_ingests": [r.ingest_id for r in active],
                "files": len({r.file_sha256 for r in active}),
                "accepted": sum(r.accepted for r in active),
                "ingests": [asdict(r) for r in recs],
            }
        )
    return out


def undo(db: str | os.PathLike[str] | None, ingest_id: int) -> UndoOutcome:
    """Remove one ingest atomically (``crimestats ingests undo ID``)."""
    with open_store(db, read_only=True):  # a missing store is an error, not a new file
        pass
    with open_store(db) as con:
        return undo_ingest(con, ingest_id)
