"""The indicator and attrition tables computed on an Ibis backend the caller holds.

Why a second entry point: :func:`crimestats.indicators.indicator_table` and
:func:`crimestats.indicators.attrition_table` open the store read-only by path, which
DuckDB refuses inside a process that already holds it read-write (the API server,
:mod:`crimestats.serve.store`). These take the open backend instead; the bodies are the
same computation (the path-taking functions could delegate here: one change at merge).
"""

from __future__ import annotations

from typing import Any

from crimestats.indicators import sdg
from crimestats.indicators.attrition import (
    COLUMNS as ATTRITION_COLUMNS,
)
from crimestats.indicators.attrition import (
    IMPLIED_BY,
    LEVELS,
    STAGES,
    _reached,
    _recorded_stages,
)
from crimestats.indicators.build import _FLOATS, _mse_rows, _sources
from crimestats.indicators.definitions import (
    COLUMNS,
    HOMICIDE_CODE,
    INDICATORS,
    TRAFFICKING_CODE,
)
from crimestats.stats.table import StatsTable


def indicator_table_on(
    con: Any, *, area: str | None = None, source: str | None = None, store_label: str = ""
) -> StatsTable:
    """:func:`crimestats.indicators.indicator_table` on the open backend ``con``."""
    import pyarrow as pa

    from crimestats.version import code_version

    sources = _sources(con, source)
    pops = sdg.populations(con)
    homicide = sdg.victim_counts(con, HOMICIDE_CODE, source)
    trafficking = sdg.victim_counts(con, TRAFFICKING_CODE, source)
    shares = sdg.share_counts(con, source)
    mse_rows, registered = _mse_rows(con, trafficking, pops, source)
    incident_sources = {s: y for s, y in sources.items() if y}
    rows = [
        *sdg.victim_rate_rows("16.1.1", HOMICIDE_CODE, "intentional homicide", homicide,
                              incident_sources, pops, area),
        *sdg.victim_rate_rows("16.2.2", TRAFFICKING_CODE, "trafficking in persons",
                              trafficking, incident_sources, pops, area, with_forms=True),
        *mse_rows,
        *sdg.unsentenced_rows(shares["unsentenced"], sources),
        *sdg.share_rows(
            "ipv_family_share", sdg.grouped(shares["relationship"], "relationship"),
            incident_sources,
            {"intimate_partner": {"intimate_partner"}, "family": {"family"},
             "intimate_partner_or_family": {"intimate_partner", "family"}},
            {"unknown"}, what="the victim's relationship to the suspect",
            units="person victims", absent="no victim records in source {source}",
        ),
        *sdg.share_rows(
            "cyber_share", sdg.grouped(shares["cyber"], "cyber_related"), incident_sources,
            {"cyber_related": {"true"}}, {"unknown"}, what="cyber-relatedness",
            units="offences", absent="no offences in source {source}",
        ),
        *sdg.share_rows(
            "firearm_share", sdg.grouped(shares["weapon"], "weapon"), incident_sources,
            {"firearm": {"firearm"}}, {"unknown"}, what="the weapon", units="incidents",
            absent="no incidents in source {source}",
        ),
    ]  # fmt: skip
    schema = pa.schema(
        [
            (c, pa.float64() if c in _FLOATS else pa.int64() if c in ("year", "unknown")
             else pa.string())
            for c in COLUMNS
        ]
    )  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=schema)
    metadata: dict[str, Any] = {
        "indicators": {code: i.to_dict() for code, i in INDICATORS.items()},
        "area": area,
        "source_filter": source,
        "period_basis": "reported (incidents); event_date (justice events, 16.3.2)",
        "rates": "value = numerator / denominator * 100000; blank where not computable, "
        "with the reason in not_computable_reason (never 0)",
        "shares": "value = 100 * numerator / denominator, where the denominator excludes "
        "'unknown'; 'unknown' and 'unknown_share' (percent of all units) say how much was "
        "left out",
        "mse_estimates": registered,
        "not_computable": sum(1 for r in rows if r["not_computable_reason"]),
        "rows": table.num_rows,
        "columns": list(COLUMNS),
        "store": store_label,
        "generated_by": code_version(),
    }
    return StatsTable(table, metadata)


def attrition_table_on(
    con: Any, *, by: str = "iccs_l1", source: str | None = None, store_label: str = ""
) -> StatsTable:
    """:func:`crimestats.indicators.attrition_table` on the open backend ``con``."""
    import pyarrow as pa

    from crimestats.errors import NotFoundError, UsageError
    from crimestats.version import code_version

    if by not in LEVELS:
        raise UsageError(f"--by {by!r} is not known", hint="use iccs_l1 or iccs_l2")
    length = LEVELS[by]
    inc = con.table("incidents")
    if source is not None:
        inc = inc.filter(inc.source == source)
        if int(inc.count().to_pyarrow().as_py()) == 0:
            raise NotFoundError(f"no incidents from source {source!r} in the store",
                                hint="see crimestats status for the sources")  # fmt: skip
    off = con.table("offences")
    code = off.iccs_code
    off = off.select(
        o_source=off.source, o_incident_id=off.incident_id,
        category=(code.length() >= length).ifelse(code.substr(0, length), None),
    ).distinct()  # fmt: skip
    cats = inc.join(off, [inc.source == off.o_source, inc.incident_id == off.o_incident_id])
    cats = cats.select("source", "incident_id", "category", "reported_date")
    recorded = cats.group_by(["source", "category"]).aggregate(n=cats.count())
    reached = _reached(con, source).rename(r_source="source", r_incident_id="incident_id")
    j = cats.join(
        reached,
        [cats.source == reached.r_source, cats.incident_id == reached.r_incident_id],
    )
    days = j.first_date.delta(j.reported_date, unit="day")
    stage_counts = j.group_by(["source", "category", "stage"]).aggregate(
        n=j.count(), median_days=days.median()
    )
    rec_rows = recorded.to_pyarrow().to_pylist()
    stage_rows = stage_counts.to_pyarrow().to_pylist()
    reach = _recorded_stages(con, source)
    evs = con.table("justice_events")
    if source is not None:
        evs = evs.filter(evs.source == source)
    unmatched = evs.anti_join(inc, [evs.source == inc.source, evs.incident_id == inc.incident_id])
    n_unmatched = int(unmatched.count().to_pyarrow().as_py())
    got = {(r["source"], r["category"], r["stage"]): r for r in stage_rows}
    rows = []
    for rec in sorted(rec_rows, key=lambda r: (r["source"], r["category"] is None, r["category"])):
        src, cat, total = rec["source"], rec["category"], int(rec["n"])
        rows.append({"source": src, "category": cat, "stage": "recorded", "incidents": total,
                     "share_of_recorded": 100.0, "median_days": None,
                     "not_computable_reason": None})  # fmt: skip
        for stage in STAGES[1:]:
            r = got.get((src, cat, stage))
            if stage not in reach.get(src, set()):
                why = (f"source {src} has no suspect records and no justice events"
                       if not reach.get(src) else f"source {src} records no justice event "
                       f"that reaches stage {stage}")  # fmt: skip
                rows.append({"source": src, "category": cat, "stage": stage, "incidents": None,
                             "share_of_recorded": None, "median_days": None,
                             "not_computable_reason": why})  # fmt: skip
                continue
            n = int(r["n"]) if r else 0
            med = r["median_days"] if r else None
            rows.append({"source": src, "category": cat, "stage": stage, "incidents": n,
                         "share_of_recorded": 100.0 * n / total,
                         "median_days": None if med is None else float(med),
                         "not_computable_reason": None})  # fmt: skip
    schema = pa.schema([("source", pa.string()), ("category", pa.string()),
                        ("stage", pa.string()), ("incidents", pa.int64()),
                        ("share_of_recorded", pa.float64()), ("median_days", pa.float64()),
                        ("not_computable_reason", pa.string())])  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=schema)
    metadata: dict[str, Any] = {
        "unit": "incidents",
        "unit_definition": "recorded incidents, once per source and distinct ICCS category "
        "among their offences (an incident with offences in two categories is in both)",
        "by": by,
        "category_blank": "offences not coded to ICCS, or coded only above this level",
        "stages": list(STAGES),
        "stage_rule": "an incident counts at a stage if any of its justice events is at "
        "that stage or at a stage implying it",
        "implied_by": {k: list(v) for k, v in IMPLIED_BY.items()},
        "suspect_identified_rule": "a suspect record, or a justice event at a person stage "
        "(suspected or later); median days only over incidents with such an event",
        "share_of_recorded": "percent of the recorded incidents of the row's source and category",
        "median_days": "median days from reported_date to the first event reaching the "
        "stage (data.police.uk dates are months: days are month differences)",
        "not_computable": "a stage no justice event of the source can reach is blank with "
        "a reason, never 0",
        "justice_events_without_recorded_incident": n_unmatched,
        "source_filter": source,
        "rows": table.num_rows,
        "columns": list(ATTRITION_COLUMNS),
        "store": store_label,
        "generated_by": code_version(),
    }
    return StatsTable(table, metadata)
