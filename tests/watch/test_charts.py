"""Charts: offline HTML (no script, nothing fetched) and SVG marks that match the input."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crimestats.errors import UsageError
from crimestats.watch.charts import Band, ChartInput, html_page, render_svg, write_html

STARTS = tuple(dt.date(2024, m, 1) for m in range(1, 13))
OBSERVED = (10.0, 12, 9, 14, 30, 11, 13, 8, 12, 10, 11, 4)


def _chart() -> ChartInput:
    ahead = (dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1))
    return ChartInput(
        title="knife, month",
        starts=STARTS,
        observed=tuple(float(v) for v in OBSERVED),
        band=Band(ahead, (5.0, 4.0, 3.0), (18.0, 19.0, 20.0), (11.0, 11.5, 12.0), "forecast"),
        alarms=(dt.date(2024, 5, 1),),
        change_points=(dt.date(2024, 8, 1), dt.date(2024, 10, 1)),
        partial=(dt.date(2024, 12, 1),),
        notes=("forecast: <no season>",),
    )


def _marks(svg: str, name: str) -> int:
    """How many marks the layer ``name`` drew (paths or lines inside its group)."""
    match = re.search(rf'<g class="[^"]*\b{name}_marks"[^>]*>(.*?)</g>', svg, re.S)
    assert match is not None, name
    return len(re.findall(r"<(?:path|line)\b", match.group(1)))


def test_svg_has_one_mark_per_point_alarm_and_rule() -> None:
    svg = render_svg(_chart())
    assert svg.startswith("<svg")
    assert _marks(svg, "observed_points") == 12
    assert _marks(svg, "alarms") == 1
    assert _marks(svg, "partial") == 1
    assert _marks(svg, "change_points") == 2
    assert _marks(svg, "band") == 1  # one area
    assert _marks(svg, "expected") == 1  # one line
    # the alarm is drawn at its observed value: the highest point, so the smallest y
    alarm = re.search(r'alarms_marks".*?translate\(([\d.]+),([\d.]+)\)', svg, re.S)
    points = re.search(r'observed_points_marks"(.*?)</g>', svg, re.S)
    assert alarm is not None
    assert points is not None
    ys = [float(y) for _, y in re.findall(r"translate\(([\d.]+),([\d.]+)\)", points.group(1))]
    assert float(alarm.group(2)) == pytest.approx(min(ys))


def test_html_is_offline_and_self_contained(tmp_path: Path) -> None:
    page = html_page("Trends", [_chart(), _chart()])
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", page, re.I)
    # the only URLs are the SVG and XLink XML namespaces, which fetch nothing
    assert set(re.findall(r"https?://[^\"' ]+", page)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    assert page.count("<svg") == 2
    assert "forecast: &lt;no season&gt;" in page  # notes are escaped
    out = write_html(tmp_path / "t.html", "Trends", [_chart()])
    assert out.read_text(encoding="utf-8").count("<svg") == 1
    with pytest.raises(UsageError, match="--html"):
        write_html(tmp_path / "t.html", "Trends", [_chart()])  # exists: needs overwrite


def test_input_is_checked() -> None:
    with pytest.raises(ValueError, match="alarm or partial"):
        ChartInput("x", STARTS, tuple(float(v) for v in OBSERVED), alarms=(dt.date(2030, 1, 1),))
    with pytest.raises(ValueError, match="one observed value"):
        ChartInput("x", STARTS, (1.0,))
