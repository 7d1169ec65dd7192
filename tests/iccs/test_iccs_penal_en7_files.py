"""Well-formedness of the South Sudan Penal Code Act 2008 set (tests/data/iccs_heldout_penal_en7).

A fifth English penal code for the held-out checks, from a country none of the other sets
covers: a seeded sample of its offence-creating sections, labelled to ICCS by hand before
any coder was run on it (the folder's PROVENANCE.md). These tests check the files only,
not the coder: the labels are what the lead wires into the scored guards.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en7"
SEED = 20261207
"""The seed of every penal-code draw (tests/data/penal_sampling.py), restated as the check."""
SIZE = 150
POOL_SIZE = 310
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("sspc_2008_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == SIZE
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
    pool = _rows("sspc_offence_sections.csv")
    assert len(pool) == POOL_SIZE
    drawn = random.Random(SEED).sample(pool, SIZE)  # noqa: S311 (reproducible)
    labelled = _rows("sspc_2008_sample_labelled.csv")
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    assert [r["section"] for r in labelled] == sorted((r["section"] for r in drawn), key=int)
    # the labelled rows carry the pool's chapter, chapter title and heading, by section
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    assert _rows("sspc_sample_sections.csv") == [
        {k: r[k] for k in ("section", "chapter", "chapter_title", "text")} for r in labelled
    ]


def test_the_pool_leaves_out_the_general_part_and_definitions() -> None:
    """Chapters I-IV and XXIX create no offence; no pooled heading is a definition."""
    pool = _rows("sspc_offence_sections.csv")
    assert {r["chapter"] for r in pool}.isdisjoint({"I", "II", "III", "IV", "XXIX"})
    assert not [r for r in pool if "Defined" in r["text"] or "Definition" in r["text"]]
    assert [int(r["section"]) for r in pool] == sorted(int(r["section"]) for r in pool)
    assert (int(pool[0]["section"]), int(pool[-1]["section"])) == (64, 396)
