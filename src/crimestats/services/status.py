"""What the store holds, per source, with completeness (``crimestats status``).

Completeness is the share of blank values per field, because a statistic on a field
that is 40% blank means something else than one on a complete field. Each share comes
with its exact count (``blank_count``), so 31 blank coordinates out of 6,957 never read
as "0%". File totals count what the source's *counted* ingests read, each distinct file
once: re-ingesting the same file (every row a duplicate) adds no file and no row, and
replaced or undone ingests are not counted.
"""

from __future__ import annotations

import math
import os
from typing import Any, Literal, TypedDict, cast

from crimestats.stats.coverage import LATE_DAYS, SourceCoverage, source_coverage
from crimestats.stats.fields import PeriodBasis
from crimestats.storage.reads import ibis_store

_INCIDENT_FIELDS = (
    "occurred_start", "area_code", "lat", "location_type", "cyber_related", "weapon",
)  # fmt: skip
_OFFENCE_FIELDS = ("national_code", "national_label", "description", "iccs_code")
_VICTIM_FIELDS = ("victim_type", "sex", "age", "citizenship", "relationship_to_suspect", "injury")
_SUSPECT_FIELDS = ("person_ref", "sex", "age", "citizenship")
PersonTable = Literal["victims", "suspects", "justice_events"]
_PERSON_TABLES: tuple[PersonTable, ...] = ("victims", "suspects", "justice_events")
TableCount = Literal["incidents", "offences", PersonTable]
_TABLE_COUNTS: tuple[TableCount, ...] = ("incidents", "offences", *_PERSON_TABLES)
"""Row counts every source shows, 0 when it has none."""
IngestTotal = Literal["accepted", "quarantined", "duplicates"]
_INGEST_TOTALS: tuple[IngestTotal, ...] = ("accepted", "quarantined", "duplicates")
_PERSON_FIELDS: dict[PersonTable, tuple[str, ...]] = {
    "victims": _VICTIM_FIELDS, "suspects": _SUSPECT_FIELDS,
}  # fmt: skip
"""The person tables whose fields get blank shares (a justice event has none here)."""
_PERSON_PREFIX: dict[PersonTable, str] = {"victims": "victim_", "suspects": "suspect_"}
_UNKNOWN_IS_BLANK = (
    "cyber_related", "weapon", "victim_type", "sex", "relationship_to_suspect", "injury",
)  # fmt: skip
"""Fields whose ``unknown`` value says the source did not record it: blank too."""


class LateReports(TypedDict):
    """Incidents reported more than ``LATE_DAYS`` after they started, and their share."""

    rule: str
    incidents: int
    share_of_known: float | None


class SourceCompleteness(TypedDict, total=False):
    """What every published table carries about each source behind it (issue 4), in
    this key order; a key is absent when the store has no incidents of the source."""

    reported_from: str | None
    reported_to: str | None
    missing_months: list[str]
    late_only_months: list[str]
    late_reports: LateReports
    blank_share: dict[str, float]


class SourceStatus(TypedDict, total=False):
    """One source in ``crimestats status --json``.

    Keys appear in the order they are filled: the ingest totals (only for a source with
    a counted ingest), then incidents with their blanks and report-date coverage, then
    offences, then the person tables; every table count is present in the end (0 when
    the source has none). ``blank_count``, ``blank_base`` and ``blank_share`` are keyed
    by field (``victim_``/``suspect_`` prefixed for the person tables).
    """

    files: int
    ingests: int
    read: int
    accepted: int
    quarantined: int
    duplicates: int
    incidents: int
    blank_count: dict[str, int]
    blank_base: dict[str, int]
    blank_share: dict[str, float]
    reported_from: str | None
    reported_to: str | None
    late_reports: LateReports
    missing_months: list[str]
    late_only_months: list[str]
    offences: int
    iccs_coded: int
    victims: int
    suspects: int
    justice_events: int


class StoreStatus(TypedDict):
    """``crimestats status --json``: the schema version and each source, by name."""

    schema_version: int
    sources: dict[str, SourceStatus]


def _whole(value: Any) -> int:
    """A count from a pandas cell, where an empty sum comes back as None or NaN."""
    return 0 if value is None or math.isnan(value) else int(value)


def _blank(table: Any, name: str) -> Any:
    """An Ibis boolean: the field is blank (null, or ``unknown`` where that means blank)."""
    col = table[name]
    blank = col.isnull()
    if name in _UNKNOWN_IS_BLANK:
        blank = blank | (col == "unknown")
    return blank


def _add_blanks(
    entry: SourceStatus, base: int, rec: dict[str, Any], fields: tuple[str, ...], prefix: str
) -> None:
    """Blank counts and shares of one table's fields, over that table's ``base`` rows.

    ``rec`` is one source's row of the aggregate (``blank_<field>`` columns). The JSON
    share keeps 4 decimals (as before); the count is exact, so a display can say "<0.1%"
    rather than round 31 blanks down to "0%".
    """
    for name in fields:
        n = _whole(rec[f"blank_{name}"])
        key = f"{prefix}{name}"
        entry.setdefault("blank_count", {})[key] = n
        entry.setdefault("blank_base", {})[key] = base
        entry.setdefault("blank_share", {})[key] = round(n / base, 4) if base else 0.0


def _coverage_entry(cov: SourceCoverage) -> SourceStatus:
    """The report-date coverage of a source as status shows it (:mod:`crimestats.stats.coverage`
    computes it: one declaration of the months, gaps and late reports)."""
    return {
        "reported_from": cov.first.isoformat() if cov.first else None,
        "reported_to": cov.last.isoformat() if cov.last else None,
        "late_reports": {
            "rule": f"reported more than {LATE_DAYS} days after the occurrence started",
            "incidents": cov.late,
            "share_of_known": round(cov.late / cov.known, 4) if cov.known else None,
        },
        "missing_months": list(cov.missing_months),
        "late_only_months": list(cov.late_only_months),
    }


class IngestRecord(TypedDict):
    """The columns of one ``ingests`` row that the status totals read (the table has more:
    they are left in the row, unread)."""

    ingest_id: int
    source: str
    file_sha256: str
    rows_read: int
    accepted: int
    quarantined: int
    duplicates: int
    undone_at: object | None
    superseded_by: int | None


def _file_totals(ingests: list[IngestRecord]) -> dict[str, SourceStatus]:
    """Per source: the counted ingests' totals, each distinct file read once.

    An ingest that re-read a file the source already counted and added nothing (every
    row a duplicate) is a no-op: it adds no file and no row. Replaced and undone ingests
    do not count (``crimestats sources`` lists them).
    """
    out: dict[str, SourceStatus] = {}
    seen: set[tuple[str, str]] = set()
    for rec in sorted(ingests, key=lambda r: int(r["ingest_id"])):
        if rec.get("undone_at") is not None or rec.get("superseded_by") is not None:
            continue
        entry = out.setdefault(
            rec["source"],
            {"files": 0, "ingests": 0, "read": 0, "accepted": 0, "quarantined": 0,
             "duplicates": 0},
        )  # fmt: skip
        entry["ingests"] += 1
        key = (str(rec["source"]), str(rec["file_sha256"]))
        again = key in seen
        seen.add(key)
        noop = again and rec["accepted"] == 0 and rec["quarantined"] == 0
        if noop:
            continue
        if not again:
            entry["files"] += 1
        entry["read"] += int(rec["rows_read"])
        for name in _INGEST_TOTALS:
            entry[name] += int(rec[name])
    return out


def store_status(db: str | os.PathLike[str] | None = None) -> StoreStatus:
    """Counts, date range and blank shares per source, and the ingest history totals."""
    import ibis

    with ibis_store(db) as con:
        incidents = con.table("incidents")
        offences = con.table("offences")
        aggs: dict[str, Any] = {"incidents": incidents.count()}
        for name in _INCIDENT_FIELDS:
            aggs[f"blank_{name}"] = _blank(incidents, name).sum()
        per_source = incidents.group_by("source").aggregate(**aggs).to_pyarrow().to_pylist()
        coverage = {c.source: c for c in source_coverage(con, PeriodBasis.REPORTED)}
        off = (
            offences.group_by("source")
            .aggregate(
                offences=offences.count(),
                coded=offences.iccs_code.notnull().sum(),
                **{f"blank_{n}": offences[n].isnull().sum() for n in _OFFENCE_FIELDS},
            )
            .to_pyarrow()
            .to_pylist()
        )
        counts: dict[PersonTable, list[dict[str, Any]]] = {}
        person_blanks: dict[PersonTable, list[dict[str, Any]]] = {}
        for table in _PERSON_TABLES:
            fields = _PERSON_FIELDS.get(table, ())
            t = con.table(table)
            counts[table] = t.group_by("source").aggregate(n=t.count()).to_pyarrow().to_pylist()
            if fields:
                person_blanks[table] = (
                    t.group_by("source")
                    .aggregate(**{f"blank_{n}": _blank(t, n).sum() for n in fields})
                    .to_pyarrow()
                    .to_pylist()
                )
        ingests = cast(list[IngestRecord], con.table("ingests").to_pyarrow().to_pylist())
        version = con.table("schema_version").version.max().to_pyarrow().as_py()
        _ = ibis  # imported for its side effect of registering the backend
    sources = _file_totals(ingests)
    for rec in per_source:
        entry = sources.setdefault(rec["source"], {})
        entry["incidents"] = int(rec["incidents"])
        _add_blanks(entry, entry["incidents"], rec, _INCIDENT_FIELDS, "")
        entry.update(_coverage_entry(coverage[rec["source"]]))
    for rec in off:
        entry = sources.setdefault(rec["source"], {})
        entry["offences"] = int(rec["offences"])
        entry["iccs_coded"] = int(rec["coded"])
        _add_blanks(entry, entry["offences"], rec, _OFFENCE_FIELDS, "")
    for table, frame in counts.items():
        for rec in frame:
            sources.setdefault(rec["source"], {})[table] = int(rec["n"])
    for table, frame in person_blanks.items():
        for rec in frame:
            entry = sources[rec["source"]]
            base = entry.get(table, 0)
            _add_blanks(entry, base, rec, _PERSON_FIELDS[table], _PERSON_PREFIX[table])
    for entry in sources.values():
        for key in _TABLE_COUNTS:
            entry.setdefault(key, 0)
    return {"schema_version": int(version), "sources": dict(sorted(sources.items()))}


def completeness(
    db: str | os.PathLike[str] | None = None, source: str | None = None
) -> dict[str, SourceCompleteness]:
    """Per source: blank shares, missing months and late reports (for table metadata).

    Every published table carries this, so a reader sees how complete the data behind
    it are (issue 4: completeness per source and period).
    """
    keys = tuple(SourceCompleteness.__annotations__)  # its declaration, in order
    sources = store_status(db)["sources"]
    return {
        name: cast(SourceCompleteness, {k: info[k] for k in keys if k in info})  # type: ignore[literal-required]
        for name, info in sources.items()
        if source is None or name == source
    }
