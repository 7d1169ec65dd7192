"""``indicator_table``: every indicator of :data:`INDICATORS` in one table, with metadata.

One row per indicator, source, year, disaggregation and category (see
:data:`crimestats.indicators.definitions.COLUMNS`). Registered multiple systems estimates
(``crimestats mse --register``) add 16.2.2 rows of the estimated total of victims per
100,000 with its interval, beside the detected count in the store.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from crimestats.indicators import sdg
from crimestats.indicators.counts import AggregateRow, VictimCounts
from crimestats.indicators.definitions import (
    COLUMNS,
    HOMICIDE_CODE,
    INDICATORS,
    RATE_UNIT,
    TRAFFICKING_CODE,
    Indicator,
)
from crimestats.indicators.metadata import IndicatorMetadata
from crimestats.stats.counted_codes import PENDING_NOTE, pending_review_count
from crimestats.stats.table import StatsTable

_FLOATS = {"numerator", "denominator", "value", "value_low", "value_high", "unknown_share"}


def _sources(con: Any, source: str | None) -> dict[str, list[int]]:
    """Sources in scope and the years of their incidents (report date)."""
    from crimestats.errors import NotFoundError

    inc = con.table("incidents")
    years = inc.group_by("source").aggregate(
        lo=inc.reported_date.year().min(), hi=inc.reported_date.year().max()
    )
    spans = {r["source"]: (r["lo"], r["hi"]) for r in years.to_pyarrow().to_pylist()}
    ev = con.table("justice_events")
    for name in ev.select("source").distinct().to_pyarrow().column(0).to_pylist():
        spans.setdefault(name, (None, None))
    if source is not None:
        if source not in spans:
            raise NotFoundError(
                f"no incidents or justice events from source {source!r} in the store",
                hint=f"sources in the store: {', '.join(sorted(spans)) or '(none)'}",
            )
        spans = {source: spans[source]}
    return {
        s: list(range(int(lo), int(hi) + 1)) if lo is not None else []
        for s, (lo, hi) in sorted(spans.items())
    }


def _mse_rows(
    con: Any, trafficking: VictimCounts, pops: sdg.Pops, source: str | None
) -> tuple[list[sdg.Row], list[AggregateRow]]:
    """16.2.2 rows of each registered estimate, after the detected count of its year."""
    est = con.table("mse_estimates").order_by(["year", "area_code", "method"])
    rows: list[sdg.Row] = []
    registered: list[AggregateRow] = []  # the table mse_estimates' rows, as stored
    for e in est.to_pyarrow().to_pylist():
        year, area = int(e["year"]), e["area_code"]
        detected = sum(v["n"] for v in trafficking["victims"] if v["year"] == year)
        pop, value, reason = sdg.rate(detected, pops, area, year)
        scope = f"source {source}" if source else "all sources"
        rows.append(sdg.row("16.2.2", f"store ({scope})", year,
                            disaggregation=f"detected victims, area {area}", category="total",
                            numerator=detected, denominator=pop, value=value, unit=RATE_UNIT,
                            not_computable_reason=reason))  # fmt: skip
        total = e["total"]
        pop, value, reason = sdg.rate(total, pops, area, year)
        low = high = None
        if value is not None and pop:
            low = None if e["ci_low"] is None else e["ci_low"] / pop * sdg.PER
            high = None if e["ci_high"] is None else e["ci_high"] / pop * sdg.PER
        if total is None:
            reason = "the registered MSE gave no estimate (see crimestats mse)"
        rows.append(sdg.row("16.2.2", f"mse:{e['source_file']}", year,
                            disaggregation=f"estimated total victims (MSE {e['method']}), "
                            f"area {area}", category="total", numerator=total,
                            denominator=pop, value=value, value_low=low, value_high=high,
                            unit=RATE_UNIT, not_computable_reason=reason))  # fmt: skip
        registered.append({k: (str(v) if k == "created_at" else v) for k, v in e.items()})
    return rows, registered


def indicator_table(
    db: str | os.PathLike[str] | None = None,
    *,
    area: str | None = None,
    source: str | None = None,
) -> StatsTable:
    """:func:`indicator_table_on` on the store ``db``, opened read-only for this table."""
    from crimestats.storage.reads import ibis_store
    from crimestats.storage.store import resolve_db_path

    path = resolve_db_path(db)
    with ibis_store(path) as con:
        return indicator_table_on(
            con, area=area, source=source, store_label=str(path),
            survey_rows=survey_indicator_rows(path) if source is None else (),
        )  # fmt: skip


def survey_indicator_rows(store: Path) -> Sequence[Mapping[str, Any]]:
    """The survey-based SDG indicators (16.1.3, 16.1.4, 16.3.1) of the surveys loaded
    beside the store ``store``, or their rows saying why not.

    :mod:`crimestats.survey.indicators` builds them with the same :data:`COLUMNS` (a
    test keeps the two equal) as its own untyped rows, hence the ``Mapping``.
    """
    from crimestats.survey.indicators import indicator_rows_for_store

    return indicator_rows_for_store(store)


def indicator_table_on(
    con: Any,
    *,
    store_label: str = "",
    survey_rows: Sequence[Mapping[str, Any]] = (),
    area: str | None = None,
    source: str | None = None,
) -> StatsTable:
    """SDG 16.1.1, 16.2.2, 16.3.2 and the share indicators, per source and year.

    Parameters
    ----------
    con:
        an open Ibis backend on the store (``indicator_table`` opens one by path).
    store_label:
        the store's name as the metadata gives it.
    survey_rows:
        the survey-based indicators' rows (:func:`survey_indicator_rows`).
    area:
        the territory the source(s) cover: its population (table ``populations``) is the
        denominator of the rates. Without it, rates are not computable (counts stay).
    source:
        only this source.

    Returns
    -------
    StatsTable
        the rows (:data:`COLUMNS`) and metadata: each indicator's definition, numerator,
        denominator, ICCS codes and reference, and the registered MSE estimates used.
    """
    import pyarrow as pa

    from crimestats.version import code_version

    sources = _sources(con, source)
    pops = sdg.populations(con)
    homicide = sdg.victim_counts(con, HOMICIDE_CODE, source)
    trafficking = sdg.victim_counts(con, TRAFFICKING_CODE, source)
    shares = sdg.share_counts(con, source)
    mse_rows, registered = _mse_rows(con, trafficking, pops, source)
    pending = pending_review_count(con, source)
    incident_sources = {s: y for s, y in sources.items() if y}
    rows: list[Mapping[str, object]] = [
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
    rows += survey_rows
    schema = pa.schema(
        [
            (c, pa.float64() if c in _FLOATS else pa.int64() if c in ("year", "unknown")
             else pa.string())
            for c in COLUMNS
        ]
    )  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=schema)
    metadata: IndicatorMetadata = {
        "indicators": {
            **{code: i.to_dict() for code, i in INDICATORS.items()},
            **{code: i.to_dict() for code, i in _survey_indicators().items()},
        },
        "area": area,
        "source_filter": source,
        "period_basis": "reported (incidents); event_date (justice events, 16.3.2)",
        "rates": "value = numerator / denominator * 100000; blank where not computable, "
        "with the reason in not_computable_reason (never 0)",
        "shares": "value = 100 * numerator / denominator, where the denominator excludes "
        "'unknown'; 'unknown' and 'unknown_share' (percent of all units) say how much was "
        "left out",
        "iccs_coding": PENDING_NOTE,
        "pending_review_offences": pending,
        "mse_estimates": registered,
        "not_computable": sum(1 for r in rows if r["not_computable_reason"]),
        "rows": table.num_rows,
        "columns": list(COLUMNS),
        "store": store_label,
        "generated_by": code_version(),
    }
    return StatsTable(table, dict(metadata))


def _survey_indicators() -> dict[str, Indicator]:
    """The survey-based indicators' definitions (crimestats.survey.indicators)."""
    from crimestats.survey.indicators import SURVEY_INDICATORS

    return dict(SURVEY_INDICATORS)
