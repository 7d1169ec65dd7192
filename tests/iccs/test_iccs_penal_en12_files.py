"""File checks on the Rwanda Penal Code set (iccs_heldout_penal_en12).

The set is 150 articles of Rwanda's Law No 68/2018 determining offences and penalties in
general (official English text; tests/data/iccs_heldout_penal_en12/PROVENANCE.md),
hand-labelled to ICCS before the coder was run on it. These tests guard the files only
(shape, the labels' form, the seeded draw, the pool rule's exclusions); they score no
coder, so they cannot drift towards the labels.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en12"
SEED = 20261207  # tests/data/penal_sampling.py
SIZE = 150
POOL_SIZE = 207
COLUMNS = [
    "text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title",
    "division_title",
]  # fmt: skip


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("rwpc_2018_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == SIZE
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] and r["division_title"] and r["note"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # level 2 where one level-2 code fits, else level 1; never deeper
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert {r["level_labelled"] for r in rows} == {"1", "2"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("rwpc_offence_sections.csv")
    labelled = _rows("rwpc_2018_sample_labelled.csv")
    assert len(pool) == POOL_SIZE
    assert len({r["text"].casefold() for r in pool}) == len(pool)
    drawn = random.Random(SEED).sample(pool, SIZE)  # noqa: S311 (reproducible)
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    key = ("chapter", "chapter_title", "division_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    unlabelled = _rows("rwpc_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]


def test_the_pool_keeps_only_part_two_offence_articles() -> None:
    """Part One (arts 1-90), Title V (332-335), the military general provisions
    (286-294) and headings that define are out of the pool; the articles run in order."""
    sections = [int(r["section"]) for r in _rows("rwpc_offence_sections.csv")]
    assert sections == sorted(sections)
    assert min(sections) > 90
    assert max(sections) < 332
    assert not set(sections) & set(range(286, 295))
    assert not any(r["text"].startswith("Definition") for r in _rows("rwpc_offence_sections.csv"))
