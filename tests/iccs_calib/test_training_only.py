"""A ``training_only`` source trains the model but is never a calibration fold.

The option measured in session 11 ("training only", docs/iccs-heldout-penal-code.md): its
texts must set no map, threshold or conformal quantile, so no held-out point may come from
it, while an ordinary source still gives its points.
"""

from __future__ import annotations

import pytest

from crimestats.iccs import Autocoder
from crimestats.iccs._calibration import HeldOut
from crimestats.iccs.training import Example, iccs_examples


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
