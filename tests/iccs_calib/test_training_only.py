"""A ``training_only`` source trains the model but is never a calibration fold.

The option measured in session 11 ("training only", docs/iccs-heldout-penal-code.md): its
texts must set no map, threshold or conformal quantile, so no held-out point may come from
it, while an ordinary source still gives its points. Since v28 (session 14) the English
penal codes are training only by default.
"""

from __future__ import annotations

import pytest

from crimestats.iccs import Autocoder
from crimestats.iccs._calibration import HeldOut
from crimestats.iccs.training import Example, iccs_examples
from crimestats.iccs.vocabulary_sources import SourceKind, statute_sources, vocabulary_sources


def test_a_training_only_source_gives_no_held_out_point(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    original = HeldOut.add

    def spy(self: HeldOut, *args: object, **kwargs: object) -> None:
        seen.append(str(kwargs.get("source", args[-1] if len(args) >= 6 else "")))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(HeldOut, "add", spy)
    extra = [
        Example("stealing a pushbike", "0502", "police_a"),
        Example("pushbike stolen from a rack", "0502", "police_a"),
        Example("punishment for theft of a bicycle", "0502", "penal_b"),
        Example("cheating by personation", "0701", "penal_b"),
    ]
    model = Autocoder(training_only=frozenset({"penal_b"})).fit([*iccs_examples(), *extra])
    assert seen.count("police_a") == 2 * 2  # two texts, each at levels 1 and 2
    assert "penal_b" not in seen
    # and it was trained on: its wording is known to the model
    assert model.familiarity(["cheating by personation"]) == [1.0]


def test_by_default_the_english_penal_codes_are_training_only() -> None:
    by_tag = {s.source: s for s in vocabulary_sources()}
    default = Autocoder().training_only
    assert default == statute_sources()
    # every English penal code, by the sources file's own kind and language column
    assert {"ipc_1860", "us_code_title_18", "swiss_criminal_code"} <= default
    assert all(by_tag[t].kind is SourceKind.PENAL_CODE for t in default)
    assert all(by_tag[t].language == "en" for t in default)
    # police sources (the Home Office classes among them) and the Spanish penal code stay folds
    assert not {"chicago", "policeuk", "home_office_classes", "chile"} & default
    # the seventeen hand-labelled English penal codes of tests/data (penal_code_tables.py
    # writes eighteen tables; the eighteenth is the Home Office's police classes)
    assert len(default) == 17
    assert Autocoder(training_only=frozenset()).training_only == frozenset()
    # any iterable is copied into a frozenset: a caller's list changed later changes nothing
    given = ["ipc_1860"]
    coder = Autocoder(training_only=given)  # type: ignore[arg-type]
    given.append("chicago")
    assert coder.training_only == frozenset({"ipc_1860"})
