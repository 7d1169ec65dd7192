"""Well-formedness and the seeded draw of the Florida Title XLVI held-out set (en24).

The set's own checks, kept apart from the shared penal-code tests so that the lead can wire
the set into them without this file changing: the labels follow the shared columns and
level rule, and the sample is the seeded draw from the pool that ``sample_sections.py``
wrote.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs import load_classification

FOLDER = Path(__file__).resolve().parents[1] / "data" / "iccs_heldout_penal_en24"
SEED = 20261207
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("flcrimes_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == 150
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] and r["note"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert {r["level_labelled"] for r in rows} == {"1", "2"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("flcrimes_offence_sections.csv")
    assert len(pool) == 566
    drawn = random.Random(SEED).sample(pool, 150)  # noqa: S311 (reproducible)
    labelled = _rows("flcrimes_sample_labelled.csv")
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    unlabelled = _rows("flcrimes_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]
