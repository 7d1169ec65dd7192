"""The store's coverage kept per store state, so a table does not scan the incidents for it.

Why: every table with a period field lists its partial periods (issue 13), and the facts
behind them (:func:`crimestats.stats.coverage_facts.scan_coverage`) take one grouped scan
of the incidents that reads two date columns: at ten million incidents 0.8-2 s, several
times the 0.1-0.3 s of the table's own group-by (issue 19). The facts change only when
the store does, so they are computed once per store state and reused:

* in this process, for the connection's store and state (a release, the API);
* across processes, in ``<store>.cache/coverage-<basis>.json`` beside the store (the
  ``crimestats stats`` command line), written under a temporary name and renamed, so a
  reader never sees half a file. A store in a folder nobody may write is scanned each
  time, with the same result.

The state is :func:`crimestats.storage.reads.store_state`, the fingerprint the Spark
export is keyed by: the store file's size and modification time (and its write-ahead log's),
the schema version, the ingests and every event table's row count. Any write to the
store changes it, so a stale coverage is never read; a write that changed no incident
(classification) costs one scan more, never a wrong partial period.
"""

from __future__ import annotations

import json
import os
from dataclasses import fields as dataclass_fields
from datetime import date
from pathlib import Path
from typing import Any, Final

from crimestats.stats.coverage_facts import MonthCount, SourceCoverage, scan_coverage
from crimestats.stats.fields import PeriodBasis

CACHE_SUFFIX: Final = ".cache"
"""The folder beside the store: ``<store>.cache/``."""
CACHE_FORMAT: Final = 1
"""Bump when :class:`SourceCoverage` or the scan changes, so old files are not read."""
_MEMO_SIZE: Final = 8
_memo: dict[tuple[str, str, str], tuple[SourceCoverage, ...]] = {}
"""(store path, state key, basis) -> coverage, in this process."""


def cached_coverage(con: Any, basis: PeriodBasis) -> tuple[SourceCoverage, ...]:
    """Every source's coverage on ``basis``: from this process, the file, or one scan."""
    from crimestats.storage.reads import store_state

    located = store_state(con, {"coverage_format": CACHE_FORMAT})
    if located is None:  # not a DuckDB file (Spark, an in-memory database): scan
        return scan_coverage(con, basis)
    path, key = located
    memo_key = (str(path), key, basis.value)
    if memo_key in _memo:
        return _memo[memo_key]
    file = path.with_name(path.name + CACHE_SUFFIX) / f"coverage-{basis.value}.json"
    coverage = _read(file, key)
    if coverage is None:
        coverage = scan_coverage(con, basis)
        _write(file, key, coverage)
    if len(_memo) >= _MEMO_SIZE:
        _memo.pop(next(iter(_memo)))
    _memo[memo_key] = coverage
    return coverage


def _read(file: Path, key: str) -> tuple[SourceCoverage, ...] | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return tuple(_from_dict(s) for s in data["sources"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, half-written by an older version, or damaged: scan again


def _write(file: Path, key: str, coverage: tuple[SourceCoverage, ...]) -> None:
    partial = file.with_name(f"{file.name}.{os.getpid()}.part")
    try:
        file.parent.mkdir(exist_ok=True)
        text = json.dumps({"key": key, "sources": [_to_dict(c) for c in coverage]})
        partial.write_text(text, encoding="utf-8")
        partial.replace(file)
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only folder: this process's memo only


_DATES = ("first", "last", "covered_from", "covered_to")


def _to_dict(cov: SourceCoverage) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclass_fields(cov):
        if not f.init:
            continue  # the gaps are derived again from the months
        value = getattr(cov, f.name)
        if f.name in _DATES:
            value = None if value is None else value.isoformat()
        elif f.name == "months":
            value = [[m.month.isoformat(), m.incidents, m.late, m.known] for m in value]
        out[f.name] = value
    return out


def _from_dict(data: dict[str, Any]) -> SourceCoverage:
    values = dict(data)
    for name in _DATES:
        values[name] = None if values[name] is None else date.fromisoformat(values[name])
    values["basis"] = PeriodBasis(values["basis"])
    values["months"] = tuple(
        MonthCount(date.fromisoformat(m), int(n), int(late), int(known))
        for m, n, late, known in values["months"]
    )
    return SourceCoverage(**values)
