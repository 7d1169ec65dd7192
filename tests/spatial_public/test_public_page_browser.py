"""The public hotspot page in a real browser (Debian's chromium, headless, Playwright):
it opens from a file with every request to anywhere else refused, logs nothing, and
draws one hexagon shape per published feature."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Route, sync_playwright

from crimestats.spatial.public_map import PointGroupPair, public_map
from crimestats.spatial.public_page import to_html

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")


def test_the_page_renders_offline(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    lat, lon = 41.88 + rng.normal(0, 0.01, 2500), -87.63 + rng.normal(0, 0.01, 2500)
    groups = [
        PointGroupPair("t", 2023, lat[:1200], lon[:1200], lat, lon),
        PointGroupPair("t", 2024, lat[1200:], lon[1200:]),
    ]
    masked = public_map(groups)
    page_file = tmp_path / "public.html"
    page_file.write_text(to_html(masked, 32616), encoding="utf-8")
    messages: list[str] = []
    elsewhere: list[str] = []

    def route(r: Route) -> None:
        if r.request.url == page_file.as_uri():
            r.continue_()
        else:
            elsewhere.append(r.request.url)
            r.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
            page.route("**/*", route)
            page.goto(page_file.as_uri())
            shapes = [
                page.locator("figure").nth(k).locator("g.hexagons_marks path").count()
                for k in range(len(masked.panels))
            ]
            box = page.locator("figure svg").first.bounding_box()
        finally:
            browser.close()
    assert messages == []
    assert elsewhere == []
    assert shapes == [len(p.features) for p in masked.panels]
    assert box is not None
    assert box["width"] > 200
    assert box["height"] > 100
