"""The report's inline SVG charts: one per table, offline, and no withheld cell drawn as a number.

Expected bars are read back from the published CSV text of each table, not from the
chart code; each SVG is parsed as XML, so malformed or unescaped output fails.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # our own output, not untrusted input
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.release import STANDARD_TABLES, ProtectedRows, TableSpec, protect_standard_table
from crimestats.release.charts import BAR_WIDTH, MAX_BARS, Bar, bar_chart, bars_from_rows, hex_map
from crimestats.release.files import csv_text, report_html
from crimestats.release.map_inputs import store_map_inputs
from crimestats.release.maps import MapOutput
from crimestats.release.maps import write_maps as write_store_maps


def write_maps(db: Any, folder: Any, **options: Any) -> Any:
    """The masked map of the store ``db``: its inputs read once, then written."""
    inputs = store_map_inputs(
        db, method=options.get("method", "h3"), area_level=options.pop("area_level", None)
    )
    return write_store_maps(inputs, folder, **options)


THRESHOLD = 3


@pytest.fixture(scope="module")
def tables(demo_db: Path) -> list[ProtectedRows]:
    return [protect_standard_table(demo_db, s, threshold=THRESHOLD) for s in STANDARD_TABLES]


@pytest.fixture(scope="module")
def maps(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> MapOutput:
    return write_maps(demo_db, tmp_path_factory.mktemp("charts"), min_count=10)


@pytest.fixture(scope="module")
def page(tables: list[ProtectedRows], maps: MapOutput) -> str:
    return report_html(tables, threshold=THRESHOLD, code_version="test", as_of=None, maps=maps)


def _svgs(page: str, klass: str) -> list[ET.Element]:
    return [
        ET.fromstring(s)  # noqa: S314
        for s in re.findall(rf'<svg class="{klass}".*?</svg>', page, re.S)
    ]


def _csv_cells(table: ProtectedRows) -> list[list[str]]:
    """Interior cells from the published CSV text: by-values, count ('' when withheld);
    structural zeros (not_applicable: no count, a category the source cannot have) are
    not drawn."""
    lines = csv_text(table).splitlines()[1:]
    n = len(table.spec.by)
    cells = [line.split(",") for line in lines]
    return [c for c in cells if "Total" not in c[:n] and c[-1] != "not_applicable"]


def test_one_bar_chart_per_table_and_a_map_per_mapped_group(
    page: str, tables: list[ProtectedRows], maps: MapOutput
) -> None:
    charts = _svgs(page, "chart")
    assert len(charts) == len(tables)
    assert [c.get("aria-label") for c in charts] == [t.spec.title for t in tables]
    mapped = [g for g in maps.metadata["groups"] if "masking" in g]
    assert len(_svgs(page, "map")) == len(mapped) > 0
    assert "0101 Intentional homicide" in page  # ICCS v1.0 division 0101, named (UNODC 2015)


def test_report_is_self_contained(page: str) -> None:
    assert "http" not in page
    assert "<script" not in page
    assert not re.search(r"\b(src|href)\s*=", page)
    assert "url(" not in page.replace("url(#hatch-", "")  # only in-page pattern references


def test_bars_are_the_published_counts_and_withheld_cells_no_number(
    page: str, tables: list[ProtectedRows]
) -> None:
    for table, svg in zip(tables, _svgs(page, "chart"), strict=True):
        cells = _csv_cells(table)
        published = Counter(c[-2] for c in cells if c[-2] != "")
        withheld = sum(c[-2] == "" for c in cells)
        assert len(cells) <= MAX_BARS  # every cell is drawn for these tables
        numbers = Counter(t.text for t in svg.iter("text") if t.get("class") == "value")
        assert numbers == published, table.spec.name
        # one label per cell, in order: each part starts with the cell's value (an ICCS
        # code may be followed by its name); nothing else drawn holds a digit
        labels = [t.text or "" for t in svg.iter("text") if t.get("class") == "label"]
        assert len(labels) == len(cells)
        for label, cell in zip(labels, cells, strict=True):
            parts = [p.split(" ", 1)[0] for p in label.split(" · ")]
            assert parts == [v or "(blank)" for v in cell[1:-2]], (label, cell)
        rest = [t.text or "" for t in svg.iter("text") if t.get("class") not in {"value", "label"}]
        assert not [t for t in rest if re.search(r"\d", t) and t not in {c[0] for c in cells}]
        marks = [r for r in svg.iter("rect") if r.get("class") == "withheld"]
        assert len(marks) == withheld
        assert len({r.get("width") for r in marks}) <= 1  # one fixed size, whatever the value
        for mark in marks:
            title = mark.find("title")
            assert title is not None
            assert title.text is not None
            assert title.text.endswith(": withheld")
        # bar lengths are proportional to the published counts
        bars = [r for r in svg.iter("rect") if r.get("fill") == "#4c72b0"]
        biggest = max(int(v) for v in published)
        for bar in bars:
            title = bar.find("title")
            assert title is not None
            assert title.text is not None
            value = int(title.text.rsplit(": ", 1)[1])
            assert float(bar.get("width", "nan")) == pytest.approx(
                BAR_WIDTH * value / biggest, abs=0.06
            )
    assert sum(c[-2] == "" for t in tables for c in _csv_cells(t)) > 0  # real withheld cells


def test_the_report_still_works_without_maps_and_is_stable(tables: list[ProtectedRows]) -> None:
    first = report_html(tables, threshold=THRESHOLD, code_version="v", as_of="2024-06-30")
    second = report_html(tables, threshold=THRESHOLD, code_version="v", as_of="2024-06-30")
    assert first == second
    assert '<svg class="map"' not in first
    assert len(_svgs(first, "chart")) == len(tables)


def test_an_empty_table_gets_a_chart_that_says_so() -> None:
    spec = TableSpec("empty", "incidents", ("source", "year"), "Empty <table> & co")
    table = ProtectedRows(spec, ["source", "year", "count", "status"], [], {}, {})
    page = report_html([table], threshold=3, code_version="v", as_of=None)
    (svg,) = _svgs(page, "chart")
    assert svg.get("aria-label") == "Empty <table> & co"
    assert any("No data" in (t.text or "") for t in svg.iter("text"))


def test_too_many_cells_fall_back_to_margins() -> None:
    by = ("source", "year", "code")
    rows: list[dict[str, Any]] = []
    for year in range(2000, 2020):
        for code in range(10):
            rows.append({"source": "s", "year": str(year), "code": f"{code:02d}", "count": 5})
    for code in range(10):
        rows.append({"source": "s", "year": "Total", "code": f"{code:02d}", "count": 100})
    bars, caption = bars_from_rows(rows, by)
    assert [b.label for b in bars] == [f"{c:02d}" for c in range(10)]
    assert {b.value for b in bars} == {100}
    assert "Totals by source and code" in caption


labels = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "<b>", "c&d"]), labels, st.none() | st.integers(0, 10**6)),
        max_size=30,
    )
)
def test_any_bars_give_well_formed_escaped_svg(raw: list[tuple[str, str, int | None]]) -> None:
    bars = [Bar(g, label, value) for g, label, value in raw]
    svg_text = bar_chart(bars, title="T <&>", chart_id="x")
    assert svg_text == bar_chart(bars, title="T <&>", chart_id="x")
    svg = ET.fromstring(svg_text)  # noqa: S314
    texts = [t.text or "" for t in svg.iter("text")]
    for bar in bars:
        assert bar.label in texts
    marks = [r for r in svg.iter("rect") if r.get("class") == "withheld"]
    assert len(marks) == sum(b.value is None for b in bars)
    values = [t.text for t in svg.iter("text") if t.get("class") == "value"]
    assert values == [str(b.value) for b in bars if b.value is not None]
    withheld = [t.text for t in svg.iter("text") if t.get("class") == "withheld"]
    assert withheld == ["withheld"] * len(marks)


def test_hex_map_draws_each_feature_inside_its_box() -> None:
    square = [[0.0, 0.0], [0.01, 0.0], [0.01, 0.01], [0.0, 0.01], [0.0, 0.0]]
    far = [[0.02, 0.02], [0.03, 0.02], [0.03, 0.03], [0.02, 0.03], [0.02, 0.02]]
    features = [
        {"properties": {"count": 12}, "geometry": {"type": "Polygon", "coordinates": [square]}},
        {"properties": {"count": 40}, "geometry": {"type": "Polygon", "coordinates": [far]}},
        {"properties": {"count": 20}, "geometry": {"type": "Point", "coordinates": [0.015, 0.015]}},
    ]
    svg = ET.fromstring(hex_map(features, title="m"))  # noqa: S314
    width, height = (float(v) for v in svg.get("viewBox", "").split()[2:])
    paths = list(svg.iter("path"))
    assert len(paths) == 2
    assert len(list(svg.iter("circle"))) == 1
    for path in paths:
        numbers = [float(v) for v in re.findall(r"-?\d+\.\d+", path.get("d", ""))]
        assert all(0 <= v <= max(width, height) for v in numbers)
    fills = [p.get("fill") for p in paths]
    assert fills[0] != fills[1]  # 12 and 40 fall in different classes
    titles = [t.text for t in svg.iter("title")]
    assert "12 incidents" in titles
    assert "40 incidents" in titles
