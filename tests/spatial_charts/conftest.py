"""Small synthetic points for the forecast charts, and how to read a chart's marks.

The points are made here (seeded): two tight clusters and a scatter around them, six
weeks of 30 points, so a run takes a second and every forecast beats random flagging.
The marks are read from the page itself: every point or bar of a named layer (class
``<name>_marks``; Vega-Lite appends ``_<n>`` inside a concatenation) carries its values
in its ``aria-label`` (``origin: 2024-01-08; hit rate: 0.3667; forecast: kde``).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import numpy as np
import pytest


def write_points(path: Path, seed: int = 7, weeks: int = 6) -> Path:
    """Two clusters (two thirds of the points) and a scatter, in central London."""
    rng = np.random.default_rng(seed)
    rows = ["longitude,latitude,date"]
    for week in range(weeks):
        for i in range(30):
            if i < 20:
                cx, cy = (-0.10, 51.50) if i % 2 else (-0.09, 51.505)
                lon, lat = cx + rng.normal(0, 0.0008), cy + rng.normal(0, 0.0005)
            else:
                lon, lat = rng.uniform(-0.12, -0.08), rng.uniform(51.49, 51.51)
            day = dt.date(2024, 1, 1) + dt.timedelta(days=7 * week + int(rng.integers(0, 7)))
            rows.append(f"{lon:.6f},{lat:.6f},{day}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def points_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_points(tmp_path_factory.mktemp("charts") / "points.csv")


def figures(page: str) -> dict[str, str]:
    """The page's figures by their chart title."""
    out = {}
    for figure in re.findall(r"<figure>(.*?)</figure>", page, re.S):
        title = re.search(r"aria-label=\"Title text '([^']*)'", html.unescape(figure))
        assert title is not None
        out[title.group(1)] = figure
    return out


def marks(svg: str, name: str) -> list[dict[str, str]]:
    """The values of every mark of layer ``name``, from their aria-labels."""
    groups = re.findall(rf'<g class="[^"]*\b{name}(?:_\d+)?_marks"[^>]*>(.*?)</g>', svg, re.S)
    rows = []
    for group in groups:
        for label in re.findall(r'aria-label="([^"]*)"', group):
            pairs = (part.split(": ", 1) for part in html.unescape(label).split("; "))
            rows.append(dict(pairs))
    return rows


def assert_offline(page: str) -> None:
    """No script, nothing fetched: the only URLs are SVG's XML namespaces."""
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", page, re.I)
    assert set(re.findall(r"https?://[^\"' <]+", page)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }


def run_main(*argv: str) -> tuple[int, str]:
    """Run ``crimestats`` as a user does (its error handler included): (exit code, text)."""
    from typer.testing import CliRunner

    from crimestats.cli.app import main

    with CliRunner().isolation(env={"CRIMESTATS_DEBUG": None}) as (stdout, stderr, _):
        try:
            main(list(argv))
            code = 0
        except SystemExit as exited:
            code = int(exited.code or 0)
        text = stdout.getvalue().decode() + stderr.getvalue().decode()
    assert "Traceback" not in text
    return code, " ".join(text.split())
