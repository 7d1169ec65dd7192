"""Differentially private tables in a release, on small stores written by hand.

OpenDP cannot be seeded, so the statistical test draws fresh noise every run; its
tolerance is over six standard errors wide (see the test), so a correct release fails it
with negligible probability, while a release that ignored the contribution bound fails
it every time.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import json
import math
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import duckdb
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crimestats.cli import ledger_cmd, release_cmd
from crimestats.errors import StoreError, UsageError
from crimestats.release import build_release
from crimestats.release.config import parse_config
from crimestats.release.dp_tables import bounded_counts, plan_dp_table, release_dp_table
from crimestats.services.ingesting import ingest_files

HEADER = [
    "incident_id", "reported_date", "offence_seq", "national_label", "iccs_code",
    "victim_seq", "victim_type", "victim_sex", "victim_age",
]  # fmt: skip
ALPHA = [
    # A1: two offences in two sections, one victim
    ["A1", "2023-01-05", 1, "Murder", "0101", 1, "person", "female", 34],
    ["A1", "2023-01-05", 2, "Assault", "02011", 1, "person", "female", 34],
    # A2: two victims
    ["A2", "2023-06-01", 1, "Theft", "0502", 1, "person", "male", ""],
    ["A2", "2023-06-01", 1, "Theft", "0502", 2, "person", "female", 70],
    # A3: not coded, no victim
    ["A3", "2024-03-01", 1, "Something", "", "", "", "", ""],
    # A4: outside the declared period 2022-2024
    ["A4", "2021-12-31", 1, "Burglary", "0501", "", "", "", ""],
]
BETA = [
    ["B1", "2024-07-07", 1, "Robbery", "0401", 1, "person", "male", 20],
    ["B1", "2024-07-07", 2, "Robbery", "0401", 1, "person", "male", 20],
    ["B2", "2022-02-02", 1, "Homicide", "0101", 1, "person", "unknown", 10],
]
GAMMA = [["G1", "not a date", 1, "Theft", "0502", "", "", "", ""]]  # quarantined: 0 accepted


def _write(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def make_store(folder: Path, extra: list[list[Any]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "store.duckdb"
    for source, rows in (("alpha", ALPHA + (extra or [])), ("beta", BETA), ("gamma", GAMMA)):
        ingest_files([_write(folder / f"{source}.csv", rows)], source=source, db=db)
    return db


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("dpstore"))


SECTIONS = [f"{n:02d}" for n in range(1, 12)]  # ICCS v1.0 has 11 sections (UNODC 2015)
CONFIG: dict[str, Any] = {
    "tables": [
        {"name": "incidents_dp", "unit": "incidents", "by": ["source", "year", "iccs_l1"],
         "method": "dp"},
        {"name": "victims_dp", "unit": "victims", "by": ["victim_sex", "victim_age_group"],
         "method": "dp", "epsilon": 0.5},
        {"name": "incidents_t", "unit": "incidents", "by": ["source", "year"]},
    ],
    "dp": {"epsilon": 2.0, "privacy_unit": "incident", "years": [2022, 2024]},
}  # fmt: skip


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def dp_release(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("dprel")
    db = base / "store.duckdb"
    shutil.copyfile(store, db)  # a DP release is always recorded: not in the shared store
    return build_release(db, base / "out", config=parse_config(CONFIG)).directory


def test_contribution_bound_counts_each_incident_in_one_cell(store: Path) -> None:
    config = parse_config(CONFIG)
    table = config.tables[0]
    counts = bounded_counts(store, table, privacy_unit="incident", years=(2022, 2024))
    # by hand: A1 keeps its lowest section (01), A2 05, A3 blank, A4 outside the period,
    # B1 04 (two offences, one section), B2 01
    assert counts == {
        ("alpha", "2023", "01"): 1,
        ("alpha", "2023", "05"): 1,
        ("alpha", "2024", None): 1,
        ("beta", "2024", "04"): 1,
        ("beta", "2022", "01"): 1,
    }
    wider = parse_config(
        {**CONFIG, "tables": [{**CONFIG["tables"][0], "contributions": 2}]}
    ).tables[0]
    counts = bounded_counts(store, wider, privacy_unit="incident", years=(2022, 2024))
    assert counts[("alpha", "2023", "02")] == 1  # A1's second section now counts too
    victims = config.tables[1]
    per_victim = bounded_counts(store, victims, privacy_unit="victim", years=(2022, 2024))
    assert per_victim == {
        ("female", "30-44"): 1,
        ("male", "unknown"): 1,
        ("female", "60+"): 1,
        ("male", "15-29"): 1,
        ("unknown", "0-14"): 1,
    }
    per_incident = bounded_counts(store, victims, privacy_unit="incident", years=(2022, 2024))
    assert ("female", "60+") not in per_incident  # A2's second victim is over the bound
    assert sum(per_incident.values()) == 4


def test_every_public_key_appears_with_consistent_margins(dp_release: Path) -> None:
    rows = _csv(dp_release / "incidents_dp.csv")
    assert list(rows[0]) == [
        "source", "year", "iccs_l1", "count", "accuracy_95", "lower_95", "upper_95",
    ]  # fmt: skip
    fields = ("source", "year", "iccs_l1")
    # public: the sources of the ingests (gamma loaded nothing), the declared years,
    # the 11 sections and a blank
    domains = [["alpha", "beta", "gamma"], ["2022", "2023", "2024"], [*SECTIONS, ""]]
    interior = {tuple(r[f] for f in fields): r for r in rows if "Total" not in r.values()}
    assert set(interior) == set(itertools.product(*domains))
    assert len(rows) == math.prod(len(d) + 1 for d in domains)  # every margin too
    for row in rows:
        count = int(row["count"])
        assert count >= 0
        assert int(row["lower_95"]) <= count <= int(row["upper_95"])
        assert int(row["lower_95"]) >= 0
        key = tuple(row[f] for f in fields)
        if "Total" in key:
            members = [
                int(r["count"])
                for k, r in interior.items()
                if all(m in ("Total", v) for m, v in zip(key, k, strict=True))
            ]
            assert count == sum(members), key


def test_interior_accuracy_is_the_discrete_laplace_95_percent_half_width(
    dp_release: Path,
) -> None:
    """P[|X| >= k] = 2 q^k / (1 + q) for discrete Laplace noise, q = exp(-1/scale)
    (Inusah & Kozubowski 2006); the half-width is the smallest that covers 95 %."""
    package = json.loads((dp_release / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["path"] == "incidents_dp.csv")
    scale = resource["crimestats"]["disclosure_control"]["noise_scale"]
    q = math.exp(-1 / scale)
    assert scale == pytest.approx(1 / 1.5)  # sensitivity 1, epsilon 2.0 - 0.5
    rows = _csv(dp_release / "incidents_dp.csv")
    half = {float(r["accuracy_95"]) for r in rows if "Total" not in r.values()}
    assert len(half) == 1
    k = math.floor(half.pop()) + 1  # the interval holds |noise| <= k - 1
    assert 2 * q**k / (1 + q) <= 0.05
    assert 2 * q ** (k - 1) / (1 + q) > 0.05  # and is not wider than it need be


def test_metadata_says_how(dp_release: Path) -> None:
    package = json.loads((dp_release / "datapackage.json").read_text(encoding="utf-8"))
    about = package["crimestats"]
    dp = about["differential_privacy"]
    assert "discrete Laplace" in dp["mechanism"]
    assert dp["privacy_unit"] == "incident"
    assert dp["epsilon_total"] == 2.0
    assert dp["reproducible"] is False
    assert set(dp["epsilon_by_table"]) == {"incidents_dp", "victims_dp"}
    spent = sum(map(Fraction, dp["epsilon_by_table"].values()))
    assert spent <= Fraction(2.0)
    assert dp["epsilon_by_table"]["victims_dp"] <= 0.5
    assert about["disclosure_control"]["methods"] == {
        "incidents_dp": "dp", "victims_dp": "dp", "incidents_t": "threshold",
    }  # fmt: skip
    for item in about["lineage"]["ingests"]:  # exact counts of the data stay out
        assert not {"sha256", "bytes", "rows_read", "accepted"} & set(item)
    resources = {r["path"]: r for r in package["resources"]}
    table = resources["victims_dp.csv"]["crimestats"]
    assert table["reproducible"] is False
    assert table["disclosure_control"]["public_key_set"].keys() == {
        "victim_sex",
        "victim_age_group",
    }
    assert table["disclosure_control"]["contribution_bound"]["contributions"] == 1
    numbers = [v for v in table["statistics"].values() if isinstance(v, int | float)]
    assert numbers == []  # no count at all in a DP table's notes
    types = {f["name"]: f["type"] for f in resources["victims_dp.csv"]["schema"]["fields"]}
    assert types == {
        "victim_sex": "string", "victim_age_group": "string", "count": "integer",
        "accuracy_95": "number", "lower_95": "integer", "upper_95": "integer",
    }  # fmt: skip
    page = (dp_release / "report.html").read_text(encoding="utf-8")
    assert "Differentially private tables" in page


def test_everything_but_the_dp_tables_is_byte_identical(store: Path, tmp_path: Path) -> None:
    config = dataclasses.replace(parse_config(CONFIG), carry_forward=False)
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(store, db)  # a DP release is always recorded: not in the shared store
    first = build_release(db, tmp_path / "a", config=config)
    second = build_release(db, tmp_path / "b", config=config)
    noisy = {"incidents_dp.csv", "incidents_dp.parquet", "victims_dp.csv",
             "victims_dp.parquet", "report.html", "MANIFEST.sha256",
             "sdmx/incidents_dp.sdmx.xml", "sdmx/incidents_dp.sdmx.csv",
             "sdmx/victims_dp.sdmx.xml", "sdmx/victims_dp.sdmx.csv"}  # fmt: skip
    assert first.files == second.files
    for name in first.files:
        if name not in noisy:
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _ledger_rows(db: Path, release_id: str) -> list[tuple[str, str, float, float]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT table_name, privacy_unit, epsilon, release_epsilon FROM privacy_ledger "
            "WHERE release_id = ? ORDER BY table_name",
            [release_id],
        ).fetchall()
    finally:
        con.close()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    total=st.floats(min_value=0.01, max_value=5.0),
    own=st.lists(st.one_of(st.none(), st.floats(0.001, 2.0)), min_size=1, max_size=4),
)
def test_store_ledger_records_every_spend_within_the_budget(
    store: Path, tmp_path_factory: pytest.TempPathFactory, total: float, own: list[float | None]
) -> None:
    tables = [
        {"name": f"t{n}", "unit": "incidents", "by": ["source"], "method": "dp"}
        | ({} if eps is None else {"epsilon": eps})
        for n, eps in enumerate(own)
    ]
    try:
        config = parse_config(
            {"tables": tables, "dp": {"epsilon": total, "privacy_unit": "incident"}}
        )
    except UsageError:
        return  # asked for more than the budget: refused before anything is counted
    db = tmp_path_factory.mktemp("ledger") / "store.duckdb"
    shutil.copyfile(store, db)
    result = build_release(db, tmp_path_factory.mktemp("rel") / "out", config=config)
    rows = _ledger_rows(db, result.release_id)
    assert [r[0] for r in rows] == sorted(f"t{n}" for n in range(len(own)))
    assert {r[1] for r in rows} == {"incident"}
    assert {r[3] for r in rows} == {total}
    spent = sum(Fraction(r[2]) for r in rows)
    assert spent <= Fraction(total)
    assert result.privacy is not None
    assert spent == sum(Fraction(e["epsilon"]) for e in result.privacy["entries"])
    for n, eps in enumerate(own):  # a table with its own epsilon spends at most that
        if eps is not None:
            assert {r[0]: r[2] for r in rows}[f"t{n}"] <= eps


def test_cli_release_with_config_and_the_ledger_listing(store: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(store, db)
    config = tmp_path / "release.yaml"
    config.write_text(
        "tables:\n"
        "  - {name: by_year, unit: incidents, by: [year], method: dp}\n"
        "dp: {epsilon: 0.5, privacy_unit: incident, years: [2022, 2024]}\n",
        encoding="utf-8",
    )
    app = typer.Typer()
    release_cmd.register(app)
    ledger_cmd.register(app)
    runner = CliRunner()
    out = tmp_path / "rel"
    done = runner.invoke(app, ["release", "--out", str(out), "--config", str(config),
                               "--db", str(db), "--seed", "7", "--json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert summary["privacy"]["spent_epsilon"] <= 0.5
    assert summary["seed"] == 7
    rows = _csv(out / "by_year.csv")
    assert [r["year"] for r in rows] == ["2022", "2023", "2024", "Total"]
    listed = runner.invoke(app, ["privacy-ledger", "--db", str(db), "--json"])
    assert listed.exit_code == 0, listed.output
    ledger = json.loads(listed.stdout)
    assert [e["table_name"] for e in ledger["entries"]] == ["by_year"]
    assert ledger["entries"][0]["release_id"] == summary["release_id"]
    assert ledger["spent_by_privacy_unit"]["incident"] <= 0.5
    text = runner.invoke(app, ["privacy-ledger", "--db", str(db)])
    assert "by_year" in text.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("dp: {epsilon: -1, privacy_unit: incident}\n", encoding="utf-8")
    refused = runner.invoke(app, ["release", "--out", str(tmp_path / "x"), "--config",
                                  str(bad), "--db", str(db)])  # fmt: skip
    assert isinstance(refused.exception, UsageError)
    assert "dp.epsilon" in refused.exception.message
    assert not (tmp_path / "x").exists()


def test_an_unrecorded_dp_release_leaves_no_files(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crimestats.release import recording as build_module

    def fail(*args: object, **kwargs: object) -> None:
        raise StoreError("the store is locked")

    monkeypatch.setattr(build_module, "record_release", fail)
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(store, db)
    with pytest.raises(StoreError):
        build_release(db, tmp_path / "out", config=parse_config(CONFIG))
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.glob(".out.*")) == []


def test_values_outside_the_public_list_are_refused(store: Path) -> None:
    config = parse_config(CONFIG)
    with pytest.raises(UsageError, match=r"source values outside the public list, e\.g\. alpha"):
        plan_dp_table(store, config.tables[0], privacy_unit="incident", years=(2022, 2024),
                      sources=["beta", "gamma"])  # fmt: skip


# The statistical test: two stores that differ by one incident (with offences in two
# sections), the same DP table released DRAWS times from each.
DRAWS = 5_000
EXTRA = [
    ["A9", "2023-05-05", 1, "Murder", "0101", "", "", "", ""],
    ["A9", "2023-05-05", 2, "Assault", "0201", "", "", "", ""],
]


def test_one_incident_more_cannot_be_told_apart_beyond_epsilon(tmp_path: Path) -> None:
    """For any output event E, P[E | D] <= e^eps P[E | D'] for neighbours D, D'.

    The incident added to D' has offences in sections 01 and 02; the bound keeps it in
    01 only, so the tightest events give exactly e^eps:
    F = {out_01 <= c_01 and out_02 <= c_02} (c: counts of D) and G = {out_01 >= c_01 + 1}.
    Without the bound both cells would move, and P_D(F) / P_D'(F) would be e^(2 eps).

    Tolerance: with eps = 1, P_D(F) ~ 0.53 and P_D'(F) ~ 0.20, so the relative standard
    error of the estimated ratio is about 0.032 for 5,000 draws each; a factor 1.25 is
    seven standard errors (a false failure well under once in 10^11 runs), while the
    unbounded ratio e^2 = 7.4 is more than twice the bound 1.25 e = 3.4.
    """
    config = parse_config(
        {
            "tables": [{"name": "by_section", "unit": "incidents", "by": ["iccs_l1"],
                        "method": "dp"},
                       {"name": "other", "unit": "incidents", "by": ["year"], "method": "dp"}],
            "dp": {"epsilon": 2.0, "privacy_unit": "incident", "years": [2022, 2024]},
        }
    )  # fmt: skip
    eps = config.epsilon_shares()["by_section"]
    assert eps == 1.0  # two tables share the budget equally
    table = config.tables[0]
    plans = []
    for name, extra in (("d", None), ("d_prime", EXTRA)):
        db = make_store(tmp_path / name, extra)
        plans.append(plan_dp_table(db, table, privacy_unit="incident", years=(2022, 2024),
                                   sources=["alpha", "beta", "gamma"]))  # fmt: skip
    d, d_prime = plans
    l1 = sum(abs(d.counts.get(k, 0) - d_prime.counts.get(k, 0))
             for k in set(d.counts) | set(d_prime.counts))  # fmt: skip
    assert l1 == 1  # the neighbours' true tables differ by the stated sensitivity
    c01, c02 = d.counts.get(("01",), 0), d.counts.get(("02",), 0)

    def draws(plan: Any) -> list[tuple[int, int, int]]:
        out = []
        for _ in range(DRAWS):
            rows = release_dp_table(plan, epsilon=eps, privacy_unit="incident", alpha=0.05,
                                    ledger=None).rows  # fmt: skip
            cells = {r["iccs_l1"]: r["count"] for r in rows}
            out.append((cells["01"], cells["02"], cells["Total"]))
        return out

    on_d, on_d_prime = draws(d), draws(d_prime)

    def p(sample: list[tuple[int, int, int]], event: Any) -> float:
        return sum(1 for s in sample if event(s)) / DRAWS

    bound = math.exp(eps) * 1.25
    f_event = lambda s: s[0] <= c01 and s[1] <= c02  # noqa: E731
    g_event = lambda s: s[0] >= c01 + 1  # noqa: E731
    ratio_f = p(on_d, f_event) / p(on_d_prime, f_event)
    ratio_g = p(on_d_prime, g_event) / p(on_d, g_event)
    assert ratio_f <= bound
    assert ratio_g <= bound
    assert ratio_f >= math.exp(eps) / 1.25  # tight: the noise is not larger than stated
    # the derived total (post-processing) is no more telling, whatever the threshold
    for t in range(c01 + c02, c01 + c02 + 8):
        low = p(on_d, lambda s, t=t: s[2] <= t)
        high = p(on_d_prime, lambda s, t=t: s[2] <= t)
        if min(low, high) > 0.1:
            assert low / high <= bound


def test_dp_and_rounded_tables_match_their_schemas(
    dp_release: Path, store: Path, tmp_path: Path
) -> None:
    frictionless = pytest.importorskip("frictionless")
    # a rounding table is the only exact table of its release (red-team finding B)
    rounded = {
        "tables": [{"name": "offences_r", "unit": "offences", "by": ["source"],
                    "method": "rounding"}],
        "maps": {"method": "none"},
    }  # fmt: skip
    other = build_release(store, tmp_path / "r", config=parse_config(rounded), record=False)
    checked = 0
    for folder in (dp_release, other.directory):
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        for descriptor in package["resources"]:
            if descriptor["profile"] != "tabular-data-resource":
                continue
            resource = frictionless.Resource(descriptor, basepath=str(folder))
            report = frictionless.validate(resource)
            assert report.valid, [e.message for task in report.tasks for e in task.errors][:5]
            checked += 1
    assert checked == 4
