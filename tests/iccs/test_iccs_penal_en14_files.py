"""Well-formedness of the Kazakhstan Penal Code set (tests/data/iccs_heldout_penal_en14).

The set is a seeded sample of the Code's Special Part articles, hand-labelled to ICCS
before any coder ran on it (its PROVENANCE.md). These checks guard the files themselves:
the labels' shape, and that the sample is exactly the seeded draw from the pool that the
folder's ``sample_sections.py`` rebuilds from the transcription. They score no coder.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en14"
SEED = 20261207
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("kzpc_2014_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == 150
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] and r["note"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # level 2 where one level-2 code fits, else level 1; never deeper
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert {r["level_labelled"] for r in rows} == {"1", "2"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("kzpc_offence_sections.csv")
    labelled = _rows("kzpc_2014_sample_labelled.csv")
    assert len(pool) == 386
    drawn = random.Random(SEED).sample(pool, 150)  # noqa: S311 (a reproducible draw)
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    unlabelled = _rows("kzpc_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]


def test_pool_is_the_special_part_in_force() -> None:
    """386 articles of Chapters 1-18, the 12 excluded ones left out (sample_sections.py)."""
    pool = _rows("kzpc_offence_sections.csv")
    assert {r["chapter"] for r in pool} == {str(n) for n in range(1, 19)}
    excluded = {"108", "109", "130", "197", "215", "219", "235", "240", "241", "373", "374", "393"}
    assert not excluded & {r["section"] for r in pool}
    assert len({r["text"].casefold() for r in pool}) == len(pool)
