"""Analyst endpoints on a real server: indicators, attrition, trends and protected counts.

Expected values: plain SQL on the demo store the server copied, and the path-taking
library functions (:func:`crimestats.indicators.indicator_table`,
:func:`~crimestats.indicators.attrition_table`) that the API's on-connection variants
must equal.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.serve.conftest import Served

from crimestats.govern.roles import Role

RECORD_LEVEL = {"incident_id", "person_id", "lat", "lon", "latitude", "longitude",
                "reported_date", "occurred_start", "narrative", "description", "raw"}  # fmt: skip


def _sql(db: Path, query: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def test_indicators_equal_the_library_function(served: Served, demo_db: Path) -> None:
    from crimestats.indicators import indicator_table

    expected = indicator_table(demo_db).rows()
    with served.client(Role.ANALYST) as client:
        answer = client.get("/v1/indicators").json()
    assert len(answer["rows"]) == len(expected) > 0
    for got, want in zip(answer["rows"], expected, strict=True):
        assert all(_same(got[k], want[k]) for k in want), (got, want)
    assert "16.1.1" in answer["metadata"]["indicators"]


def test_attrition_recorded_stage_equals_plain_sql(served: Served, demo_db: Path) -> None:
    from crimestats.indicators import attrition_table

    expected = attrition_table(demo_db).rows()
    with served.client(Role.ANALYST) as client:
        answer = client.get("/v1/attrition", params={"by": "iccs_l1"}).json()
        bad = client.get("/v1/attrition", params={"by": "iccs_l9"})
    assert answer["rows"] == expected
    assert bad.status_code == 422
    assert "iccs_l2" in bad.text
    recorded = {
        (s, c): n
        for s, c, n in _sql(
            demo_db,
            "SELECT i.source, substr(o.iccs_code, 1, 2), count(DISTINCT i.incident_id) "
            "FROM incidents i JOIN offences o USING (source, incident_id) "
            "WHERE length(o.iccs_code) >= 2 "  # an offence pending review counts under no code
            "AND NOT (o.iccs_method = 'model' AND coalesce(o.needs_review, false)) "
            "GROUP BY ALL",
        )
    }
    got = {(r["source"], r["category"]): r["incidents"] for r in answer["rows"]
           if r["stage"] == "recorded" and r["category"] is not None}  # fmt: skip
    assert got == recorded


def test_protected_counts_withhold_every_count_of_one_to_three(
    served: Served, demo_db: Path
) -> None:
    exact = {
        (s, c): n
        for s, c, n in _sql(
            demo_db,
            "SELECT i.source, substr(o.iccs_code, 1, 4), count(DISTINCT i.incident_id) "
            "FROM incidents i JOIN offences o USING (source, incident_id) "
            "WHERE length(o.iccs_code) >= 4 GROUP BY ALL",
        )
    }
    with served.client(Role.ANALYST) as client:
        answer = client.get(
            "/v1/stats", params={"by": "source,iccs_l2", "protect": "threshold"}
        ).json()
        four = client.get(
            "/v1/stats", params={"by": "source,iccs_l1,iccs_l2,year", "protect": "threshold"}
        )
        zero = client.get("/v1/stats", params={"by": "source", "threshold": 0})
    assert four.status_code == 422
    assert zero.status_code == 422
    rows = answer["rows"]
    interior = {(r["source"], r["iccs_l2"]): r for r in rows
                if "Total" not in (r["source"], r["iccs_l2"]) and r["iccs_l2"]}  # fmt: skip
    small = [k for k, n in exact.items() if 1 <= n <= 3]
    assert small, "the demo store has small cells to protect"
    for key in small:
        assert interior[key]["count"] is None
        assert interior[key]["status"] == "primary"
    for key, row in interior.items():
        if row["count"] is not None:
            assert row["count"] == exact[key]
            assert row["count"] == 0 or row["count"] > 3
    assert all(r["count"] is None or not 1 <= r["count"] <= 3 for r in rows)
    statuses = [r["status"] for r in rows]
    assert answer["withheld"]["primary"] == statuses.count("primary")
    assert answer["withheld"]["secondary"] == statuses.count("secondary") > 0


def test_trends_count_months_as_plain_sql(served: Served, demo_db: Path) -> None:
    expected = dict(
        _sql(
            demo_db,
            "SELECT strftime(date_trunc('month', reported_date), '%Y-%m-%d'), count(*) "
            "FROM incidents WHERE source = 'policeuk' GROUP BY ALL",
        )
    )
    with served.client(Role.ANALYST) as client:
        doc = client.get("/v1/trends", params={"by": "", "source": "policeuk"}).json()
        assert client.get("/v1/trends", params={"by": "year"}).status_code == 422
        assert client.get("/v1/trends", params={"freq": "hour"}).status_code == 422
    (series,) = doc["series"]
    got = {p["start"]: p["count"] for p in series["periods"] if p["count"]}
    assert got == expected


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/stats", {"by": "source,iccs_l1", "protect": "threshold"}),
        ("/v1/stats", {"by": "source", "rate": "true"}),
        ("/v1/indicators", {}),
        ("/v1/attrition", {"by": "iccs_l2"}),
        ("/v1/trends", {"by": "source"}),
    ],
)
def test_an_analyst_never_gets_a_record(served: Served, path: str, params: dict[str, str]) -> None:
    with served.client(Role.ANALYST) as client:
        answer = client.get(path, params=params)
    if answer.status_code != 200:
        assert answer.status_code == 422  # a rate without population, say
        return
    doc = answer.json()
    columns = set(doc.get("columns", []))
    for series in doc.get("series", []):
        columns |= set(series["periods"][0]) | set(series["group"])
    assert not RECORD_LEVEL & columns, columns


def test_hotspots_count_every_point_of_the_selection(served: Served, demo_db: Path) -> None:
    (points,) = _sql(
        demo_db,
        "SELECT count(*) FROM incidents WHERE source = 'chicago' AND lat IS NOT NULL "
        "AND lon IS NOT NULL AND isfinite(lat) AND isfinite(lon) "
        "AND lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180",
    )
    with served.client(Role.ANALYST) as client:
        geo = client.get("/v1/hotspots", params={"source": "chicago"}).json()
        bad_code = client.get("/v1/hotspots", params={"source": "chicago", "iccs": "99x"})
        bad_method = client.get("/v1/hotspots", params={"source": "chicago", "method": "x"})
        empty = client.get("/v1/hotspots", params={"source": "nobody"})
    assert sum(f["properties"]["n"] for f in geo["features"]) == points[0] > 0
    assert {f["properties"]["class"] for f in geo["features"]} <= {
        "hot", "cold", "not significant"}  # fmt: skip
    assert {"n", "z", "p_fdr"} <= set(geo["features"][0]["properties"])
    assert not RECORD_LEVEL & set(geo["features"][0]["properties"])
    assert (bad_code.status_code, bad_method.status_code, empty.status_code) == (422, 422, 422)


def test_alerts_observed_counts_equal_plain_sql(served: Served, demo_db: Path) -> None:
    with served.client(Role.ANALYST) as client:
        doc = client.get("/v1/alerts", params={"by": "source", "method": "ears-c1"}).json()
        bad = client.get("/v1/alerts", params={"method": "guess"})
    assert bad.status_code == 422
    assert "farrington" in bad.text
    ((sources,),) = _sql(demo_db, "SELECT count(DISTINCT source) FROM incidents")
    assert doc["series_tested"] >= 1
    assert doc["series_tested"] + sum(doc["skipped"].values()) == sources
    monthly = {
        (f"source={s}", m): n
        for s, m, n in _sql(
            demo_db,
            "SELECT source, strftime(reported_date, '%Y-%m'), count(*) FROM incidents GROUP BY ALL",
        )
    }
    for alarm in doc["rows"]:
        assert alarm["observed"] == monthly[(alarm["series"], alarm["period"][:7])], alarm
        assert alarm["q_value"] <= doc["fdr"]
