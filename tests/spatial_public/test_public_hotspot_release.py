"""The public hotspot map beside a recorded release: the same parameters, the same
steady counts.

A release is built and recorded on the store; then 3 more burglaries are added where
the release counted 20 in 2024. The release's rule against differencing two releases
publishes 20 again until the hexagon moves by 10 (``crimestats.release.map_history``): the
public hotspot map of the same incidents must show 20 too, or it would locate the 3 new
ones. A public map with another minimum count or resolution than the release's map is
refused (its hexagons would pool differently and could be subtracted).
"""

from __future__ import annotations

import json
from pathlib import Path

import h3
import pytest
from tests.conftest import base_row, run_cli, write_flat
from tests.spatial_public.test_public_hotspot_map import SPOTS, _rows

from crimestats.release import build_release, parse_config
from crimestats.services.ingesting import ingest_files
from crimestats.storage.spatial_points import selected_points

SPOT_C = list(SPOTS)[2]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("released")
    db = folder / "s.duckdb"
    ingest_files([write_flat(folder / "in.csv", _rows())], source="t", db=db)
    # the made-up city's months are sparse (every year partial): kept, flagged, since
    # this test is about the map's steady counts, not periods
    keep = parse_config({"period": {"include_partial": True}})
    build_release(db, folder / "release", config=keep)  # recorded in the store
    later = [
        base_row(
            incident_id=f"N{i}", reported_date="2024-11-02", occurred_start="2024-11-01 10:00:00",
            lat=SPOT_C[0], lon=SPOT_C[1], iccs_code="0501", national_label="Burglary",
        )
        for i in range(3)
    ]  # fmt: skip
    ingest_files([write_flat(folder / "later.csv", later)], source="t", db=db)
    return db


@pytest.fixture(autouse=True, scope="module")
def _registered() -> None:
    from crimestats.cli import hotspots_cmd
    from crimestats.cli.app import app

    if not any(c.name == "hotspots" for c in app.registered_commands):
        hotspots_cmd.register(app)


def _public(store: Path, out: Path, *extra: str) -> tuple[int, str]:
    code, text, error = run_cli(
        "hotspots", "--db", str(store), "--method", "count", "--public", "--out", str(out),
        *extra,
    )  # fmt: skip
    return code, f"{text} {error or ''}"


def test_an_unchanged_hexagon_shows_the_releases_count(store: Path, tmp_path: Path) -> None:
    cell = h3.latlng_to_cell(*SPOT_C, 8)
    now = selected_points(store, source="t", since=None, until=None)
    in_cell = sum(
        h3.latlng_to_cell(a, b, 8) == cell and str(d).startswith("2024")
        for a, b, d in zip(now.lats, now.lons, now.dates, strict=True)
    )
    assert in_cell == 23  # the store holds 23 there now
    out = tmp_path / "public.geojson"
    code, text = _public(store, out)
    assert code == 0, text
    data = json.loads(out.read_text(encoding="utf-8"))
    counts = {(f["properties"]["year"], f["properties"]["h3_cell"]): f["properties"]["count"]
              for f in data["features"]}  # fmt: skip
    assert counts[(2024, cell)] == 20  # as the release publishes it: moved by 3 < 10
    assert "earlier count" in data["crimestats"]["history"]


@pytest.mark.parametrize("extra", [["--min-count", "12"], ["--h3-resolution", "9"]])
def test_other_parameters_than_the_releases_are_refused(
    store: Path, tmp_path: Path, extra: list[str]
) -> None:
    out = tmp_path / "public.geojson"
    code, text = _public(store, out, *extra)
    assert code == 1
    assert "H3 resolution 8 and minimum count 10" in text
    assert not out.exists()
    assert _public(store, out, "--min-count", "10", "--h3-resolution", "8")[0] == 0
