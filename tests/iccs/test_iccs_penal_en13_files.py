"""The US Code Title 18 held-out set (tests/data/iccs_heldout_penal_en13) is well formed and
is the seeded draw from its pool.

The set is kept untrained (a check of the next model), so nothing here scores the coder on
it; these tests only guard the files against a hand edit that would break the labels' tie
to the sections they were drawn as (the same checks the shared penal-code tests make of
the other sets, until the lead wires this one in there).
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en13"
SEED = 20261207
SIZE, POOL_SIZE = 150, 682
COLUMNS = ["text", "section", "chapter", "chapter_title", "iccs_code", "level_labelled", "note"]


def read(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = read("usc18_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == SIZE
    assert sorted(rows[0]) == sorted(COLUMNS)
    assert all(r["chapter_title"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # Labelled at level 2 where one level-2 code fits, else at level 1; never deeper.
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert {r["level_labelled"] for r in rows} == {"1", "2"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)
    assert all(r["note"] for r in rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = read("usc18_offence_sections.csv")
    assert len(pool) == POOL_SIZE
    drawn = random.Random(SEED).sample(pool, SIZE)  # noqa: S311 (reproducible)
    labelled = read("usc18_sample_labelled.csv")
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    unlabelled = read("usc18_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]


def test_pool_is_part_one_without_its_general_chapter() -> None:
    """Chapters 2 to 123 only (Part I, Crimes, less chapter 1's general provisions), one
    row per heading, and none of the general inchoate sections 371 and 373."""
    pool = read("usc18_offence_sections.csv")
    chapters = {int(re.match(r"\d+", r["chapter"]).group()) for r in pool}  # type: ignore[union-attr]
    assert min(chapters) == 2
    assert max(chapters) == 123
    assert len({r["text"].casefold() for r in pool}) == len(pool)
    assert not {"371", "373"} & {r["section"] for r in pool}
