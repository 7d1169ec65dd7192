"""The dashboard in a real browser (Debian's chromium, headless, through Playwright).

Each view is loaded from the real server; the test checks that every chart is drawn
with the data expected (bars and "withheld" labels counted from the release's CSV
files, hexagons from its GeoJSON, analyst bars from plain SQL), that the browser logs
no error or warning, that nothing is requested from another host (the page works with
no internet), and that the forms are labelled for screen readers. Screenshots are kept
in ``test-artifacts/dashboard/`` (or ``$CRIMESTATS_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright
from tests.serve.conftest import Served

from crimestats.govern.roles import Role

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("CRIMESTATS_TEST_ARTIFACTS", Path(__file__).parents[2] / "test-artifacts")
) / "dashboard"  # fmt: skip
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
ALL_DRAWN = (
    "() => window.crimestatsDashboard && window.crimestatsDashboard.rendered"
    " + window.crimestatsDashboard.failed >= document.querySelectorAll('[data-spec]').length"
)


@dataclass
class Tab:
    """A browser page and what it logged and asked for elsewhere."""

    page: Page
    messages: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


@pytest.fixture
def tab(browser: Browser, served: Served) -> Iterator[Tab]:
    """A fresh page (own sessionStorage) that records console messages and refuses,
    and records, any request to another host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    made = Tab(context.new_page())
    made.page.on("console", lambda m: made.messages.append(f"{m.type}: {m.text}"))
    made.page.on("pageerror", lambda e: made.messages.append(f"pageerror: {e}"))
    host = urlparse(served.url).netloc

    def route(r: Route) -> None:
        if urlparse(r.request.url).netloc != host:
            made.elsewhere.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    made.page.route("**/*", route)
    yield made
    context.close()


def _clean(tab: Tab) -> None:
    assert tab.messages == [], tab.messages
    assert tab.elsewhere == [], tab.elsewhere


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _login(page: Page, token: str) -> None:
    page.fill("#token", token)
    page.click("#login button[type=submit]")


def _labelled(page: Page) -> list[str]:
    """Form controls without a label a screen reader would read."""
    unlabelled: list[str] = page.evaluate(
        "() => [...document.querySelectorAll('input, select, button')]"
        ".filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length)"
        " && !e.getAttribute('aria-label') && !(e.textContent || '').trim())"
        ".map(e => e.outerHTML)"
    )
    return unlabelled


def test_public_view_draws_every_release_table(tab: Tab, served: Served) -> None:
    page = tab.page
    page.goto(served.url + "/")
    page.wait_for_function(ALL_DRAWN, timeout=60_000)
    assert page.evaluate("window.crimestatsDashboard.failed") == 0
    text = page.text_content("main") or ""
    tables = [p.stem for p in served.release_dir.glob("*.csv") if p.stem != "map_h3"]
    assert tables
    for name in tables:
        with (served.release_dir / f"{name}.csv").open(encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if "Total" not in r.values()]
        withheld = sum(1 for r in rows if r["status"] != "published")
        shown = f"#chart-{name}"
        bars = page.locator(f"{shown} g.mark-rect.role-mark path").count()
        labels = page.locator(f"{shown} g.mark-text.role-mark text").count()
        assert (bars, labels) == (len(rows) - withheld, withheld), name
        biggest = max(int(r["count"]) for r in rows if r["count"])
        assert f"{biggest:,}" in text or biggest < 1000
    features = json.loads((served.release_dir / "map_h3.geojson").read_text())["features"]
    hexagons = page.locator("#chart-map path[aria-roledescription='geoshape']").count()
    assert hexagons == len(features)
    assert "withheld" in text
    assert _labelled(page) == []
    _shot(page, "public")
    _clean(tab)


def test_keyboard_reaches_the_skip_link_first(tab: Tab, served: Served) -> None:
    page = tab.page
    page.goto(served.url + "/analyst")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    _clean(tab)


def test_analyst_view_counts_and_flows(tab: Tab, served: Served, demo_db: Path) -> None:
    con = duckdb.connect(str(demo_db), read_only=True)
    sources = con.execute("SELECT count(DISTINCT source) FROM incidents").fetchone()
    con.close()
    page = tab.page
    page.goto(served.url + "/analyst")
    _login(page, served.tokens[Role.ANALYST])
    page.fill("#hot-source", "chicago")
    forms = ("stats", "trends", "attrition", "hotspots")
    for form, chart in zip(forms, forms, strict=True):
        page.click(f"#{form}-form button[type=submit]")
        page.wait_for_selector(f"#{chart}-chart[data-rendered]", timeout=60_000)
        state = page.get_attribute(f"#{chart}-chart", "data-rendered")
        assert state == "true", form
    bars = page.locator("#stats-chart g.mark-rect.role-mark path").count()
    assert sources is not None
    assert bars == sources[0]
    assert page.locator("#stats-table tbody tr").count() == sources[0]
    assert _labelled(page) == []
    page.click("#alerts-form button[type=submit]")
    page.wait_for_selector("#alerts-table caption", timeout=60_000)
    assert "series tested" in (page.text_content("#alerts-table caption") or "")
    hexes = page.locator("#hotspots-chart path[aria-roledescription='geoshape']").count()
    with served.client(Role.ANALYST) as client:
        cells = client.get("/v1/hotspots", params={"source": "chicago"}).json()["features"]
    assert hexes == len(cells) > 0
    _shot(page, "analyst")
    _clean(tab)


def test_steward_view_reviews_a_code(tab: Tab, served: Served) -> None:
    page = tab.page
    page.goto(served.url + "/steward")
    _login(page, served.tokens[Role.STEWARD])
    page.wait_for_selector("#review-table tbody tr", timeout=60_000)
    page.wait_for_selector("#ingests-table tbody tr", timeout=60_000)
    with served.client(Role.STEWARD) as client:
        queue = client.get("/v1/review", params={"limit": 200}).json()
        loads = client.get("/v1/ingests", params={"limit": 1000}).json()
    assert page.locator("#review-table tbody tr").count() == len(queue["rows"])
    assert page.locator("#ingests-table tbody tr").count() == len(loads["rows"])
    assert _labelled(page) == []
    _shot(page, "steward")
    page.click("#review-table tbody tr:first-child button")
    page.wait_for_function(
        "() => document.querySelector('#review-table tbody tr output').textContent !== ''"
    )
    said = page.inner_text("#review-table tbody tr:first-child output")
    assert said.startswith("saved:"), said
    with served.client(Role.STEWARD) as client:
        assert client.get("/v1/review").json()["total"] == queue["total"] - 1
    _clean(tab)
