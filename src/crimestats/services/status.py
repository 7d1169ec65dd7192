"""What the store holds, per source, with completeness (``crimestats status``).

Completeness is the share of blank values per field, because a statistic on a field
that is 40% blank means something else than one on a complete field.
"""

from __future__ import annotations

import math
import os
from typing import Any

from crimestats.storage.reads import ibis_store

_INCIDENT_FIELDS = (
    "occurred_start", "area_code", "lat", "location_type", "cyber_related", "weapon",
)  # fmt: skip
_OFFENCE_FIELDS = ("national_code", "national_label", "description", "iccs_code")
_UNKNOWN_IS_BLANK = ("cyber_related", "weapon")
LATE_DAYS = 30
"""A report counts as late past this many days (completeness of recent periods)."""


def _whole(value: Any) -> int:
    """A count from a pandas cell, where an empty sum comes back as None or NaN."""
    return 0 if value is None or math.isnan(value) else int(value)


def _missing_months(first: str, last: str, seen: set[str]) -> list[str]:
    """Months between the first and last report month with no incident at all.

    A gap usually means a missing extract rather than a month without crime.
    """
    year, month = int(first[:4]), int(first[5:7])
    missing = []
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        if key not in seen:
            missing.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return missing


def store_status(db: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Counts, date range and blank shares per source, and the ingest history totals."""
    import ibis

    with ibis_store(db) as con:
        incidents = con.table("incidents")
        offences = con.table("offences")
        aggs: dict[str, Any] = {
            "incidents": incidents.count(),
            "first_reported": incidents.reported_date.min(),
            "last_reported": incidents.reported_date.max(),
        }
        for name in _INCIDENT_FIELDS:
            col = incidents[name]
            blank = col.isnull()
            if name in _UNKNOWN_IS_BLANK:
                blank = blank | (col == "unknown")
            aggs[f"blank_{name}"] = blank.mean()
        occurred = incidents.occurred_start.cast("date")
        delay = incidents.reported_date.delta(occurred, unit="day")
        aggs["with_occurrence"] = occurred.notnull().sum()
        aggs["late"] = (delay > LATE_DAYS).sum()
        per_source = incidents.group_by("source").aggregate(**aggs).to_pyarrow().to_pylist()
        month = incidents.reported_date.truncate("M")
        months: dict[str, set[str]] = {}
        for rec in (
            incidents.group_by(["source", month.name("month")])
            .aggregate(n=incidents.count())
            .to_pyarrow()
            .to_pylist()
        ):
            months.setdefault(rec["source"], set()).add(str(rec["month"])[:7])
        off = (
            offences.group_by("source")
            .aggregate(
                offences=offences.count(),
                coded=offences.iccs_code.notnull().sum(),
                **{f"blank_{n}": offences[n].isnull().mean() for n in _OFFENCE_FIELDS},
            )
            .to_pyarrow()
            .to_pylist()
        )
        counts = {}
        for table in ("victims", "suspects", "justice_events"):
            t = con.table(table)
            counts[table] = t.group_by("source").aggregate(n=t.count()).to_pyarrow().to_pylist()
        ingests = con.table("ingests")
        totals = (
            ingests.group_by("source")
            .aggregate(
                files=ingests.count(),
                read=ingests.rows_read.sum(),
                accepted=ingests.accepted.sum(),
                quarantined=ingests.quarantined.sum(),
                duplicates=ingests.duplicates.sum(),
            )
            .to_pyarrow()
            .to_pylist()
        )
        version = con.table("schema_version").version.max().to_pyarrow().as_py()
        _ = ibis  # imported for its side effect of registering the backend
    sources: dict[str, dict[str, Any]] = {}
    for rec in totals:
        sources[rec["source"]] = {k: int(v) for k, v in rec.items() if k != "source"}
    for rec in per_source:
        entry = sources.setdefault(rec["source"], {})
        entry["incidents"] = int(rec["incidents"])
        entry["reported_from"] = str(rec["first_reported"])[:10]
        entry["reported_to"] = str(rec["last_reported"])[:10]
        entry["blank_share"] = {n: round(float(rec[f"blank_{n}"]), 4) for n in _INCIDENT_FIELDS}
        known, late = _whole(rec["with_occurrence"]), _whole(rec["late"])
        entry["late_reports"] = {
            "rule": f"reported more than {LATE_DAYS} days after the occurrence started",
            "incidents": late,
            "share_of_known": round(late / known, 4) if known else None,
        }
        entry["missing_months"] = _missing_months(
            str(rec["first_reported"])[:7],
            str(rec["last_reported"])[:7],
            months.get(rec["source"], set()),
        )
    for rec in off:
        entry = sources.setdefault(rec["source"], {})
        entry["offences"] = int(rec["offences"])
        entry["iccs_coded"] = int(rec["coded"])
        entry.setdefault("blank_share", {}).update(
            {n: round(float(rec[f"blank_{n}"]), 4) for n in _OFFENCE_FIELDS}
        )
    for table, frame in counts.items():
        for rec in frame:
            sources.setdefault(rec["source"], {})[table] = int(rec["n"])
    for entry in sources.values():
        for key in ("incidents", "offences", "victims", "suspects", "justice_events"):
            entry.setdefault(key, 0)
    return {"schema_version": int(version), "sources": dict(sorted(sources.items()))}


def completeness(
    db: str | os.PathLike[str] | None = None, source: str | None = None
) -> dict[str, dict[str, Any]]:
    """Per source: blank shares, missing months and late reports (for table metadata).

    Every published table carries this, so a reader sees how complete the data behind
    it are (issue 4: completeness per source and period).
    """
    keys = ("reported_from", "reported_to", "missing_months", "late_reports", "blank_share")
    sources = store_status(db)["sources"]
    return {
        name: {k: info[k] for k in keys if k in info}
        for name, info in sources.items()
        if source is None or name == source
    }
