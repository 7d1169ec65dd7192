"""The ICCS translations (data/iccs_translations) and the foreign-text calibration.

The translation files are training text: every level 1-3 code once per language, codes
that exist, and each language its own source so that calibration can hold it out. The
foreign review threshold is checked against a small case worked by hand.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crimestats.iccs import Autocoder
from crimestats.iccs._scoring import threshold_for as _threshold_for
from crimestats.iccs.autocoder import GENERIC_SOURCES
from crimestats.iccs.classification import load_classification
from crimestats.iccs.correspondence import CorrespondenceTable, load_bundled
from crimestats.iccs.text import looks_foreign
from crimestats.iccs.training import (
    FOREIGN_GENERIC_SOURCES,
    TRANSLATION_LANGUAGES,
    default_examples,
    iccs_examples,
    translation_examples,
)
from crimestats.iccs.vocabulary_sources import vocabulary_sources


def _rows(lang: str) -> list[dict[str, str]]:
    folder = resources.files("crimestats") / "data" / "iccs_translations"
    text = (folder / f"iccs_labels_{lang}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("lang", TRANSLATION_LANGUAGES)
def test_every_code_down_to_level_3_once(lang: str) -> None:
    rows = _rows(lang)
    wanted = {c.code for c in load_classification() if len(c.code) <= 5}
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert set(codes) == wanted
    assert all(r["label"].strip() for r in rows)
    english = {c.code: c.label for c in load_classification()}
    # translated, not copied: most labels differ from the English one
    same = sum(r["label"] == english[r["code"]] for r in rows)
    assert same < len(rows) / 10


def test_translation_examples_are_tagged_by_language_and_generic() -> None:
    examples = translation_examples()
    assert {e.source for e in examples} == {f"iccs_{lang}" for lang in TRANSLATION_LANGUAGES}
    assert {e.source for e in examples} <= FOREIGN_GENERIC_SOURCES <= GENERIC_SOURCES
    labels = [e for e in examples if e.weight == 2.0]
    assert len(labels) == 3 * len(_rows("es"))
    assert "Hurto de ganado" in {e.text for e in examples if e.code == "05025"}


def test_default_training_includes_translations_unless_left_out() -> None:
    empty = CorrespondenceTable([])
    sources = {e.source for e in default_examples(empty)}
    assert {"iccs_es", "iccs_fr", "iccs_pt", "vocabulary_es"} <= sources
    plain = {e.source for e in default_examples(empty, include=("iccs", "index"))}
    assert plain == {"iccs", "iccs_index"}


def test_english_sources_never_look_foreign() -> None:
    foreign = {s.source for s in vocabulary_sources() if s.language != "en"}
    english = [e.national_label for e in load_bundled() if e.source not in foreign]
    assert english
    assert not any(looks_foreign(t) for t in english)
    assert not any(looks_foreign(e.text) for e in iccs_examples())


@pytest.mark.parametrize(
    ("text", "foreign"),
    [
        ("Hurto simple", True),
        ("Vol à l'étalage", True),
        ("Lesão corporal", True),
        ("Infracción a la ley", True),
        ("NARCOTICS - MANU/DEL:CANNABIS 10GM OR LESS", False),
        ("Theft from the person", False),
    ],
)
def test_looks_foreign_examples(text: str, foreign: bool) -> None:
    assert looks_foreign(text) is foreign


_ENGLISH_WORDS = sorted({w for e in iccs_examples() for w in e.text.split() if w.isascii()})


@given(st.lists(st.sampled_from(_ENGLISH_WORDS), min_size=1, max_size=8))
def test_english_word_salad_never_looks_foreign(words: list[str]) -> None:
    assert not looks_foreign(" ".join(words))


def test_threshold_for_a_target_precision_by_hand() -> None:
    conf = np.array([0.9, 0.9, 0.8, 0.7])
    # right, right, right, wrong: 2/2 at >= 0.9, 3/3 at >= 0.8, 3/4 at >= 0.7
    assert _threshold_for(conf, np.array([1.0, 1.0, 1.0, 0.0]), 0.95) == 0.8
    assert _threshold_for(conf, np.array([1.0, 1.0, 1.0, 0.0]), 0.7) == 0.7
    # ties are cut together: 1/2 at >= 0.9, 2/3 at >= 0.8, 3/4 at >= 0.7: never 0.95
    assert _threshold_for(conf, np.array([1.0, 0.0, 1.0, 1.0]), 0.95) > 1.0


def test_foreign_text_uses_the_foreign_threshold(autocoder: Autocoder) -> None:
    assert autocoder.review_threshold <= autocoder.foreign_threshold
    spanish, english = autocoder.code_texts(["Robo con violencia", "Robbery"])
    assert spanish.foreign
    assert not english.foreign
    assert spanish.to_dict()["foreign_language"] is True
    assert spanish.to_dict()["review_threshold"] == round(autocoder.foreign_threshold, 4)
    if spanish.code and len(spanish.code) >= 4 and spanish.familiarity >= 0.5:
        blocked = autocoder.transfer is not None and not autocoder.transfer.holds
        assert spanish.needs_review == (
            spanish.level2_confidence < autocoder.foreign_threshold or blocked
        )
