"""The trend service's metadata (store and file inputs) writes the same bytes as before.

The golden files ``golden/trends_store_rate.json`` and ``golden/trends_file.json`` were
written by running the unchanged code at commit 7841b21: ``trends --json``'s document of
the area tree store of ``tests/stats/test_stats_hierarchy.py`` by area with rates, and of
a three-month CSV series written here. The ``store``/``file`` paths (temporary) are set
to fixed text first; everything else is compared byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.stats.test_stats_hierarchy import tree_db  # noqa: F401 (the fixture)
from tests.tidy3.goldens import golden

from crimestats.watch.trends.export import trends_document
from crimestats.watch.trends.service import TrendsRun, file_trends, store_trends


def _text(run: TrendsRun) -> str:
    for key in ("store", "file"):
        if key in run.metadata:
            run.metadata[key] = key.upper()
    document = trends_document(run.results, run.metadata)
    return json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n"


def test_store_trends_with_rates_bytes(tree_db: Path) -> None:  # noqa: F811
    run = store_trends(tree_db, by=["area"], rate=True)
    assert _text(run) == golden("trends_store_rate.json")


def test_file_trends_bytes(tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    path.write_text("month,n\n2024-01,3\n2024-02,5\n2024-03,4\n", encoding="utf-8")
    run = file_trends(path, date_column="month", count_column="n")
    assert _text(run) == golden("trends_file.json")
