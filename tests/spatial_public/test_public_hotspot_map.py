"""The public hotspot map: the release's hexagons, no cell a differencing attack across
the public hotspot map and the release's map can pin, and an offline page.

The store: one H3 cell with 12 burglaries and 2 assaults (the release shows 14; a
burglary map showing 12 would say 2 assaults happened there), one with 15 and 11, one
with 20 burglaries only, and a scatter of mixed incidents that pools into coarser
hexagons, over two years. The attacker below is written here, from h3 alone: it reads
the two published maps as an outsider would and subtracts whatever it can.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import h3
import numpy as np
import pytest
from tests.conftest import base_row, run_cli, write_flat
from tests.spatial_public.attacker import key as _key
from tests.spatial_public.attacker import subtract as _subtract

from crimestats.release.map_inputs import store_map_inputs
from crimestats.release.maps import write_maps
from crimestats.services.ingesting import ingest_files
from crimestats.spatial.public_inputs import store_public_inputs
from crimestats.spatial.public_map import public_map

SPOTS = {  # (lat, lon): (burglaries, assaults)
    (41.8800, -87.6300): (12, 2),
    (41.8950, -87.6100): (15, 11),
    (41.8650, -87.6500): (20, 0),
}


def _rows() -> list[dict[str, object]]:
    rng = np.random.default_rng(7)
    rows: list[dict[str, object]] = []

    def add(lat: float, lon: float, code: str, year: int) -> None:
        day = f"{year}-0{1 + len(rows) % 9}-1{len(rows) % 9}"
        rows.append(
            base_row(
                incident_id=f"P{len(rows):04d}",
                reported_date=day,
                occurred_start=f"{day} 01:00:00",
                lat=lat,
                lon=lon,
                iccs_code=code,
                national_label="Burglary" if code == "0501" else "Assault",
            )
        )

    for year in (2023, 2024):
        for (lat, lon), (burglaries, assaults) in SPOTS.items():
            for i in range(burglaries + assaults):
                add(lat, lon, "0501" if i < burglaries else "0101", year)
        spots = {h3.latlng_to_cell(a, b, 8) for a, b in SPOTS}
        for _ in range(160):
            lat, lon = 41.88 + rng.normal(0, 0.02), -87.63 + rng.normal(0, 0.02)
            if h3.latlng_to_cell(lat, lon, 8) not in spots:  # the spots' counts stay exact
                add(lat, lon, "0501" if rng.random() < 0.6 else "0101", year)
    return rows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("public")
    db = folder / "s.duckdb"
    ingest_files([write_flat(folder / "in.csv", _rows())], source="t", db=db)
    return db


@pytest.fixture(scope="module")
def release(store: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("release")
    output = write_maps(store_map_inputs(store), folder)
    features: list[dict[str, Any]] = output.collection["features"]
    return features


@pytest.fixture(autouse=True, scope="module")
def _registered() -> None:
    from crimestats.cli import hotspots_cmd
    from crimestats.cli.app import app

    if not any(c.name == "hotspots" for c in app.registered_commands):
        hotspots_cmd.register(app)


def test_the_whole_selection_gives_the_releases_own_map(
    store: Path, release: list[dict[str, Any]]
) -> None:
    inputs = store_public_inputs(store)
    masked = public_map(inputs.groups, steady=inputs.steady)
    published = masked.feature_collection()["features"]
    ours = {_key(f["properties"]): f["properties"]["count"] for f in published}
    assert ours == {_key(f["properties"]): f["properties"]["count"] for f in release}
    assert any(f["properties"]["resolution"] < 8 for f in release)  # pooled cells too
    assert [p.label for p in masked.panels] == ["t 2023", "t 2024"]
    assert all(p.withheld == 0 for p in masked.panels)


def test_a_differencing_attack_across_both_maps_pins_no_small_count(
    store: Path, release: list[dict[str, Any]], tmp_path: Path
) -> None:
    out = tmp_path / "burglary.geojson"
    code, text, _ = run_cli(
        "hotspots", "--db", str(store), "--iccs", "0501", "--method", "count", "--public",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, text
    public = json.loads(out.read_text(encoding="utf-8"))["features"]
    counts = {_key(f["properties"]): f["properties"]["count"] for f in public}
    released = {_key(f["properties"]): f["properties"]["count"] for f in release}
    spot_a, spot_b, spot_c = (h3.latlng_to_cell(a, b, 8) for a, b in SPOTS)
    for year in (2023, 2024):
        # 12 burglaries beside 2 assaults: the release's 14 minus 12 would give the 2
        assert released[("t", year, spot_a)] == 14
        assert ("t", year, spot_a) not in counts
        assert (released[("t", year, spot_b)], counts[("t", year, spot_b)]) == (26, 15)
        assert (released[("t", year, spot_c)], counts[("t", year, spot_c)]) == (20, 20)
    differences = _subtract(public, release)
    assert len(differences) >= 4  # the attack finds something to subtract ...
    assert all(d == 0 or d >= 10 for d in differences)  # ... never a small count


def test_without_the_complement_rule_the_attack_would_succeed(store: Path) -> None:
    """The same masking without a whole to compare with (as a points file is masked):
    the attacker pins the 2 assaults beside the 12 burglaries."""
    from crimestats.geomask import aggregate_to_h3

    inputs = store_public_inputs(store, iccs="0501")
    group = inputs.groups[0]
    plain = aggregate_to_h3((group.lats, group.lons), 8, 10).counts
    spot_a = h3.latlng_to_cell(*next(iter(SPOTS)), 8)
    assert 14 - plain[spot_a] == 2


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.links += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_public_page_opens_offline_and_draws_only_the_public_hexagons(
    store: Path, tmp_path: Path
) -> None:
    out, page = tmp_path / "public.geojson", tmp_path / "public.html"
    code, text, _ = run_cli(
        "hotspots", "--db", str(store), "--iccs", "0501", "--method", "count", "--public",
        "--out", str(out), "--html", str(page), "--json",
    )  # fmt: skip
    assert code == 0, text
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    body = page.read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(body)
    assert parsed.tags["script"] == 0
    assert not any(link.startswith(("http", "//")) for link in parsed.links)
    assert parsed.tags["svg"] == 2  # one panel per year
    words = " ".join(parsed.text)
    assert "not a cause" in words
    assert "at least 10 incidents" in words
    assert "t 2023" in words
    assert "t 2024" in words
    # each panel draws as many hexagon shapes as the GeoJSON has features that year
    panels = body.split("<figure>")[1:]
    for year, panel in zip((2023, 2024), panels, strict=True):
        group = re.search(r'class="mark-shape role-mark hexagons_marks"[^>]*>(.*?)</g>', panel)
        assert group is not None
        shapes = group.group(1).count("<path")
        assert shapes == sum(1 for f in features if f["properties"]["year"] == year)
    assert "scale_bar_marks" in body
    summary = json.loads(text)
    assert summary["public_map"]["min_count"] == 10
