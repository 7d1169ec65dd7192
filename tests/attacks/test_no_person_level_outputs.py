"""Nothing an analyst command writes holds a person or a single incident.

Every analyst command that writes outputs runs on the demo store (the bundled real
data) with small parameters; its printed JSON and its files are scanned for:

* an incident id of the store, as a whole token (ids of at least 7 characters, or with
  a letter: a short number such as Chicago's ``21303`` is also a plausible count);
* a ``person_ref`` of the store (suspects, justice events), as a token;
* a field naming a person or an incident (``person_ref``, ``incident_id``, ``age``,
  names, narratives), as a JSON key or a CSV header;
* the exact (longitude, latitude) of an incident, to 5 decimals, as two numbers in a row
  (either order): a map's cell corners or an area's centre are fine, a crime's spot not.

Victims' and suspects' ages cannot be scanned as values (any count may equal one), so
the fields that would carry them are scanned by name instead.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from crimestats.cli.app import app

PERSON_FIELDS = frozenset(
    {
        "person_ref", "incident_id", "age", "victim_age", "suspect_age", "name_of_person",
        "first_name", "last_name", "surname", "full_name", "date_of_birth", "birth_date",
        "narrative", "uid",
    }
)  # fmt: skip
TOKEN = re.compile(r"[A-Za-z0-9_\-]+")
NUMBER = re.compile(r"-?\d+\.\d+")


def _commands(db: Path, out: Path) -> dict[str, list[str]]:
    """Each analyst command that reports, with small parameters, writing under ``out``."""
    store = ["--db", str(db)]
    memphis = [*store, "--source", "code_memphis"]
    return {
        "stats": ["stats", "--by", "iccs_l1,year", "--format", "json",
                  "--out", str(out / "stats.json"), *store],
        "stats-rates": ["stats", "--by", "area,year", "--area-level", "precinct", "--rate",
                        "--population-year", "2020", "--out", str(out / "rates.csv"), *memphis],
        "trends": ["trends", "--by", "iccs_l1", "--freq", "month", "--json",
                   "--out", str(out / "trends.csv"), *memphis],
        "alerts": ["alerts", "--by", "iccs_l1", "--freq", "month", "--json", *store],
        "emerging": ["emerging", "--json", *store],
        "hotspots": ["hotspots", "--method", "count", "--json",
                     "--out", str(out / "hotspots.geojson"), *memphis],
        "forecast-evaluate": ["forecast-evaluate", "--period", "month", "--json",
                              "--out", str(out / "evaluate.csv"),
                              "--html", str(out / "evaluate.html"), *memphis],
        "forecast-audit": ["forecast-audit", "--period", "month", "--rounds", "2", "--json",
                           "--out", str(out / "audit.csv"), "--html", str(out / "audit.html"),
                           *memphis],
        "near-repeat": ["near-repeat", "--space-bands", "200,400", "--time-bands", "7,14",
                        "--permutations", "9", "--seed", "1", "--json", *memphis],
        "scan": ["scan", "--area-level", "precinct", "--permutations", "9", "--seed", "1",
                 "--json", *memphis],
    }  # fmt: skip


@pytest.fixture(scope="module")
def outputs(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every command's printed output and files, as text per command."""
    if "forecast-audit" not in [c.name for c in app.registered_commands]:
        from crimestats.cli import forecast_audit_cmd

        forecast_audit_cmd.register(app)  # until the lead registers it in cli/app.py
    out = tmp_path_factory.mktemp("outputs")
    texts: dict[str, str] = {}
    for name, argv in _commands(demo_db, out).items():
        before = set(out.iterdir())
        result = CliRunner().invoke(app, argv)
        assert result.exit_code == 0, (name, result.output)
        written = sorted(set(out.iterdir()) - before)
        texts[name] = "\n".join([result.output, *(p.read_text(encoding="utf-8") for p in written)])
    return texts


@pytest.fixture(scope="module")
def store_facts(demo_db: Path) -> tuple[set[str], set[str], set[tuple[float, float]]]:
    """The store's incident ids and person refs (as scanned) and incident coordinates."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        ids = {r[0] for r in con.execute("SELECT incident_id FROM incidents").fetchall()}
        refs = {
            r[0]
            for r in con.execute(
                "SELECT person_ref FROM suspects UNION SELECT person_ref FROM justice_events"
            ).fetchall()
            if r[0]
        }
        spots = con.execute(
            "SELECT DISTINCT round(lon, 5), round(lat, 5) FROM incidents WHERE lat IS NOT NULL"
        ).fetchall()
    scanned = {i for i in ids if len(i) >= 7 or not i.isdigit()}
    return scanned, refs, {(float(a), float(b)) for a, b in spots}


def _documents(text: str) -> Iterator[object]:
    """Every JSON document in ``text`` (a command's output may start with warnings)."""
    decoder = json.JSONDecoder()
    at = 0
    while (start := text.find("{", at)) >= 0:
        try:
            document, at = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            at = start + 1
            continue
        yield document


def _person_fields(text: str) -> list[str]:
    """Paths of JSON keys and CSV header cells naming a person or an incident.

    A ``completeness`` mapping names columns to give their blank share (a fraction of
    the column, not anyone's value): it is metadata, and left out.
    """
    found: list[str] = []

    def walk(node: object, path: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in PERSON_FIELDS and "completeness" not in path:
                    found.append("/".join((*path, key)))
                walk(value, (*path, str(key)))
        elif isinstance(node, list):
            for item in node:
                walk(item, path)

    for document in _documents(text):
        walk(document, ())
    for line in text.splitlines():
        if "," in line and not line.lstrip().startswith(("{", "[", '"')):
            found += [
                c
                for c in (cell.strip().strip('"') for cell in line.split(","))
                if c in PERSON_FIELDS
            ]
    return found


def test_every_command_ran(outputs: dict[str, str]) -> None:
    assert set(outputs) == set(_commands(Path("x"), Path("y")))
    assert all(len(text) > 50 for text in outputs.values())


@pytest.mark.parametrize("command", list(_commands(Path("x"), Path("y"))))
def test_no_incident_id_person_ref_or_person_field(
    command: str,
    outputs: dict[str, str],
    store_facts: tuple[set[str], set[str], set[tuple[float, float]]],
) -> None:
    ids, refs, _ = store_facts
    assert len(ids) > 20_000  # the scan has something to find
    assert len(refs) > 900
    tokens = set(TOKEN.findall(outputs[command]))
    assert not tokens & ids, sorted(tokens & ids)[:5]
    assert not tokens & refs, sorted(tokens & refs)[:5]
    assert not _person_fields(outputs[command])


@pytest.mark.parametrize("command", list(_commands(Path("x"), Path("y"))))
def test_no_incident_coordinates(
    command: str,
    outputs: dict[str, str],
    store_facts: tuple[set[str], set[str], set[tuple[float, float]]],
) -> None:
    _, _, spots = store_facts
    numbers = [round(float(n), 5) for n in NUMBER.findall(outputs[command])]
    pairs = set(itertools.pairwise(numbers))
    leaked = {p for p in spots if p in pairs or (p[1], p[0]) in pairs}
    assert not leaked, sorted(leaked)[:3]


def test_the_field_scan_finds_a_person_field() -> None:
    text = 'warning\n{"rows": [{"age": 34, "count": 1}]}\nincident_id,count\nx,1\n'
    assert _person_fields(text) == ["rows/age", "incident_id"]


def test_the_coordinate_scan_finds_a_leak(
    store_facts: tuple[set[str], set[str], set[tuple[float, float]]],
) -> None:
    """The scan itself: an incident's spot in a GeoJSON point is found."""
    _, _, spots = store_facts
    lon, lat = sorted(spots)[0]
    text = json.dumps({"type": "Point", "coordinates": [lon, lat]})
    numbers = [round(float(n), 5) for n in NUMBER.findall(text)]
    assert (numbers[0], numbers[1]) in spots
