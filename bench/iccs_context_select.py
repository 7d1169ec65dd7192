"""Re-choose the chapter-context weights (crimestats.iccs.context) by the declared rule.

``DEFAULT_WEIGHTS`` is chosen again with every model version, because the weights sit near
a cliff (a little more weight or sharpening and whole chapters of headings move to the
wrong section). This script is that choice, so the figure of record can be reproduced
rather than trusted:

1. For each trained penal-code set (:data:`TRAINED`), fit the default coder without its
   vocabulary source (leave one penal code out, as a code the coder never saw), gather the
   evidence once, and count the level-1 rights (``code[:2] == truth[:2]``) with no context
   and at every point of the grid :data:`WEIGHTS` x :data:`SHARPEN` x :data:`INSIDE`
   (``disagree`` None: the rule is about the section, not the review).
2. Pick the grid point with the most level-1 rights pooled over those sets. **Ties** go to
   the least context: the smaller weight, then the smaller sharpening, then ``"backoff"``
   before ``"mixed"`` (the coder's own rule inside a section before a mixed one).
3. Report the sets never trained on (:data:`UNTRAINED`, coded by the default coder):
   level-1 rights with no context, with the pick, and with ``DEFAULT_WEIGHTS``. They choose
   nothing; they are the check.

The rights on the trained sets are those the weights were chosen on: not held out. The
script exits 0 whether or not the pick is ``DEFAULT_WEIGHTS``, but says so loudly when not.

Run from the repository root (about a minute per fitted coder under v28, seventeen coders):
``PYTHONPATH=src python bench/iccs_context_select.py [--json PATH]``.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crimestats.iccs.context import DEFAULT_WEIGHTS, ContextWeights, decide_in_context, gather
from phase_records import JSON

if TYPE_CHECKING:
    from crimestats.iccs import Autocoder
    from crimestats.iccs.codings import Coding

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """A labelled penal-code sample: its name, vocabulary source ("" if never trained on)
    and labelled file under ``tests/data``."""

    name: str
    source: str
    labelled: str


# The same sets as ALL_SETS in tests/iccs/test_iccs_heldout_penal_codes.py (tests are not a
# package, so they cannot be imported here); tests/bench/test_iccs_context_select.py checks
# that the two lists agree. TRAINED: every set whose source is a penal-code vocabulary
# source (not home_office_classes, a police classification).
TRAINED = (
    LabelledSet("ipc", "ipc_1860", "iccs_heldout_penal_en/ipc_1860_sample_labelled.csv"),
    LabelledSet("wa", "wa_criminal_code", "iccs_heldout_penal_en2/wa_cc_1913_sample_labelled.csv"),
    LabelledSet("canada", "canada_criminal_code", "iccs_heldout_penal_en3/cc_sample_labelled.csv"),
    LabelledSet("texas", "texas_penal_code", "iccs_heldout_penal_en5/tpc_sample_labelled.csv"),
    LabelledSet(
        "south_sudan", "south_sudan_penal_code",
        "iccs_heldout_penal_en7/sspc_2008_sample_labelled.csv",
    ),
    LabelledSet(
        "singapore", "singapore_penal_code", "iccs_heldout_penal_en8/sg_pc_1871_sample_labelled.csv"
    ),
    LabelledSet(
        "washington", "washington_criminal_code",
        "iccs_heldout_penal_en9/rcw_9a_sample_labelled.csv",
    ),
    LabelledSet("zambia", "zambia_penal_code", "iccs_heldout_penal_en10/zpc_sample_labelled.csv"),
    LabelledSet(
        "rwanda", "rwanda_penal_code", "iccs_heldout_penal_en12/rwpc_2018_sample_labelled.csv"
    ),
    LabelledSet(
        "us_federal", "us_code_title_18", "iccs_heldout_penal_en13/usc18_sample_labelled.csv"
    ),
    LabelledSet(
        "kazakhstan", "kazakhstan_penal_code",
        "iccs_heldout_penal_en14/kzpc_2014_sample_labelled.csv",
    ),
    LabelledSet(
        "taiwan", "taiwan_criminal_code", "iccs_heldout_penal_en15/twcc_sample_labelled.csv"
    ),
    LabelledSet("hawaii", "hawaii_penal_code", "iccs_heldout_penal_en16/hpc_sample_labelled.csv"),
    LabelledSet(
        "ghana", "ghana_criminal_offences_act", "iccs_heldout_penal_en17/coa_sample_labelled.csv"
    ),
    LabelledSet(
        "virginia", "virginia_code_18_2", "iccs_heldout_penal_en18/vac_sample_labelled.csv"
    ),
    LabelledSet(
        "switzerland", "swiss_criminal_code", "iccs_heldout_penal_en19/scc_sample_labelled.csv"
    ),
    LabelledSet(
        "ukraine", "ukraine_criminal_code", "iccs_heldout_penal_en20/uacc_sample_labelled.csv"
    ),
)  # fmt: skip
UNTRAINED = (
    LabelledSet("philippines", "", "iccs_heldout_penal_en4/rpc_sample_labelled.csv"),
    LabelledSet("nepal", "", "iccs_heldout_penal_en6/npc_sample_labelled.csv"),
    LabelledSet("maldives", "", "iccs_heldout_penal_en21/mpc_sample_labelled.csv"),
    LabelledSet("australia", "", "iccs_heldout_penal_en22/cth_sample_labelled.csv"),
    LabelledSet("india_bns", "", "iccs_heldout_penal_en23/bns_2023_sample_labelled.csv"),
    LabelledSet("florida", "", "iccs_heldout_penal_en24/flcrimes_sample_labelled.csv"),
    LabelledSet("japan", "", "iccs_heldout_penal_en26/jppc_sample_labelled.csv"),
)

WEIGHTS = tuple(round(0.05 * i, 2) for i in range(1, 10))
"""0.05 to 0.45: under one half, where a context alone could override a clear heading.
Widened from 0.30 in session 15, after v28's rule picked 0.30, the grid's edge."""
SHARPEN = (1.0, 2.0, 4.0)
INSIDE = ("backoff", "mixed")
"""In tie order: the coder's own back-off rule inside a section before the mixed scores."""


@dataclass(frozen=True, slots=True)
class Weights:
    """A ContextWeights as a plain record (for JSON and comparison)."""

    weight: float
    sharpen: float
    inside: str
    disagree: float | None = None

    @classmethod
    def of(cls, weights: ContextWeights) -> Weights:
        return cls(weights.weight, weights.sharpen, weights.inside, weights.disagree)

    def context(self) -> ContextWeights:
        return ContextWeights(self.weight, self.disagree, self.sharpen, self.inside)

    def __str__(self) -> str:
        return f"weight {self.weight:.2f}, sharpen {self.sharpen:g}, inside {self.inside}"


@dataclass(frozen=True, slots=True)
class GridPoint:
    """Level-1 rights at one grid point: per trained set (in :data:`TRAINED` order), pooled."""

    weights: Weights
    rights: tuple[int, ...]

    @property
    def pooled(self) -> int:
        return sum(self.rights)


@dataclass(frozen=True, slots=True)
class UntrainedRights:
    """Level-1 rights on a set never trained on: no context, the pick, DEFAULT_WEIGHTS."""

    name: str
    size: int
    none: int
    pick: int
    default: int


@dataclass(frozen=True, slots=True)
class Selection:
    """Everything the script prints: the grid, the pick, the default and the check."""

    sets: tuple[str, ...]
    sizes: tuple[int, ...]
    no_context: tuple[int, ...]
    grid: tuple[GridPoint, ...]
    pick: GridPoint
    default: Weights
    untrained: tuple[UntrainedRights, ...]

    @property
    def pick_is_default(self) -> bool:
        return self.pick.weights == self.default

    def to_json(self) -> JSON:
        return {**asdict(self), "pick_is_default": self.pick_is_default}

    @classmethod
    def from_json(cls, data: JSON) -> Selection:
        def point(p: JSON) -> GridPoint:
            return GridPoint(Weights(**p["weights"]), tuple(p["rights"]))

        return cls(
            tuple(data["sets"]),
            tuple(data["sizes"]),
            tuple(data["no_context"]),
            tuple(point(p) for p in data["grid"]),
            point(data["pick"]),
            Weights(**data["default"]),
            tuple(UntrainedRights(**u) for u in data["untrained"]),
        )


def grid() -> list[Weights]:
    """Every point of the grid, ``disagree`` None."""
    return [Weights(w, s, i) for w in WEIGHTS for s in SHARPEN for i in INSIDE]


def tie_order(weights: Weights) -> tuple[float, float, int]:
    """Among equal pooled rights, the least context first (module docstring, step 2)."""
    return (weights.weight, weights.sharpen, INSIDE.index(weights.inside))


def pick(points: Sequence[GridPoint]) -> GridPoint:
    """The point with the most pooled level-1 rights, ties broken by :func:`tie_order`."""
    return min(points, key=lambda p: (-p.pooled, *tie_order(p.weights)))


def rows(labelled: LabelledSet) -> list[dict[str, str]]:
    with (DATA / labelled.labelled).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def rights(truths: Sequence[str], codings: Sequence[Coding]) -> int:
    """Level-1 rights: the coding's section is the label's."""
    return sum((c.code or "")[:2] == t[:2] for t, c in zip(truths, codings, strict=True))


def measure(
    model: Autocoder, labelled: LabelledSet, points: Sequence[Weights]
) -> tuple[int, int, list[int]]:
    """Size, rights with no context, and rights at each of ``points`` on one set."""
    table = rows(labelled)
    truths = [r["iccs_code"] for r in table]
    evidence = gather(model, [r["text"] for r in table], [r["chapter_title"] for r in table])
    at = [rights(truths, decide_in_context(model, evidence, p.context())) for p in points]
    return len(table), rights(truths, evidence.base), at


def select() -> Selection:
    """Run the rule (module docstring): thirteen coders fitted, then the default one."""
    from crimestats.iccs import Autocoder
    from crimestats.iccs.correspondence import load_bundled

    points = grid()
    sizes, none, per_set = [], [], []
    for labelled in TRAINED:
        print(f"fitting the coder without {labelled.source} ...", flush=True)
        model = Autocoder.fit_default(load_bundled().without(labelled.source), cache=False)
        size, base, at = measure(model, labelled, points)
        sizes.append(size)
        none.append(base)
        per_set.append(at)
    table = tuple(GridPoint(p, tuple(at[k] for at in per_set)) for k, p in enumerate(points))
    chosen = pick(table)
    default = Weights.of(DEFAULT_WEIGHTS)
    model = Autocoder.fit_default()
    untrained = []
    for labelled in UNTRAINED:
        size, base, (at_pick, at_default) = measure(model, labelled, [chosen.weights, default])
        untrained.append(UntrainedRights(labelled.name, size, base, at_pick, at_default))
    return Selection(
        tuple(s.name for s in TRAINED),
        tuple(sizes),
        tuple(none),
        table,
        chosen,
        default,
        tuple(untrained),
    )


def report(selection: Selection) -> list[str]:
    """The printed lines: the grid, the pick, the untrained check and the verdict."""
    s = selection
    total = sum(s.sizes)
    lines = [
        f"level-1 rights of {total} on {len(s.sets)} trained penal codes, each left out:",
        "  sets: " + ", ".join(f"{n} ({k})" for n, k in zip(s.sets, s.sizes, strict=True)),
        f"  no context: {sum(s.no_context):5d}  " + " ".join(f"{r:3d}" for r in s.no_context),
    ]
    for p in s.grid:
        mark = "  <- pick" if p == s.pick else ""
        each = " ".join(f"{r:3d}" for r in p.rights)
        lines.append(f"  {p.weights!s:38} {p.pooled:5d}  {each}{mark}")
    lines.append(f"pick: {s.pick.weights} ({s.pick.pooled} of {total})")
    lines.append(f"DEFAULT_WEIGHTS: {s.default}, disagree {s.default.disagree}")
    for u in s.untrained:
        lines.append(
            f"untrained {u.name}: no context {u.none}, pick {u.pick}, "
            f"DEFAULT_WEIGHTS {u.default} (of {u.size})"
        )
    if s.pick_is_default:
        lines.append("DEFAULT_WEIGHTS is the rule's pick.")
    else:
        lines.append("!" * 72)
        lines.append("!!! DEFAULT_WEIGHTS is not the rule's pick: re-choose it (see above) !!!")
        lines.append("!" * 72)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", type=Path, help="also write the selection as JSON here")
    args = parser.parse_args(argv)
    selection = select()
    print("\n".join(report(selection)))
    if args.json:
        args.json.write_text(json.dumps(selection.to_json(), indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
