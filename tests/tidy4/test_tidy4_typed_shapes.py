"""The TypedDicts of privacy and services describe the JSON the code really writes.

Why: a TypedDict is not checked at run time, so it can drift from the documents it
claims to describe. Here every pinned document of ``tests/tidy4/data/`` (written by the
code before it was typed, see test_tidy4_json_pinned.py) is walked against its
TypedDict: each required key present, no key the declaration lacks, nested shapes too.
The order of ``QuarantinedRow`` is checked as well, since the export's header is taken
from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NotRequired, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from crimestats.privacy.audit import AuditJSON
from crimestats.privacy.cross_repair import CrossUnitAuditJSON
from crimestats.privacy.linked import LinkedMetadata
from crimestats.privacy.protect import ProtectionParameters
from crimestats.services.classifying import ClassifySummary
from crimestats.services.ingesting import IngestSummary, SourceSummary
from crimestats.services.quarantine import EXPORT_COLUMNS, QuarantinedRow
from crimestats.services.status import SourceCompleteness, StoreStatus

DATA = Path(__file__).resolve().parent / "data"


def _load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def _required(kind: Any) -> set[str]:
    """The required keys. Not ``__required_keys__``: on Python 3.11 it misses a
    ``NotRequired`` written in a string annotation (``from __future__ import
    annotations``), which the modules use."""
    if not kind.__total__:
        return set()
    hints = get_type_hints(kind, include_extras=True)
    return {k for k, h in hints.items() if get_origin(h) is not NotRequired}


def _problems(value: Any, kind: Any, where: str) -> list[str]:
    """Where ``value`` does not fit ``kind`` (TypedDicts walked key by key, containers
    element by element; scalars are left to mypy)."""
    if is_typeddict(kind):
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        hints = get_type_hints(kind)
        out = [f"{where}: lacks {k}" for k in sorted(_required(kind) - value.keys())]
        out += [f"{where}: undeclared {k}" for k in sorted(value.keys() - hints.keys())]
        for key in value.keys() & hints.keys():
            out += _problems(value[key], hints[key], f"{where}.{key}")
        return out
    origin, args = get_origin(kind), get_args(kind)
    if origin is list and isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _problems(v, args[0], f"{where}[{i}]")]
    if origin is dict and isinstance(value, dict):
        return [p for k, v in value.items() for p in _problems(v, args[1], f"{where}.{k}")]
    if origin in (list, dict):
        return [f"{where}: not a {origin.__name__}"]
    if args and value is not None:  # a union such as LateReports | None: try each
        fits = [a for a in args if a is not type(None) and not _problems(value, a, where)]
        return [] if fits or not any(is_typeddict(a) for a in args) else [f"{where}: no fit"]
    return []


CASES: list[tuple[str, Any]] = [
    ("status.status", StoreStatus),
    ("status.completeness", dict[str, SourceCompleteness]),
    ("ingest_summaries.summary", IngestSummary),
    ("ingest_summaries.sources", list[SourceSummary]),
    ("quarantine.rows", list[QuarantinedRow]),
    ("classify", ClassifySummary),
    ("protected.parameters", ProtectionParameters),
    ("protected.suppressed.audit", AuditJSON),
    ("protected.small.audit", AuditJSON),
    ("linked", list[dict[str, LinkedMetadata]]),
    ("cross_unit.passing", list[CrossUnitAuditJSON]),
    ("cross_unit.failing", list[CrossUnitAuditJSON]),
]


@pytest.mark.parametrize(("path", "kind"), CASES, ids=[c[0] for c in CASES])
def test_the_typed_dict_fits_the_pinned_document(path: str, kind: Any) -> None:
    name, *keys = path.split(".")
    document = _load(name)
    for key in keys:
        document = document[key]
    if name == "linked":  # rows are open-ended (the caller's fields): metadata only
        document = [{"m": entry["metadata"]} for entry in document]
    assert document, "an empty document checks nothing"
    assert _problems(document, kind, path) == []


def test_the_walker_sees_a_missing_and_an_undeclared_key() -> None:
    row = dict(_load("quarantine")["rows"][0])
    del row["codes"]
    row["extra"] = 1
    assert _problems(row, QuarantinedRow, "r") == ["r: lacks codes", "r: undeclared extra"]


def test_the_export_header_is_the_row_in_order() -> None:
    rows = _load("quarantine")["rows"]
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert _load("quarantine")["csv"].splitlines()[0] == ",".join(EXPORT_COLUMNS)
