"""Attrition: how many recorded incidents reach each stage of the justice system.

The counting unit is the **incident** (justice events refer to incidents), counted once
per distinct ICCS category among its offences (as ``crimestats stats`` counts
incidents), separately per source. Rules:

* ``recorded``: incidents in the store;
* ``suspect_identified``: a suspect record, or a justice event at any person stage
  (suspected or later);
* a later stage: an incident **reaches** it if any of its events is at that stage or at
  a stage that implies it (:data:`IMPLIED_BY`): prosecution is implied by a conviction,
  a sentence or an admission to prison; conviction and sentence by an admission to
  prison unless the admission is of an unsentenced person (remand). Arrest and
  out-of-court disposal are implied by nothing else (a summons skips arrest);
* ``median_days``: the median over incidents reaching the stage of the days from
  ``reported_date`` to the first event that makes it reach the stage;
* a stage no event of the source can reach is **not computable** (blank, with the
  reason), never 0: data.police.uk, for instance, records no arrests.
"""

from __future__ import annotations

import os
from typing import Any, Final, TypedDict

from crimestats.indicators.metadata import AttritionMetadata
from crimestats.stats.counted_codes import (
    PENDING_NOTE,
    counted_offences,
    pending_review_count,
)
from crimestats.stats.table import StatsTable

PERSON_STAGES: Final[tuple[str, ...]] = (
    "suspected", "arrested", "out_of_court_disposal", "prosecuted", "convicted",
    "sentenced", "admitted_to_prison",
)  # fmt: skip
STAGES: Final[tuple[str, ...]] = ("recorded", "suspect_identified", *PERSON_STAGES)
SENTENCED_PRISON: Final[str] = "admitted_to_prison (sentenced)"
IMPLIED_BY: Final[dict[str, tuple[str, ...]]] = {
    "suspected": (*PERSON_STAGES, "released"),
    "arrested": ("arrested",),
    "out_of_court_disposal": ("out_of_court_disposal",),
    "prosecuted": ("prosecuted", "convicted", "sentenced", "admitted_to_prison"),
    "convicted": ("convicted", "sentenced", SENTENCED_PRISON),
    "sentenced": ("sentenced", SENTENCED_PRISON),
    "admitted_to_prison": ("admitted_to_prison",),
}
"""Stage -> the event stages that make an incident reach it."""
LEVELS: Final[dict[str, int]] = {"iccs_l1": 2, "iccs_l2": 4}


class AttritionRow(TypedDict):
    """One row of the attrition table: its columns, in order (``COLUMNS`` reads them).

    A stage the source's data cannot reach has blank counts and a reason, never 0.
    """

    source: str
    category: str | None
    stage: str
    incidents: int | None
    share_of_recorded: float | None
    median_days: float | None
    not_computable_reason: str | None


COLUMNS: Final[tuple[str, ...]] = tuple(AttritionRow.__annotations__)
"""The columns of the attrition table, in order."""


def _stage_filter(ev: Any, stages: tuple[str, ...]) -> Any:
    plain = [s for s in stages if s != SENTENCED_PRISON]
    cond = ev.stage.isin(plain)
    if SENTENCED_PRISON in stages:
        cond = cond | ((ev.stage == "admitted_to_prison") & ~ev.unsentenced.fill_null(False))
    return cond


def _reached(con: Any, source: str | None) -> Any:
    """(source, incident_id, stage, first_date) for every stage an incident reaches."""
    import ibis

    ev = con.table("justice_events")
    ev = ev.filter(ev.incident_id.notnull())
    if source is not None:
        ev = ev.filter(ev.source == source)
    parts = []
    for stage, implied in IMPLIED_BY.items():
        hit = ev.filter(_stage_filter(ev, implied))
        parts.append(
            hit.group_by(["source", "incident_id"]).aggregate(
                stage=ibis.literal(stage), first_date=hit.event_date.min()
            )
        )
    sus = con.table("suspects")
    if source is not None:
        sus = sus.filter(sus.source == source)
    text, date = ibis.dtype("string"), ibis.dtype("date")
    sus = sus.select(
        source=sus.source.cast(text), incident_id=sus.incident_id.cast(text),
        first_date=ibis.null(date),
    ).distinct()  # fmt: skip
    named = ev.filter(ev.stage.isin([*PERSON_STAGES, "released"]))
    named = named.select(
        source=named.source.cast(text), incident_id=named.incident_id.cast(text),
        first_date=named.event_date.cast(date),
    )  # fmt: skip
    both = sus.union(named)
    parts.append(
        both.group_by(["source", "incident_id"]).aggregate(
            stage=ibis.literal("suspect_identified"), first_date=both.first_date.min()
        )
    )
    text, date = ibis.dtype("string"), ibis.dtype("date")
    parts = [
        p.select(
            source=p.source.cast(text), incident_id=p.incident_id.cast(text),
            stage=p.stage.cast(text), first_date=p.first_date.cast(date),
        )
        for p in parts
    ]  # fmt: skip
    return ibis.union(*parts)


def _recorded_stages(con: Any, source: str | None) -> dict[str, set[str]]:
    """For each source, the stages of this table its data can reach at all."""
    ev = con.table("justice_events")
    if source is not None:
        ev = ev.filter(ev.source == source)
    kinds = ev.group_by(["source", "stage"]).aggregate(
        sentenced_prison=(
            (ev.stage == "admitted_to_prison") & ~ev.unsentenced.fill_null(False)
        ).any()
    )
    out: dict[str, set[str]] = {}
    for r in kinds.to_pyarrow().to_pylist():
        have = {r["stage"]} | ({SENTENCED_PRISON} if r["sentenced_prison"] else set())
        reach = out.setdefault(r["source"], set())
        reach.update(s for s, implied in IMPLIED_BY.items() if have & set(implied))
        if "suspected" in reach:
            reach.add("suspect_identified")
    sus = con.table("suspects")
    if source is not None:
        sus = sus.filter(sus.source == source)
    for name in sus.select("source").distinct().to_pyarrow().column(0).to_pylist():
        out.setdefault(name, set()).add("suspect_identified")
    return out


def attrition_table(
    db: str | os.PathLike[str] | None = None,
    *,
    by: str = "iccs_l1",
    source: str | None = None,
) -> StatsTable:
    """:func:`attrition_table_on` on the store ``db``, opened read-only for this table."""
    from crimestats.storage.reads import ibis_store
    from crimestats.storage.store import resolve_db_path

    path = resolve_db_path(db)
    with ibis_store(path) as con:
        return attrition_table_on(con, by=by, source=source, store_label=str(path))


def attrition_table_on(
    con: Any,
    *,
    store_label: str = "",
    by: str = "iccs_l1",
    source: str | None = None,
) -> StatsTable:
    """The justice-system flow of recorded incidents per source and ICCS category.

    One row per (source, category, stage); ``category`` is the ICCS level given by
    ``by`` (blank: offences not coded that deep). See the module docstring for the rules.
    """
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
    off = counted_offences(con)  # pending review: blank category (counted_codes.py)
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
    pending = pending_review_count(con, source)
    got = {(r["source"], r["category"], r["stage"]): r for r in stage_rows}
    rows: list[AttritionRow] = []
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
    metadata: AttritionMetadata = {
        "unit": "incidents",
        "unit_definition": "recorded incidents, once per source and distinct ICCS category "
        "among their offences (an incident with offences in two categories is in both)",
        "by": by,
        "category_blank": "offences not coded to ICCS, coded only above this level, or "
        "pending review",
        "pending_review": PENDING_NOTE,
        "pending_review_offences": pending,
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
        "columns": list(COLUMNS),
        "store": store_label,
        "generated_by": code_version(),
    }
    return StatsTable(table, dict(metadata))
