"""The Zambia Penal Code (Cap. 87) held-out set (tests/data/iccs_heldout_penal_en10) is
well formed and is the seeded draw from its pool.

Why a file of its own: the shared held-out tests are wired by the lead; until then these
checks keep the set honest (labels legal and at the stated level, headings unique, the
sample exactly the draw that ``sample_sections.py`` makes, the pool rule visible in the
pool). The coder is never run here: this file scores nothing.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

from crimestats.iccs.classification import load_classification

SEED = 20261207
FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en10"
COLUMNS = [
    "text",
    "section",
    "chapter",
    "iccs_code",
    "level_labelled",
    "note",
    "chapter_title",
    "division_title",
]


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("zpc_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == 150
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] and r["division_title"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # Level 2 where one level-2 code fits, else level 1; never deeper.
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert {r["level_labelled"] for r in rows} == {"1", "2"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)
    assert all(r["note"] for r in rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("zpc_offence_sections.csv")
    labelled = _rows("zpc_sample_labelled.csv")
    assert len(pool) == 279
    drawn = random.Random(SEED).sample(pool, 150)  # noqa: S311 (a reproducible sample)
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    key = ("chapter", "chapter_title", "division_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    unlabelled = _rows("zpc_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]


def test_pool_follows_its_rule() -> None:
    """Part II only, nothing repealed, no definition headings, headings unique."""
    pool = _rows("zpc_offence_sections.csv")
    numbers = [int(re.sub(r"[A-Z]$", "", r["section"])) for r in pool]
    assert min(numbers) == 43
    assert max(numbers) == 399
    assert numbers == sorted(numbers)
    assert not [r for r in pool if r["text"] == "***" or r["text"].startswith("Definition")]
    assert len({r["text"].casefold() for r in pool}) == len(pool)
    # the sections the rule names as penalties, defences or procedure are out
    assert not {"106", "163", "201", "202", "204", "205"} & {r["section"] for r in pool}
