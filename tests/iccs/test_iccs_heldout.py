"""A regression guard on the hand-written held-out labels (tests/data/iccs_heldout_*).

Two files: penal-code headings of other jurisdictions (``iccs_heldout_labels.csv``) and
police category wordings of forces without a table here (``iccs_heldout_police.csv``,
written by a contributor who never saw the model's vocabulary or glossary). Neither is
trained on (see their PROVENANCE notes, which also say what they were used to choose);
docs/iccs-model-card.md reports the full figures.
The floors below sit well under the measured ones: they catch a broken glossary or
normaliser, not small changes in accuracy.
"""

from __future__ import annotations

import csv
from pathlib import Path

from crimestats.iccs import Autocoder
from crimestats.iccs.classification import load_classification

HELDOUT = Path(__file__).parents[1] / "data" / "iccs_heldout_labels.csv"
POLICE = Path(__file__).parents[1] / "data" / "iccs_heldout_police.csv"


def _rows(path: Path = HELDOUT) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_heldout_file_is_well_formed() -> None:
    rows = _rows()
    codes = {c.code for c in load_classification()}
    assert len(rows) >= 300
    assert all(r["iccs_code"] in codes for r in rows)
    assert {r["language"] for r in rows} == {"en", "es", "pt", "fr", "de", "it", "nl"}


def test_heldout_section_accuracy_has_a_floor(autocoder: Autocoder) -> None:
    rows = _rows()
    codings = autocoder.code_texts([r["text"] for r in rows])
    right = {
        lang: [
            (c.code or "")[:2] == r["iccs_code"][:2]
            for r, c in zip(rows, codings, strict=True)
            if r["language"] == lang
        ]
        for lang in {r["language"] for r in rows}
    }
    overall = sum(sum(v) for v in right.values()) / len(rows)
    assert overall >= 0.75
    for lang in ("en", "es", "pt", "fr", "de", "it"):
        assert sum(right[lang]) / len(right[lang]) >= 0.6, lang


def test_police_file_is_well_formed() -> None:
    rows = _rows(POLICE)
    codes = {c.code for c in load_classification()}
    assert len(rows) >= 500
    assert all(r["iccs_code"] in codes for r in rows)
    assert {r["records_share"] for r in rows} == {"high", "medium", "low"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)


def test_police_categories_meet_floors(autocoder: Autocoder) -> None:
    """Common categories weigh more (high 20, medium 4, low 1: a rough records weight)."""
    rows = _rows(POLICE)
    weight = {"high": 20.0, "medium": 4.0, "low": 1.0}
    codings = autocoder.code_texts([r["text"] for r in rows])
    total = right1 = auto = auto2 = auto_right2 = 0.0
    for row, coding in zip(rows, codings, strict=True):
        w, truth, code = weight[row["records_share"]], row["iccs_code"], coding.code or ""
        total += w
        right1 += w * (code[:2] == truth[:2])
        if not coding.needs_review:
            auto += w
            if len(truth) >= 4:  # a section-level truth says nothing about level 2
                auto2 += w
                auto_right2 += w * (code[:4] == truth[:4])
    assert right1 / total >= 0.85
    # 0.7 until v20 (measured 70.7%: a floor 0.7 points under, not "well under"); v21,
    # with the English penal codes in training, 69.3% (intervals 64.3-76.4 and 62.8-75.1):
    # "STOLEN AUTOMOBILE" and "Public fear, alarm or distress" (weight 20 each) went to
    # review. docs/iccs-heldout-penal-code.md, "Session 11". v22 (with the lexicon too):
    # 69.0% (English rows alone 87.6% at 99.5% level-2 precision; foreign rows are reviewed).
    assert auto / total >= 0.65
    assert auto_right2 / auto2 >= 0.9
