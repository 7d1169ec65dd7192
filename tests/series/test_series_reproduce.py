"""Reproduction counts, each checked against an independent recomputation.

The independent side uses only ``csv``, ``gzip`` and string formatting of a double
(``format(x, '.15g')``, half-even on the binary value), never ``crimestats.series``: UNODC's rate is
the double count / population x 100,000 printed with 15 significant digits, and the GSH
tables print 1 decimal. The reference figures were first obtained that way on the full
files (docs/series.md).
"""

from __future__ import annotations

import csv
import gzip
import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from crimestats.series import read_cts, read_homicide_wpp, read_worldbank, read_wpp, reproduce
from crimestats.series.service import bundled_path, reproduce_series

DATA = Path(__file__).resolve().parents[1] / "data" / "series"
DERIVED = {"0-9", "10-14", "25-29", "30-44", "45-59"}


def _csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _same_15(value: float, published: str) -> bool:
    return Decimal(format(value, ".15g")) == Decimal(published)


def _same_1dp(value: float, published: str) -> bool:
    tenth = Decimal("0.1")
    return Decimal(repr(value)).quantize(tenth, ROUND_HALF_UP) == Decimal(published).quantize(
        tenth, ROUND_HALF_UP
    )


def _homicide_independent(victims: Path, wpp: Path) -> dict[str, int]:
    pop = {
        (r["Country"], r["year"], r["sex"], r["age_group"]): float(r["pop_thousands"]) * 1000
        for r in _csv(wpp)
    }
    out = {"rows": 0, "same_15": 0, "same_1dp": 0, "direct": 0, "direct_same_1dp": 0}
    for r in _csv(victims):
        rate = float(r["count"]) / pop[(r["Country"], r["year"], r["sex"], r["age_group"])]
        rate *= 100000
        out["rows"] += 1
        out["same_15"] += _same_15(rate, r["rate_per_100k"])
        out["same_1dp"] += _same_1dp(rate, r["rate_per_100k"])
        if r["age_group"] not in DERIVED:
            out["direct"] += 1
            out["direct_same_1dp"] += _same_1dp(rate, r["rate_per_100k"])
    return out


def test_homicide_wpp_full_bundled_file_matches_the_independent_count() -> None:
    victims, wpp = bundled_path("homicide-wpp"), bundled_path("wpp")
    expected = _homicide_independent(victims, wpp)
    # Reference values from the same computation on the full file (docs/series.md).
    assert expected == {
        "rows": 6540, "same_15": 2823, "same_1dp": 5483, "direct": 3806,
        "direct_same_1dp": 3791,
    }  # fmt: skip
    result = reproduce(
        read_homicide_wpp(victims), kind="homicide-wpp", population="wpp", table=read_wpp(wpp)
    )
    summary = result.summary(group_by="age")
    assert summary["pairs"] == summary["with_population"] == 6540
    assert summary["zero_pairs"] == 1226
    assert summary["matched"]["15 significant digits"] == expected["same_15"]
    assert summary["matched"]["1 decimal"] == expected["same_1dp"]
    direct = sum(
        g["matched"]["1 decimal"] for age, g in summary["by_age"].items() if age not in DERIVED
    )
    assert direct == expected["direct_same_1dp"]


def test_homicide_wpp_every_miss_at_one_decimal_has_a_known_reason() -> None:
    result, origin = reproduce_series(
        None, "homicide-wpp", "wpp", file=bundled_path("homicide-wpp")
    )
    assert origin.endswith(".csv.gz")
    reasons = result.summary()["unmatched_reasons"]
    assert reasons["1 decimal"] == {
        "age-group-split": 1042, "territory-differs": 9, "population-unrounded": 6,
    }  # fmt: skip
    assert reasons["15 significant digits"] == {
        "age-group-split": 2098, "population-unrounded": 1541, "published-rounded": 69,
        "territory-differs": 9,
    }  # fmt: skip
    iraq = [c for c in result.comparisons if c.pair.row.iso3 == "IRQ_C"]
    assert {c.reason for c in iraq} == {"territory-differs"}
    uk = [c for c in result.comparisons if c.pair.row.iso3 == "GBR"]
    assert {c.reason for c in uk} == {None, "published-rounded"}  # author's 6 decimals


def test_homicide_subset_half_person_denominators() -> None:
    result = reproduce(
        read_homicide_wpp(DATA / "homicide_subset.csv"), kind="homicide-wpp",
        population="wpp", table=read_wpp(DATA / "wpp_subset.csv"),
    )  # fmt: skip
    kna = {
        (c.pair.row.year, c.pair.row.sex, c.pair.row.age): c
        for c in result.comparisons
        if c.pair.row.iso3 == "KNA"
    }
    miss = kna[(2020, "Male", "20-24")]  # 3 victims; UNODC divided by 1,736.5 persons
    assert miss.population == Decimal(1737)
    assert miss.reason == "population-unrounded"
    assert not miss.matches[-1]
    uk = [c for c in result.comparisons if c.pair.row.iso3 == "GBR" and c.reason]
    assert uk
    assert {c.reason for c in uk} == {"published-rounded"}


def _cts_worldbank_independent(cts: Path, wb: Path) -> dict[str, object]:
    pop = {(r["Country Code"], r["Year"]): float(r["Value"]) for r in _csv(wb) if r["Value"]}
    cells: dict[tuple[str, ...], dict[str, str]] = defaultdict(dict)
    for r in _csv(cts):
        key = tuple(r[k] for k in ("Iso3_code", "Indicator", "Category", "Sex", "Age", "Year"))
        cells[key][r["Unit of measurement"]] = r["VALUE"]
    rel: list[float] = []
    same_1dp = 0
    for key, units in cells.items():
        iso3, _, _, sex, age, year = key
        if sex != "Total" or age != "Total" or (iso3, year) not in pop:
            continue
        rate = float(units["Counts"]) / pop[(iso3, year)] * 100000
        published = units["Rate per 100,000 population"]
        rel.append(abs(rate - float(published)) / float(published))
        same_1dp += _same_1dp(rate, published)
    return {
        "compared": len(rel),
        "within": sum(1 for d in rel if d <= 0.005),
        "median": statistics.median(rel),
        "same_1dp": same_1dp,
    }


def test_cts_worldbank_subset_closeness_matches_the_independent_figures() -> None:
    expected = _cts_worldbank_independent(DATA / "cts_subset.csv", DATA / "worldbank_subset.csv")
    assert expected["compared"] == 684
    summary = reproduce(
        read_cts(DATA / "cts_subset.csv"), kind="cts", population="worldbank",
        table=read_worldbank(DATA / "worldbank_subset.csv"),
    ).summary()  # fmt: skip
    assert summary["pairs"] == 811
    assert summary["with_population"] == expected["compared"]
    assert summary["matched"]["15 significant digits"] == 0
    assert summary["matched"]["1 decimal"] == expected["same_1dp"] == 173
    assert summary["within_0_5_percent"] == expected["within"] == 214
    assert summary["median_abs_relative_difference"] == pytest.approx(expected["median"], rel=1e-9)
    assert summary["worst"][0]["iso3"] == "MDA"
    assert summary["unmatched_reasons"]["15 significant digits"]["no-population"] == 127


def _cts_implied_independent(cts: Path) -> tuple[int, int]:
    """Each rate from the population implied by the first *other* pair of its group."""
    cells: dict[tuple[str, ...], dict[str, str]] = defaultdict(dict)
    for r in _csv(cts):
        key = tuple(
            r[k] for k in ("Iso3_code", "Year", "Sex", "Age", "Indicator", "Dimension", "Category")
        )
        cells[key][r["Unit of measurement"]] = r["VALUE"]
    groups: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for key, units in cells.items():
        groups[key[:4]].append((units["Counts"], units["Rate per 100,000 population"]))
    with_population = same = 0
    for members in groups.values():
        for i, (count, rate) in enumerate(members):
            others = [
                (Decimal(c) * 100000 / Decimal(r))
                for j, (c, r) in enumerate(members)
                if j != i and Decimal(r) != 0 and Decimal(c) != 0
            ]
            if not others:
                continue
            implied = (others[0] * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2
            with_population += 1
            same += _same_15(float(count) / float(implied) * 100000, rate)
    return with_population, same


def test_cts_implied_population_reproduces_every_rate_to_15_digits() -> None:
    with_population, same = _cts_implied_independent(DATA / "cts_subset.csv")
    assert (with_population, same) == (790, 790)
    summary = reproduce(
        read_cts(DATA / "cts_subset.csv"), kind="cts", population="implied"
    ).summary()
    assert summary["with_population"] == with_population
    assert summary["matched"]["15 significant digits"] == same
    assert summary["unmatched_reasons"]["15 significant digits"] == {"no-population": 21}


def test_rate_uses_divide_first_double_arithmetic() -> None:
    from crimestats.series.rounding import ROUNDINGS, rate_per_100k

    # UN-CTS, Albania 2013, rape: 39 offences, published 1.35087671899062 per 100,000;
    # the other pairs of Albania 2013 imply 2,887,014 persons. Divide-first prints the
    # published digits; multiply-first (39 x 100,000 / 2,887,014) ends in ...063.
    published = Decimal("1.35087671899062")
    computed = rate_per_100k(Decimal(39), Decimal(2887014))
    assert ROUNDINGS[0].same(published, computed)
    assert format(39 * 100000 / 2887014, ".15g") == "1.35087671899063"
