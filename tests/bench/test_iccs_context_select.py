"""The pure parts of bench/iccs_context_select.py, the rule that re-chooses DEFAULT_WEIGHTS.

The script itself fits nine coders (about ten minutes): too slow for CI. What can go wrong
without it is tested here: the tie rule and the pick on grids of rights written by hand,
the set list agreeing with the held-out penal-code tests (the one place the sets are
declared as tests), and the JSON records reading back to the same records.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from crimestats.domain.enums import IccsMethod
from crimestats.iccs.codings import Coding
from crimestats.iccs.context import DEFAULT_WEIGHTS
from crimestats.iccs.vocabulary_sources import SourceKind, vocabulary_sources

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import iccs_context_select as sel  # noqa: E402


def point(weight: float, sharpen: float, inside: str, *rights: int) -> sel.GridPoint:
    return sel.GridPoint(sel.Weights(weight, sharpen, inside), rights)


def test_the_most_pooled_rights_win_wherever_they_sit() -> None:
    grid = [
        point(0.05, 1.0, "backoff", 10, 10),
        point(0.30, 4.0, "mixed", 12, 9),  # 21: the most, though the most context
        point(0.10, 2.0, "backoff", 9, 11),
    ]
    assert sel.pick(grid) == grid[1]
    assert sel.pick(list(reversed(grid))) == grid[1]


@pytest.mark.parametrize(
    ("tied", "expected"),
    [
        # the smaller weight first, whatever the sharpening and the choice inside
        ([(0.15, 1.0, "backoff"), (0.10, 4.0, "mixed")], (0.10, 4.0, "mixed")),
        # same weight: the smaller sharpening
        ([(0.10, 4.0, "backoff"), (0.10, 2.0, "mixed")], (0.10, 2.0, "mixed")),
        # same weight and sharpening: "backoff" before "mixed"
        ([(0.10, 4.0, "mixed"), (0.10, 4.0, "backoff")], (0.10, 4.0, "backoff")),
    ],
)
def test_ties_go_to_the_least_context(
    tied: list[tuple[float, float, str]], expected: tuple[float, float, str]
) -> None:
    grid = [point(w, s, i, 7, 8) for w, s, i in tied] + [point(0.05, 1.0, "backoff", 7, 7)]
    assert sel.pick(grid).weights == sel.Weights(*expected)
    assert sel.pick(list(reversed(grid))).weights == sel.Weights(*expected)


def test_the_grid_is_the_declared_one_and_holds_the_default() -> None:
    grid = sel.grid()
    assert len(grid) == 9 * 3 * 2
    assert sorted({g.weight for g in grid}) == [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]
    assert {g.sharpen for g in grid} == {1.0, 2.0, 4.0}
    assert {g.inside for g in grid} == {"backoff", "mixed"}
    assert all(g.disagree is None for g in grid)
    assert sel.Weights.of(DEFAULT_WEIGHTS) in grid  # the rule can pick the default
    assert sel.Weights.of(DEFAULT_WEIGHTS).context() == DEFAULT_WEIGHTS


def test_rights_count_the_section_only() -> None:
    def coding(code: str | None) -> Coding:
        return Coding("t", code, 0.5, IccsMethod.MODEL, (), (), (), False)

    truths = ["0101", "02", "0301", "04"]
    codings = [coding("0102"), coding("0201"), coding(None), coding("0501")]
    assert sel.rights(truths, codings) == 2


def heldout_module() -> ModuleType:
    """tests/iccs/test_iccs_heldout_penal_codes.py, imported by path (tests are no package)."""
    path = ROOT / "tests" / "iccs" / "test_iccs_heldout_penal_codes.py"
    spec = importlib.util.spec_from_file_location("_heldout_penal_codes_for_select", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while defined
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_the_sets_are_those_of_the_held_out_penal_code_tests() -> None:
    all_sets = heldout_module().ALL_SETS
    penal = {s.source for s in vocabulary_sources() if s.kind is SourceKind.PENAL_CODE}

    def declared(trained: bool) -> list[tuple[str, str, str]]:
        return [
            (name, s.source, f"{s.folder}/{s.labelled}")
            for name, s in all_sets.items()
            if (s.source in penal if trained else not s.source)
        ]

    def bench(sets: tuple[sel.LabelledSet, ...]) -> list[tuple[str, str, str]]:
        return [(s.name, s.source, s.labelled) for s in sets]

    assert bench(sel.TRAINED) == declared(trained=True)
    assert bench(sel.UNTRAINED) == declared(trained=False)
    assert len(sel.TRAINED) == 17
    assert [s.name for s in sel.UNTRAINED] == [
        "philippines", "nepal", "maldives", "australia", "india_bns", "florida", "japan",
    ]  # fmt: skip
    # the one set left out of the rule is a police classification, not a penal code
    left = {s.source for s in all_sets.values() if s.source} - {s.source for s in sel.TRAINED}
    assert left == {"home_office_classes"}
    assert all((sel.DATA / s.labelled).is_file() for s in sel.TRAINED + sel.UNTRAINED)


def selection(default: sel.Weights) -> sel.Selection:
    """A selection whose pick is the shipped DEFAULT_WEIGHTS, and whose default is ``default``."""
    shipped = DEFAULT_WEIGHTS
    grid = (
        point(0.05, 1.0, "backoff", 5, 6),
        point(shipped.weight, shipped.sharpen, shipped.inside, 6, 7),
    )
    return sel.Selection(
        sets=("a", "b"),
        sizes=(8, 9),
        no_context=(5, 5),
        grid=grid,
        pick=sel.pick(grid),
        default=default,
        untrained=(sel.UntrainedRights("philippines", 150, 105, 106, 106),),
    )


def test_the_json_records_read_back_the_same() -> None:
    original = selection(sel.Weights.of(DEFAULT_WEIGHTS))
    written = json.loads(json.dumps(original.to_json()))
    assert written["pick"] == {
        "weights": {"weight": 0.35, "sharpen": 1.0, "inside": "mixed", "disagree": None},
        "rights": [6, 7],
    }
    assert written["pick_is_default"] is True
    assert sel.Selection.from_json(written) == original


def test_a_default_that_is_not_the_pick_is_said_loudly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = sel.Weights(0.25, 2.0, "mixed")
    monkeypatch.setattr(sel, "select", lambda: selection(other))
    out = tmp_path / "selection.json"
    assert sel.main(["--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "DEFAULT_WEIGHTS is not the rule's pick" in printed
    assert "weight 0.35, sharpen 1, inside mixed" in printed  # the pick: the shipped weights
    assert sel.Selection.from_json(json.loads(out.read_text(encoding="utf-8"))).default == other

    monkeypatch.setattr(sel, "select", lambda: selection(sel.Weights.of(DEFAULT_WEIGHTS)))
    assert sel.main([]) == 0
    assert "is not the rule's pick" not in capsys.readouterr().out
