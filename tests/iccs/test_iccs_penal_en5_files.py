"""Well-formedness and seeded draw of the Texas Penal Code held-out set (iccs_heldout_penal_en5).

The set (tests/data/iccs_heldout_penal_en5/PROVENANCE.md) is a fifth legal family, the
Model Penal Code one, labelled to ICCS before the coder was run on it. These checks guard
the files alone (no coder is fitted): the labels are valid ICCS codes at the level stated,
the headings are distinct, and the 150 rows are exactly the seeded draw from the pool, so
the sample cannot be edited into an easier one without the test failing.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en5"
SEED = 20261207
"""The seed of every penal-code draw (tests/data/penal_sampling.py), restated as the check."""
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("tpc_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == 150
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # Level 2 where one level-2 code fits, else level 1; never deeper.
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert sum(r["level_labelled"] == "1" for r in rows) == 7
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)
    assert all(r["note"] for r in rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("tpc_offence_sections.csv")
    assert len(pool) == 285
    drawn = random.Random(SEED).sample(pool, 150)  # noqa: S311 (a reproducible sample)
    labelled = _rows("tpc_sample_labelled.csv")
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    # the labelled rows carry the pool's chapter, chapter title and heading, by section
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    assert _rows("tpc_sample_sections.csv") == [
        {k: r[k] for k in ["section", *key]} for r in labelled
    ]


def test_pool_is_titles_four_to_eleven_with_one_title_per_chapter() -> None:
    """Chapters 15-76 only (the general part, chapters 1-12, is left out), each chapter
    number with one heading, so the chapter-context option sees a consistent title."""
    pool = _rows("tpc_offence_sections.csv")
    numbers = {int(r["chapter"].rstrip("A")) for r in pool}
    assert min(numbers) == 15
    assert max(numbers) == 76
    titles = {(r["chapter"], r["chapter_title"]) for r in pool}
    assert len(titles) == len({c for c, _ in titles}) == 33
    assert ("19", "CRIMINAL HOMICIDE") in titles
