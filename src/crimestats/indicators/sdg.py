"""SDG 16 and UN-CTS indicators from the store (see :mod:`crimestats.indicators.definitions`).

Each indicator is computed per source and year (of the report date; of the event date
for justice events). The aggregates are Ibis expressions over the store (DESIGN.md
section 8); the small results are turned into rows here. What the data cannot support
is a row with a blank value and ``not_computable_reason``, never a zero:

* rates need a population: the population of ``area`` (the territory the source
  covers) in the year, of the victim's sex and age group for those rows;
* a source that records no offence of the ICCS category, or no victim of it, cannot
  say how many victims there were (its zero would be a claim it cannot make);
* a share excludes ``unknown`` from its denominator and gives the unknown share beside
  it; when everything is unknown there is no share.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any, Final, cast

from crimestats.indicators.counts import (
    AggregateRow,
    FormCount,
    IncidentCount,
    ShareCounts,
    VictimCount,
    VictimCounts,
)
from crimestats.indicators.definitions import HOMICIDE_CODE, RATE_UNIT, SHARE_UNIT, IndicatorRow
from crimestats.stats.counted_codes import counted_offences
from crimestats.stats.fields import AGE_GROUPS
from crimestats.stats.rates import PER

Row = IndicatorRow
"""One row of an indicator table (the name the builders use)."""
Pops = dict[tuple[str, int, str | None, str | None], float]

SEXES: Final[tuple[str, ...]] = ("male", "female")
NOT_CODED_DEEPER: Final[str] = "not coded deeper"


def _pylist(expr: Any) -> list[AggregateRow]:
    rows: list[AggregateRow] = expr.to_pyarrow().to_pylist()
    return rows


def row(
    indicator: str,
    source: str | None,
    year: int | None,
    *,
    disaggregation: str | None = None,
    category: str | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
    value: float | None = None,
    value_low: float | None = None,
    value_high: float | None = None,
    unit: str | None = None,
    unknown: int | None = None,
    unknown_share: float | None = None,
    not_computable_reason: str | None = None,
) -> Row:
    """A row with every column (blank where not given); mypy checks the names given."""
    return {
        "indicator": indicator, "source": source, "year": year,
        "disaggregation": disaggregation, "category": category, "numerator": numerator,
        "denominator": denominator, "value": value, "value_low": value_low,
        "value_high": value_high, "unit": unit, "unknown": unknown,
        "unknown_share": unknown_share, "not_computable_reason": not_computable_reason,
    }  # fmt: skip


def age_group(age: int | None) -> str:
    """The UNODC age group of an age (``unknown`` without one)."""
    if age is None:
        return "unknown"
    for label, low, high in AGE_GROUPS:
        if age >= low and (high is None or age <= high):
            return label
    return "unknown"


def populations(con: Any) -> Pops:
    """Every population row, keyed (area, year, sex, age group)."""
    return {
        (r["area_code"], int(r["year"]), r["sex"], r["age_group"]): float(r["population"])
        for r in _pylist(con.table("populations"))
    }


def rate(
    count: float | None,
    pops: Pops,
    area: str | None,
    year: int | None,
    sex: str | None = None,
    age: str | None = None,
) -> tuple[float | None, float | None, str | None]:
    """(population, rate per 100,000, reason when there is no rate)."""
    if count is None:
        return None, None, None
    if area is None:
        return (
            None,
            None,
            (
                "no area given: pass --area CODE, the territory the source covers (its "
                "population is the denominator)"
            ),
        )
    if sex in ("unknown",) or age == "unknown":
        what = "sex" if sex == "unknown" else "age"
        return None, None, f"victims of unknown {what}: there is no such population"
    if year is None:
        return None, None, "no year"
    pop = pops.get((area, year, sex, age))
    if pop is None:
        parts = [f"area {area}", f"year {year}"]
        if sex:
            parts.append(f"sex {sex}")
        if age:
            parts.append(f"age group {age}")
        return (
            None,
            None,
            (f"no population registered for {', '.join(parts)} (crimestats ingest-population)"),
        )
    if pop <= 0:
        return pop, None, f"the population of area {area} in {year} is 0"
    return pop, count / pop * PER, None


def _incident_years(con: Any, source: str | None) -> Any:
    inc = con.table("incidents")
    if source is not None:
        inc = inc.filter(inc.source == source)
    return inc.select("source", "incident_id", year=inc.reported_date.year().cast("int32"))


def victim_counts(con: Any, code: str, source: str | None) -> VictimCounts:
    """Incidents with an offence under ``code`` and their person victims, per source and year.

    Returns ``incidents`` (source, year, n), ``victims`` (source, year, sex, age, n) and
    ``forms`` (source, year, form, n: victims per distinct level-3 code of the category).
    """
    inc = _incident_years(con, source)
    off = counted_offences(con)  # pending review counts under no code (counted_codes.py)
    off = off.filter(off.iccs_code.startswith(code))
    form = off.iccs_code.substr(0, 5)
    off = off.select(
        o_source=off.source,
        o_incident_id=off.incident_id,
        form=(off.iccs_code.length() >= 5).ifelse(form, None),
    )
    keys = off.select("o_source", "o_incident_id").distinct()
    hit = inc.join(keys, [inc.source == keys.o_source, inc.incident_id == keys.o_incident_id])
    hit = hit.select("source", "incident_id", "year")
    vic = con.table("victims")
    vic = vic.filter(vic.victim_type == "person").select(
        v_source=vic.source, v_incident_id=vic.incident_id, victim_seq=vic.victim_seq,
        sex=vic.sex, age=vic.age,
    )  # fmt: skip
    hv = hit.join(vic, [hit.source == vic.v_source, hit.incident_id == vic.v_incident_id])
    hv = hv.select("source", "incident_id", "year", "victim_seq", "sex", "age")
    forms = hv.join(off, [hv.source == off.o_source, hv.incident_id == off.o_incident_id])
    forms = forms.select("source", "incident_id", "year", "victim_seq", "form").distinct()
    # pyarrow gives untyped rows; their columns are the group keys and n of each query
    return {
        "incidents": cast(
            list[IncidentCount],
            _pylist(hit.group_by(["source", "year"]).aggregate(n=hit.count())),
        ),
        "victims": cast(
            list[VictimCount],
            _pylist(hv.group_by(["source", "year", "sex", "age"]).aggregate(n=hv.count())),
        ),
        "forms": cast(
            list[FormCount],
            _pylist(forms.group_by(["source", "year", "form"]).aggregate(n=forms.count())),
        ),
    }


def victim_rate_rows(
    indicator: str,
    code: str,
    label: str,
    counts: VictimCounts,
    sources: dict[str, list[int]],
    pops: Pops,
    area: str | None,
    with_forms: bool = False,
) -> list[Row]:
    """Rows of a victims-per-100,000 indicator (16.1.1, 16.2.2), per source and year."""
    incidents: dict[str, Counter[int]] = defaultdict(Counter)
    for r in counts["incidents"]:
        incidents[r["source"]][r["year"]] += r["n"]
    victims: dict[tuple[str, int], list[VictimCount]] = defaultdict(list)
    for r in counts["victims"]:
        victims[(r["source"], r["year"])].append(r)
    forms: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for r in counts["forms"]:
        forms[(r["source"], r["year"])][r["form"] or NOT_CODED_DEEPER] += r["n"]
    out: list[Row] = []
    for source, years in sources.items():
        if not incidents[source]:
            out.append(row(indicator, source, None, disaggregation="total", unit=RATE_UNIT,
                           not_computable_reason=f"no offences coded ICCS {code} ({label}) in "
                           f"source {source}: it does not record them separately, or codes "
                           "them only to a broader level"))  # fmt: skip
            continue
        if not any(victims[(source, y)] for y in years):
            n = sum(incidents[source].values())
            why = (f"no victim records for {label} offences in source {source} "
                   f"({n} incidents with an offence coded {code})")  # fmt: skip
            out.append(row(indicator, source, None, disaggregation="total", unit=RATE_UNIT,
                           not_computable_reason=why))  # fmt: skip
            continue
        for year in years:
            vs = victims[(source, year)]
            out.extend(_year_rows(indicator, source, year, vs, pops, area))
            if with_forms:
                for form, n in sorted(forms[(source, year)].items()):
                    pop, value, reason = rate(n, pops, area, year)
                    out.append(row(indicator, source, year, disaggregation="form_of_exploitation",
                                   category=form, numerator=n, denominator=pop, value=value,
                                   unit=RATE_UNIT, not_computable_reason=reason))  # fmt: skip
    return out


def _year_rows(
    indicator: str,
    source: str,
    year: int,
    victims: list[VictimCount],
    pops: Pops,
    area: str | None,
) -> list[Row]:
    # zero rows for the known categories only when some victim's sex (age) is known:
    # with every sex unknown, "0 male victims" would be a claim the data cannot make
    known_sex = any(v["sex"] != "unknown" for v in victims)
    known_age = any(v["age"] is not None for v in victims)
    by_sex: Counter[str] = Counter(dict.fromkeys(SEXES if known_sex else (), 0))
    by_age: Counter[str] = Counter(
        dict.fromkeys((g[0] for g in AGE_GROUPS) if known_age else (), 0)
    )
    for v in victims:
        by_sex[v["sex"]] += v["n"]
        by_age[age_group(v["age"])] += v["n"]
    total = sum(v["n"] for v in victims)
    cells: list[tuple[str, str | None, int, str | None, str | None]] = [
        ("total", None, total, None, None),
        *(("sex", s, n, s, None) for s, n in by_sex.items()),
        *(("age_group", g, n, None, g) for g, n in by_age.items()),
    ]
    out = []
    for dis, category, n, sex, age in cells:
        pop, value, reason = rate(n, pops, area, year, sex, age)
        out.append(row(indicator, source, year, disaggregation=dis, category=category,
                       numerator=n, denominator=pop, value=value, unit=RATE_UNIT,
                       not_computable_reason=reason))  # fmt: skip
    return out


def share_rows(
    indicator: str,
    counts: dict[str, dict[int | None, Counter[Any]]],
    sources: Iterable[str],
    categories: dict[str, set[Any]],
    unknown: set[Any],
    what: str,
    units: str,
    absent: str,
) -> list[Row]:
    """Rows of a share indicator: numerator / known, with the unknown share beside it.

    ``counts[source][year]`` counts units by value; ``categories`` maps each category
    to the values it takes as positive; values in ``unknown`` leave the denominator.
    ``absent`` is the reason (with ``{source}``) for a source with no unit at all.
    """
    out: list[Row] = []
    for source in sources:
        years = counts.get(source, {})
        if not years:
            out.append(row(indicator, source, None, disaggregation="total", unit=SHARE_UNIT,
                           not_computable_reason=absent.format(source=source)))  # fmt: skip
            continue
        grand = sum(sum(c.values()) for c in years.values())
        grand_unknown = sum(n for c in years.values() for v, n in c.items() if v in unknown)
        if grand == grand_unknown:
            out.append(row(indicator, source, None, disaggregation="total", unit=SHARE_UNIT,
                           unknown=grand, unknown_share=100.0,
                           not_computable_reason=f"{what} is unknown for all {grand} {units} "
                           f"of source {source}"))  # fmt: skip
            continue
        for year in sorted(years, key=lambda y: (y is None, y)):
            c = years[year]
            total = sum(c.values())
            unk = sum(n for v, n in c.items() if v in unknown)
            known = total - unk
            for category, positive in categories.items():
                num = sum(n for v, n in c.items() if v in positive)
                reason = None if known else f"{what} is unknown for all {total} {units} in {year}"
                out.append(row(
                    indicator, source, year, disaggregation="total" if len(categories) == 1
                    else "relationship", category=category,
                    numerator=num if known else None, denominator=known if known else None,
                    value=100.0 * num / known if known else None, unit=SHARE_UNIT,
                    unknown=unk, unknown_share=100.0 * unk / total, not_computable_reason=reason,
                ))  # fmt: skip
    return out


def grouped(rows: list[AggregateRow], value: str) -> dict[str, dict[int | None, Counter[Any]]]:
    """``{source: {year: Counter(value -> n)}}`` from aggregate rows."""
    out: dict[str, dict[int | None, Counter[Any]]] = defaultdict(lambda: defaultdict(Counter))
    for r in rows:
        out[r["source"]][r["year"]][r[value]] += r["n"]
    return out


def share_counts(con: Any, source: str | None) -> ShareCounts:
    """The aggregates behind the share indicators and 16.3.2."""
    inc = con.table("incidents")
    if source is not None:
        inc = inc.filter(inc.source == source)
    inc = inc.mutate(year=inc.reported_date.year().cast("int32"))
    off = con.table("offences").select(o_source="source", o_incident_id="incident_id")
    offs = inc.join(off, [inc.source == off.o_source, inc.incident_id == off.o_incident_id])
    vic = con.table("victims")
    vic = vic.filter(vic.victim_type == "person").select(
        v_source="source", v_incident_id="incident_id", relationship="relationship_to_suspect"
    )
    vics = inc.join(vic, [inc.source == vic.v_source, inc.incident_id == vic.v_incident_id])
    ev = con.table("justice_events")
    if source is not None:
        ev = ev.filter(ev.source == source)
    ev = ev.filter(ev.stage == "admitted_to_prison").mutate(year=ev.event_date.year().cast("int32"))
    return {
        "weapon": _pylist(inc.group_by(["source", "year", "weapon"]).aggregate(n=inc.count())),
        "cyber": _pylist(
            offs.group_by(["source", "year", "cyber_related"]).aggregate(n=offs.count())
        ),
        "relationship": _pylist(
            vics.group_by(["source", "year", "relationship"]).aggregate(n=vics.count())
        ),
        "unsentenced": _pylist(
            ev.group_by(["source", "year", "unsentenced"]).aggregate(n=ev.count())
        ),
    }


def unsentenced_rows(rows: list[AggregateRow], sources: Iterable[str]) -> list[Row]:
    """16.3.2 from admitted_to_prison events (``unsentenced`` blank is unknown)."""
    counts = grouped(rows, "unsentenced")
    return share_rows(
        "16.3.2", counts, sources, {"unsentenced": {True}}, {None},
        what="whether the person was sentenced (unsentenced blank)",
        units="admitted_to_prison events",
        absent="no justice events at stage admitted_to_prison in source {source}",
    )  # fmt: skip


__all__ = ["HOMICIDE_CODE", "PER", "age_group", "populations", "rate", "row"]
