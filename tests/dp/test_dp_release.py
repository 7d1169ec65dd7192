"""release_counts: exactly the public keys, non-negative integers, honest metadata."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.dp import MECHANISM, CountRelease, PrivacyLedger, cell_accuracy, release_counts
from crimestats.errors import UsageError


def discrete_laplace_half_width(scale: float, alpha: float) -> float:
    """Independent closed form: for X ~ discrete Laplace(scale), q = exp(-1/scale),
    P[|X| >= a] = 2 q^a / (1 + q) (Inusah & Kozubowski 2006), solved for a."""
    q = math.exp(-1.0 / scale)
    return math.log(alpha * (1 + q) / 2) / math.log(q)


keys = st.lists(st.text(min_size=1, max_size=4), min_size=1, max_size=25, unique=True)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    public=keys,
    epsilon=st.floats(min_value=0.05, max_value=5.0),
    sensitivity=st.integers(min_value=1, max_value=5),
)
def test_output_has_exactly_the_public_keys_as_non_negative_integers(
    data: st.DataObject, public: list[str], epsilon: float, sensitivity: int
) -> None:
    counted = data.draw(st.lists(st.sampled_from(public), unique=True))
    counts = {k: data.draw(st.integers(min_value=0, max_value=10**6)) for k in counted}
    release = release_counts(
        counts, public, epsilon=epsilon, privacy_unit="incident", sensitivity=sensitivity
    )
    assert list(release.cells) == public  # same keys, same order, zero cells included
    for cell in release.cells.values():
        assert type(cell.value) is int
        assert cell.value >= 0
    assert release.epsilon <= epsilon
    assert release.scale >= sensitivity / epsilon


@pytest.mark.parametrize(("epsilon", "sensitivity"), [(0.5, 2), (1.0, 1), (0.1, 3)])
def test_scale_and_accuracy_match_the_closed_form(epsilon: float, sensitivity: int) -> None:
    release = release_counts(
        {"a": 3}, ["a", "b"], epsilon=epsilon, privacy_unit="victim", sensitivity=sensitivity
    )
    assert release.scale == pytest.approx(sensitivity / epsilon, rel=1e-12)
    expected = discrete_laplace_half_width(sensitivity / epsilon, 0.05)
    assert release.accuracy == pytest.approx(expected, rel=1e-6)
    assert cell_accuracy(4.0, 0.05) == pytest.approx(12.4512, abs=1e-3)  # by hand: b=4
    assert release.mechanism == MECHANISM
    assert release.metadata()["reproducible"] is False


def test_keys_outside_the_public_list_are_refused() -> None:
    with pytest.raises(UsageError, match="not in the public key list") as info:
        release_counts({"a": 1, "zz": 2}, ["a"], epsilon=1, privacy_unit="incident", sensitivity=1)
    assert "never from the data" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("counts", "public", "kwargs", "message"),
    [
        ({"a": -1}, ["a"], {}, "between 0"),
        ({"a": 1.5}, ["a"], {}, "must be an integer"),
        ({"a": True}, ["a"], {}, "must be an integer"),
        ({}, ["a", "a"], {}, "duplicates"),
        ({}, ["a"], {"sensitivity": 0}, "sensitivity"),
        ({}, ["a"], {"epsilon": 0.0}, "epsilon"),
        ({}, ["a"], {"privacy_unit": "person"}, "privacy unit"),
        ({}, ["a"], {"alpha": 1.5}, "alpha"),
    ],
)
def test_bad_inputs_are_refused(
    counts: dict[str, object], public: list[str], kwargs: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"epsilon": 1.0, "privacy_unit": "incident", "sensitivity": 1}
    arguments.update(kwargs)
    with pytest.raises(UsageError, match=message):
        release_counts(counts, public, **arguments)  # type: ignore[arg-type]


def test_release_is_charged_to_the_ledger_and_refused_past_it() -> None:
    ledger = PrivacyLedger(1.0, "incident")
    release_counts(
        {"a": 1},
        ["a"],
        epsilon=0.7,
        privacy_unit="incident",
        sensitivity=1,
        ledger=ledger,
        table_name="by_area",
    )
    assert [(e.table_name, e.epsilon) for e in ledger.entries] == [("by_area", 0.7)]
    with pytest.raises(UsageError, match="exceed"):
        release_counts(
            {"a": 1},
            ["a"],
            epsilon=0.7,
            privacy_unit="incident",
            sensitivity=1,
            ledger=ledger,
            table_name="again",
        )
    with pytest.raises(UsageError, match="privacy unit"):
        release_counts(
            {},
            ["a"],
            epsilon=0.1,
            privacy_unit="victim",
            sensitivity=1,
            ledger=ledger,
            table_name="t",
        )
    with pytest.raises(UsageError, match="table_name"):
        release_counts(
            {}, ["a"], epsilon=0.1, privacy_unit="incident", sensitivity=1, ledger=ledger
        )
    assert len(ledger.entries) == 1


def test_empty_key_list_releases_nothing() -> None:
    release: CountRelease[str] = release_counts(
        {}, [], epsilon=1.0, privacy_unit="incident", sensitivity=1
    )
    assert release.cells == {}
    assert release.accuracy == 0.0


def test_importing_the_package_does_not_import_opendp() -> None:
    code = "import sys, crimestats.dp; assert 'opendp' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_repeated_releases_draw_fresh_noise() -> None:
    """The calibrated mechanism is cached between releases; its noise must not be.

    Two releases of 2,000 cells at scale 1 agree everywhere with probability at most
    P[X = Y]^2000 < 0.5^2000 for independent draws.
    """
    public = list(range(2_000))
    first = release_counts(
        dict.fromkeys(public, 100), public, epsilon=1.0, privacy_unit="incident", sensitivity=1
    )
    second = release_counts(
        dict.fromkeys(public, 100), public, epsilon=1.0, privacy_unit="incident", sensitivity=1
    )
    assert first.scale == second.scale
    assert first.values != second.values
