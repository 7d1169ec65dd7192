"""A regression guard on the long-tail English penal-code set (tests/data/iccs_heldout_penal_en).

200 section headings of the Indian Penal Code 1860, a seeded sample of its 427
offence-creating sections, labelled to ICCS by a crimestats developer before the coder was
run on them (see the folder's PROVENANCE.md; figures in docs/iccs-heldout-penal-code.md).
Never trained on. The floors sit well under the measured figures (level 1 60.0%, level-2
precision among auto-coded 77.2%, auto-coded 49.5%): they catch a broken coder, not small
changes in accuracy, and they are not targets to tune to.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs import Autocoder
from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en"
LABELLED = FOLDER / "ipc_1860_sample_labelled.csv"
POOL = FOLDER / "ipc_offence_sections.csv"
SEED = 20261207


def _rows(path: Path = LABELLED) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_penal_code_file_is_well_formed() -> None:
    rows = _rows()
    codes = {c.code for c in load_classification()}
    assert len(rows) == 200
    assert all(r["iccs_code"] in codes for r in rows)
    # Labelled at level 2 where one level-2 code fits, else at level 1; never deeper.
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert {r["level_labelled"] for r in rows} == {"1", "2"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)
    assert all(r["note"] for r in rows)


def test_penal_code_sample_is_the_seeded_draw_from_the_pool() -> None:
    """The 200 rows are exactly random.Random(SEED).sample of the 427-section pool."""
    pool = _rows(POOL)
    assert len(pool) == 427
    drawn = random.Random(SEED).sample(pool, 200)  # noqa: S311 (reproducible, not a secret)
    assert {r["section"] for r in drawn} == {r["section"] for r in _rows()}
    by_section = {r["section"]: r["text"] for r in pool}
    assert all(by_section[r["section"]] == r["text"] for r in _rows())


def test_penal_code_accuracy_has_floors(autocoder: Autocoder) -> None:
    rows = _rows()
    codings = autocoder.code_texts([r["text"] for r in rows])
    right1 = auto = auto2 = auto_right2 = 0
    for row, coding in zip(rows, codings, strict=True):
        truth, code = row["iccs_code"], coding.code or ""
        right1 += code[:2] == truth[:2]
        if not coding.needs_review:
            auto += 1
            if len(truth) >= 4:  # a section-level truth says nothing about level 2
                auto2 += 1
                auto_right2 += code[:4] == truth[:4]
    assert right1 / len(rows) >= 0.45
    assert auto / len(rows) >= 0.25
    assert auto_right2 / auto2 >= 0.6
