"""The Maldives Penal Code (2014) held-out set is well formed and is the seeded draw.

A self-contained check of ``tests/data/iccs_heldout_penal_en21/`` until the set is wired
into the shared penal-code tests: the same two properties those tests check for every set
(the labelled file's shape, and that its sections are the seeded draw from the pool).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs import load_classification

FOLDER = Path(__file__).resolve().parents[1] / "data" / "iccs_heldout_penal_en21"
SEED = 20261207
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]
POOL_SIZE = 86  # every eligible section: the pool is under 180, so all of it is labelled


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("mpc_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == POOL_SIZE
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # Labelled at level 2 where one level-2 code fits, else at level 1; never deeper.
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert {r["level_labelled"] for r in rows} == {"1", "2"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)
    assert all(r["note"] for r in rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("mpc_offence_sections.csv")
    labelled = _rows("mpc_sample_labelled.csv")
    assert len(pool) == POOL_SIZE
    drawn = random.Random(SEED).sample(pool, len(labelled))  # noqa: S311 (reproducible)
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    unlabelled = _rows("mpc_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]
