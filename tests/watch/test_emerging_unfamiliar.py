"""Unfamiliar-text clusters: what counts as unfamiliar, new, shown, and scrubbed.

The autocoder is the real bundled one; the texts are counted rows, so each rule is seen
on its own. "BUNCO ..." and "SIM SWAP ..." are real wordings (LAPD's crime codes; the
fraud type in UK Finance reports) with words the autocoder was never trained on.
"""

from __future__ import annotations

import pytest

from crimestats.iccs import Autocoder
from crimestats.watch.emerging.records import OffenceCount
from crimestats.watch.emerging.report import EXAMPLE_FLOOR
from crimestats.watch.emerging.unfamiliar import autocoder_scorer, find_unfamiliar, prepared

KNOWN = {"THEFT OF MOTOR VEHICLE": (50, 500), "BURGLARY": (40, 400), "ROBBERY": (30, 300)}


@pytest.fixture(scope="module")
def score() -> object:
    return autocoder_scorer(Autocoder.fit_default())


def _rows(texts: dict[str, tuple[int, int]]) -> list[OffenceCount]:
    out = []
    for text, (now, before) in texts.items():
        for current, n in ((True, now), (False, before)):
            if n:
                out.append(
                    OffenceCount("s", None, None, text, "0701", "model", None, None, current, n)
                )
    return out


def test_scorer_names_the_words_it_never_saw(score: object) -> None:
    [bunco, theft] = score(["bunco attempt", "theft of motor vehicle"])  # type: ignore[operator]
    assert bunco.unknown_words == ("bunco",)
    assert bunco.share_known < 1.0
    assert theft.unknown_words == ()
    assert theft.share_known == 1.0
    assert theft.similarity > 0.9


def test_variants_of_a_new_wording_form_one_cluster_and_known_texts_none(score: object) -> None:
    texts = {
        **KNOWN,
        "BUNCO, GRAND THEFT": (4, 0),
        "BUNCO, PETTY THEFT": (3, 0),
        "BUNCO, ATTEMPT": (3, 0),
    }
    clusters, notes = find_unfamiliar(
        _rows(texts),
        score,
        min_count=5,
        fdr=0.05,
        near_zero=1.0,  # type: ignore[arg-type]
    )
    [cluster] = clusters
    assert cluster.terms[0] == "bunco"
    assert (cluster.counts.current, cluster.counts.history) == (10, 0)
    assert (cluster.counts.current_total, cluster.counts.history_total) == (130, 1200)
    assert cluster.distinct_texts == 3
    assert cluster.examples == ("BUNCO, GRAND THEFT", "BUNCO, ATTEMPT", "BUNCO, PETTY THEFT")
    assert cluster.iccs_codes == ("0701 (model)",)
    assert notes == ()


def test_an_unfamiliar_text_with_a_history_is_not_new(score: object) -> None:
    texts = {**KNOWN, "BUNCO, ATTEMPT": (6, 60)}
    clusters, _ = find_unfamiliar(
        _rows(texts),
        score,
        min_count=5,
        fdr=0.05,
        near_zero=1.0,  # type: ignore[arg-type]
    )
    assert clusters == ()


def test_examples_are_scrubbed_and_terms_hold_no_person(score: object) -> None:
    texts = {
        **KNOWN,
        "SIM SWAP FRAUD, VICTIM JOHN SMITH CALLED 07700 900123": (3, 0),
        "SIM SWAP ACCOUNT TAKEOVER - js@example.org": (3, 0),
    }
    [cluster], _ = find_unfamiliar(
        _rows(texts),
        score,
        min_count=5,
        fdr=0.05,
        near_zero=1.0,  # type: ignore[arg-type]
    )
    assert set(cluster.examples) == {
        "SIM SWAP FRAUD, VICTIM [name] CALLED [phone]",
        "SIM SWAP ACCOUNT TAKEOVER - [email]",
    }
    shown = " ".join((*cluster.examples, *cluster.terms, cluster.sentence())).lower()
    for secret in ("john", "smith", "07700", "900123", "js@", "example.org"):
        assert secret not in shown
    assert {"sim", "swap"} <= set(cluster.terms)
    assert prepared("VICTIM JOHN SMITH") == "victim"


def test_examples_are_withheld_below_the_floor(score: object) -> None:
    texts = {**KNOWN, "BUNCO, ATTEMPT": (EXAMPLE_FLOOR - 1, 0)}
    [cluster], _ = find_unfamiliar(
        _rows(texts),
        score,
        min_count=2,
        fdr=0.05,
        near_zero=1.0,  # type: ignore[arg-type]
    )
    assert cluster.counts.current == EXAMPLE_FLOOR - 1
    assert cluster.examples == ()
    assert cluster.examples_withheld
    assert "withheld" in cluster.sentence()
    assert "BUNCO" not in cluster.sentence()
