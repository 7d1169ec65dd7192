"""Ranked search over the classification."""

from __future__ import annotations

from crimestats.iccs import search


def test_label_words_rank_their_code_first() -> None:
    assert search("theft from a shop")[0].category.code == "050231"
    assert search("robbery financial institution")[0].category.code == "040131"


def test_ranking_and_limit() -> None:
    hits = search("robbery", limit=5)
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert search("zzzz qqqq") == []
