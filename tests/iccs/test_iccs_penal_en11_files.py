"""File checks on the England and Wales Home Office offence-class set (iccs_heldout_penal_en11).

The set is every Home Office offence class of the ONS 2017/18 offence hierarchy but one
(tests/data/iccs_heldout_penal_en11/PROVENANCE.md), hand-labelled to ICCS before the coder
was run on it. These tests guard the files only (shape, labels' form, the seeded draw);
they score no coder, so they cannot drift towards the labels.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en11"
SEED = 20261207  # tests/data/penal_sampling.py
POOL_SIZE = 135
COLUMNS = [
    "text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title",
    "division_title",
]  # fmt: skip


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("ho_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == POOL_SIZE
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] and r["note"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # level 2 where one level-2 code fits, else level 1; never deeper
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert {r["level_labelled"] for r in rows} == {"1", "2"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("ho_offence_sections.csv")
    labelled = _rows("ho_sample_labelled.csv")
    assert len(pool) == POOL_SIZE
    # fewer than 150 classes: the draw takes the whole pool
    drawn = random.Random(SEED).sample(pool, min(150, len(pool)))  # noqa: S311 (reproducible)
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    key = ("chapter", "chapter_title", "division_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    unlabelled = _rows("ho_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]


def test_the_residual_class_is_left_out() -> None:
    """Code 99, "Other notifiable offences", names no conduct: the pool rule leaves it out."""
    assert "99" not in {r["section"] for r in _rows("ho_offence_sections.csv")}
