"""The offline one-page HTML report."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from crimestats.mse.capture_histories import CaptureData, read_capture_file
from crimestats.mse.estimate import MseResult, estimate, estimate_all
from crimestats.mse.report import interval_chart, reading, write_report

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"


@cache
def _uk() -> tuple[CaptureData, list[MseResult]]:
    data = read_capture_file(DATA / "UKdat_5.csv")
    return data, list(estimate_all(data).results)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs


def test_uk_report_is_offline_and_shows_data_estimates_and_warnings(tmp_path: Path) -> None:
    data, results = _uk()
    path = write_report(tmp_path / "uk.html", data, results)
    html = path.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(html)
    assert "script" not in parser.tags
    assert "link" not in parser.tags
    assert "img" not in parser.tags
    # nothing is fetched: no src/href attributes at all
    assert not [a for a, _ in parser.attrs if a in {"src", "href"}]
    assert parser.tags.count("svg") == 2  # estimates, and the models compared
    # the overlap table: header, 18 observed histories, totals
    assert html.count("<tr>") >= 1 + 18 + 1 + len(results)
    assert "2,744" in html
    assert "11,313" in html
    assert "LA:GP" in html
    assert "no case in common" in html
    assert re.search(r"range from [\d,]+ to [\d,]+", html)


def test_reading_says_when_intervals_do_not_overlap() -> None:
    data, results = _uk()
    text = " ".join(reading(results, data.observed))
    # main (11,985-15,133) and bic (17,862-29,862) intervals are disjoint
    assert "do not all overlap" in text
    assert "13,444" in text


def test_chart_marks_a_method_without_estimate() -> None:
    svg = interval_chart([("main", None, None, None, None, None, "#000")], observed=100)
    assert "no estimate" in svg
    assert svg.startswith("<svg")


def test_single_result_report(tmp_path: Path) -> None:
    data = read_capture_file(DATA / "kosovo_aggregate.csv")
    path = write_report(tmp_path / "k.html", data, [estimate(data, "main")])
    html = path.read_text(encoding="utf-8")
    assert "4,400" in html
    assert "7,395" in html
