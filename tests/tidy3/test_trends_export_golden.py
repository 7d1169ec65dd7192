"""The trend export writes the same bytes as before its dicts became TypedDicts.

The golden files in ``golden/`` were written by running the unchanged code at commit
7841b21 on the hand-built results of ``trends_results.py`` (``trends --json``'s document
through ``print_json``'s ``json.dumps``; the long table through ``render`` as CSV and
JSON), and checked by eye against the results: period labels, ISO dates, STL columns
only on analysed periods, the forecast rows, rates only when a series has them.
"""

from __future__ import annotations

import json

from tests.tidy3.goldens import golden
from tests.tidy3.trends_results import METADATA, flagged, full

from crimestats.stats.table import Format, render
from crimestats.watch.trends.export import trends_document, trends_table


def test_trends_document_bytes() -> None:
    document = trends_document([full(), flagged()], METADATA)
    text = json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n"
    assert text == golden("trends_document.json")


def test_trends_table_csv_and_json_bytes() -> None:
    table = trends_table([full(), flagged()], METADATA)
    assert render(table, Format.CSV) == golden("trends_table.csv")
    assert render(table, Format.JSON) == golden("trends_table.json")


def test_trends_table_without_rates_bytes() -> None:
    assert render(trends_table([flagged()], METADATA), Format.JSON) == golden(
        "trends_table_no_rates.json"
    )
