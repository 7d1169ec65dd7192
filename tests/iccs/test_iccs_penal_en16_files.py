"""Well-formedness and the seeded draw of the Hawaii Penal Code set (iccs_heldout_penal_en16).

The set is a held-out check that no coder has been trained on: these tests read only its
files and the ICCS structure, never run the coder, so they cannot leak its labels into any
choice. The figures measured on it are in the folder's PROVENANCE.md.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en16"
SEED = 20261207
"""The seed of every penal-code draw (tests/data/penal_sampling.py), restated as the check."""
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("hpc_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == 150
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] and r["note"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # Labelled at level 2 where one level-2 code fits, else at level 1; never deeper.
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert Counter(r["level_labelled"] for r in rows) == {"2": 144, "1": 6}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)
    # the counts PROVENANCE.md states: by ICCS section, and the rows with an arguable code
    by_section = Counter(r["iccs_code"][:2] for r in rows)
    assert by_section == {
        "01": 4, "02": 24, "03": 10, "04": 1, "05": 20, "06": 8,
        "07": 28, "08": 43, "09": 5, "10": 4, "11": 3,
    }  # fmt: skip
    assert sum("arguable" in r["note"] for r in rows) == 64


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("hpc_offence_sections.csv")
    labelled = _rows("hpc_sample_labelled.csv")
    assert len(pool) == 275
    assert Counter(r["chapter"] for r in pool) == {
        "707": 44, "708": 99, "709": 9, "710": 51, "711": 25, "712": 47,
    }  # fmt: skip
    drawn = random.Random(SEED).sample(pool, 150)  # noqa: S311 (reproducible)
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    # the labelled rows carry the pool's chapter, chapter title and heading, by section
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    # the unlabelled sample file is the same draw, in the same order as the labelled one
    unlabelled = _rows("hpc_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]
