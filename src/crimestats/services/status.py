"""What the store holds, per source, with completeness (``crimestats status``).

Completeness is the share of blank values per field, because a statistic on a field
that is 40% blank means something else than one on a complete field.
"""

from __future__ import annotations

import os
from typing import Any

from crimestats.storage.reads import ibis_store

_INCIDENT_FIELDS = (
    "occurred_start", "area_code", "lat", "location_type", "cyber_related", "weapon",
)  # fmt: skip
_OFFENCE_FIELDS = ("national_code", "national_label", "description", "iccs_code")
_UNKNOWN_IS_BLANK = ("cyber_related", "weapon")


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
        per_source = incidents.group_by("source").aggregate(**aggs).to_pandas()
        off = (
            offences.group_by("source")
            .aggregate(
                offences=offences.count(),
                coded=offences.iccs_code.notnull().sum(),
                **{f"blank_{n}": offences[n].isnull().mean() for n in _OFFENCE_FIELDS},
            )
            .to_pandas()
        )
        counts = {}
        for table in ("victims", "suspects", "justice_events"):
            t = con.table(table)
            counts[table] = t.group_by("source").aggregate(n=t.count()).to_pandas()
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
            .to_pandas()
        )
        version = con.table("schema_version").version.max().execute()
        _ = ibis  # imported for its side effect of registering the backend
    sources: dict[str, dict[str, Any]] = {}
    for rec in totals.to_dict("records"):
        sources[rec["source"]] = {k: int(v) for k, v in rec.items() if k != "source"}
    for rec in per_source.to_dict("records"):
        entry = sources.setdefault(rec["source"], {})
        entry["incidents"] = int(rec["incidents"])
        entry["reported_from"] = str(rec["first_reported"])[:10]
        entry["reported_to"] = str(rec["last_reported"])[:10]
        entry["blank_share"] = {n: round(float(rec[f"blank_{n}"]), 4) for n in _INCIDENT_FIELDS}
    for rec in off.to_dict("records"):
        entry = sources.setdefault(rec["source"], {})
        entry["offences"] = int(rec["offences"])
        entry["iccs_coded"] = int(rec["coded"])
        entry.setdefault("blank_share", {}).update(
            {n: round(float(rec[f"blank_{n}"]), 4) for n in _OFFENCE_FIELDS}
        )
    for table, frame in counts.items():
        for rec in frame.to_dict("records"):
            sources.setdefault(rec["source"], {})[table] = int(rec["n"])
    for entry in sources.values():
        for key in ("incidents", "offences", "victims", "suspects", "justice_events"):
            entry.setdefault(key, 0)
    return {"schema_version": int(version), "sources": dict(sorted(sources.items()))}
