"""Taylor and replicate variances against a design small enough to work by hand.

Stratum 1 has PSUs a (two rows: weight 10, y 1 and 0) and b (weight 20, y 1); stratum 2
has PSUs c (5, 2), d (5, 0) and e (10, 1). Weighted PSU totals of y: a 10, b 20 | c 10,
d 0, e 10, so Y = 50 and, with replacement,
v(Y) = 2/1 * ((10-15)^2 + (20-15)^2) + 3/2 * ((10/3)^2 + (20/3)^2 + (10/3)^2) = 100 + 100.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from crimestats.errors import UsageError
from crimestats.survey.design import parse_design
from crimestats.survey.estimate import Measure, Request, estimate
from crimestats.survey.microdata import Survey, build_survey

ROWS = pd.DataFrame(
    {
        "id": [1, 2, 3, 4, 5, 6],
        "stratum": [1, 1, 1, 2, 2, 2],
        "psu": ["a", "a", "b", "c", "d", "e"],
        "w": [10.0, 10.0, 20.0, 5.0, 5.0, 10.0],
        "y": [1.0, 0.0, 1.0, 2.0, 0.0, 1.0],
        "sex": ["f", "m", "f", "m", "f", "m"],
    }
)


def taylor(rows: pd.DataFrame = ROWS, lonely: str = "fail") -> Survey:
    doc = {
        "name": "hand",
        "tables": {"people": {"file": "people", "keys": ["id"], "weight": "w"}},
        "design": {"type": "taylor", "strata": "stratum", "psu": "psu", "lonely_psu": lonely},
    }
    return build_survey(parse_design(doc), {"people": rows})


def test_total_and_its_variance() -> None:
    [cell] = estimate(taylor(), Request(Measure.TOTAL, of="y"))
    assert cell.estimate == pytest.approx(50.0)
    assert cell.se == pytest.approx(math.sqrt(200.0))
    assert cell.n_unweighted == 4  # rows with y != 0


def test_mean_is_a_linearised_ratio() -> None:
    # R = 50 / 60; z_i = w_i (y_i - R) / 60 summed per PSU
    r = 50 / 60
    z = {"a": (10 * (1 - r) + 10 * (0 - r)) / 60, "b": 20 * (1 - r) / 60,
         "c": 5 * (2 - r) / 60, "d": 5 * (0 - r) / 60, "e": 10 * (1 - r) / 60}  # fmt: skip
    s1 = [z["a"], z["b"]]
    s2 = [z["c"], z["d"], z["e"]]
    v = 2 * sum((v - sum(s1) / 2) ** 2 for v in s1) + 1.5 * sum((v - sum(s2) / 3) ** 2 for v in s2)
    [cell] = estimate(taylor(), Request(Measure.MEAN, of="y"))
    assert (cell.estimate, cell.se) == pytest.approx((r, math.sqrt(v)))


def test_domain_keeps_every_psu() -> None:
    """Women only: y zeroed for men, PSUs d and e stay in as zeros (not dropped)."""
    # women's PSU totals: a 10, b 20 | c 0, d 0, e 0
    v = 2 * (25 + 25) + 0.0
    cells = {
        c.domain["sex"]: c for c in estimate(taylor(), Request(Measure.TOTAL, of="y", by=("sex",)))
    }
    assert cells["f"].estimate == pytest.approx(30.0)
    assert cells["f"].se == pytest.approx(math.sqrt(v))
    # men: a 0, b 0 | c 10, d 0, e 10 -> 0 + 3/2 * 600/9
    assert cells["m"].se == pytest.approx(math.sqrt(100.0))
    [where] = estimate(taylor(), Request(Measure.TOTAL, of="y", where=(("sex", "f"),)))
    assert (where.estimate, where.se) == pytest.approx((cells["f"].estimate, cells["f"].se))


def test_lonely_psu() -> None:
    rows = pd.concat(
        [ROWS, pd.DataFrame([{"id": 7, "stratum": 3, "psu": "f", "w": 4.0, "y": 5.0, "sex": "f"}])]
    )
    with pytest.raises(UsageError, match="only one PSU"):
        estimate(taylor(rows), Request(Measure.TOTAL, of="y"))
    [removed] = estimate(taylor(rows, "remove"), Request(Measure.TOTAL, of="y"))
    assert removed.se == pytest.approx(math.sqrt(200.0))
    # adjust: the lone PSU total 20 deviates from the mean of all 6 PSU totals (70 / 6)
    [adjusted] = estimate(taylor(rows, "adjust"), Request(Measure.TOTAL, of="y"))
    assert adjusted.se == pytest.approx(math.sqrt(200.0 + (20 - 70 / 6) ** 2))


def replicate(method: str, **extra: object) -> Survey:
    rows = pd.DataFrame(
        {"id": [1, 2, 3], "w": [1.0, 2.0, 3.0], "y": [4.0, 1.0, 2.0],
         "r1": [0.0, 3.0, 4.5], "r2": [1.5, 0.0, 4.5], "r3": [1.5, 3.0, 0.0]}
    )  # fmt: skip
    doc = {
        "name": "rep",
        "tables": {"people": {"file": "people", "keys": ["id"], "weight": "w"}},
        "design": {"type": "replicate", "method": method, "replicates": "r1..3", **extra},
    }
    return build_survey(parse_design(doc), {"people": rows})


def test_jk1_total() -> None:
    # Y = 4 + 2 + 6 = 12; replicates 0+3+9 = 12, 6+0+9 = 15, 6+3+0 = 9
    v = 2 / 3 * ((12 - 12) ** 2 + (15 - 12) ** 2 + (9 - 12) ** 2)
    [cell] = estimate(replicate("jk1"), Request(Measure.TOTAL, of="y"))
    assert (cell.estimate, cell.se) == pytest.approx((12.0, math.sqrt(v)))


def test_fay_bootstrap_and_brr_scales() -> None:
    ss = 18.0  # the sum of squared deviations above
    for method, extra, scale in [
        ("fay", {"rho": 0.5}, 1 / (3 * 0.25)),
        ("brr", {}, 1 / 3),
        ("bootstrap", {}, 1 / 2),
        ("jkn", {"rscales": [0.5, 0.5, 0.5]}, 0.5),
    ]:
        [cell] = estimate(replicate(method, **extra), Request(Measure.TOTAL, of="y"))
        assert cell.se == pytest.approx(math.sqrt(scale * ss)), method


def test_design_effect_of_a_total() -> None:
    """Kish: v / (W^2 s^2 / n), s^2 the weighted variance of y with n / (n - 1)."""
    w, y = ROWS["w"].to_numpy(), ROWS["y"].to_numpy()
    big_w, n = w.sum(), len(w)
    mean = (w * y).sum() / big_w
    s2 = (w * (y - mean) ** 2).sum() / big_w * n / (n - 1)
    [cell] = estimate(taylor(), Request(Measure.TOTAL, of="y"))
    assert cell.deff == pytest.approx(200.0 / (big_w**2 * s2 / n))
