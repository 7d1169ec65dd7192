"""Well-formedness of the Nepal National Penal (Code) Act 2017 set (iccs_heldout_penal_en6).

The set is a seeded sample of the Act's offence-creating sections, labelled to ICCS by hand
before any coder was run on it (the folder's PROVENANCE.md). These checks guard the files
only: the labels' shape and the draw, recomputed here from the pool with the seed. They
score no coder; the lead wires the set into the shared held-out tests.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en6"
SEED = 20261207
"""The seed of every penal-code draw (tests/data/penal_sampling.py), restated as the check."""
SIZE, POOL_SIZE = 150, 198
COLUMNS = [
    "text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title",
    "division_title",
]  # fmt: skip


def rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    labelled = rows("npc_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(labelled) == SIZE
    assert list(labelled[0]) == COLUMNS
    assert all(r["chapter_title"] and r["division_title"] for r in labelled)
    assert all(r["iccs_code"] in codes for r in labelled)
    # level 2 where one level-2 code fits, else level 1; never deeper
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in labelled)
    assert {r["level_labelled"] for r in labelled} == {"1", "2"}
    assert len({r["text"].casefold() for r in labelled}) == SIZE
    assert len({r["section"] for r in labelled}) == SIZE
    assert all(r["note"] for r in labelled)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = rows("npc_offence_sections.csv")
    assert len(pool) == POOL_SIZE
    drawn = random.Random(SEED).sample(pool, SIZE)  # noqa: S311 (a reproducible sample)
    labelled = rows("npc_sample_labelled.csv")
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    assert rows("npc_sample_sections.csv") == sorted(drawn, key=lambda r: int(r["section"]))
    key = ("chapter", "chapter_title", "division_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)


def test_the_pool_is_parts_two_and_three_without_non_offence_sections() -> None:
    """The rule of sample_sections.py, as it shows in the pool: Parts 2 and 3 only, no
    limitation, compensation, forfeiture or penalty-only section, headings distinct."""
    pool = rows("npc_offence_sections.csv")
    assert {r["chapter"].split(".")[0] for r in pool} == {"2", "3"}
    assert all(49 <= int(r["section"]) <= 308 for r in pool)
    left_out = ("Statute of limitation", "Compensation", "Forfeiture", "Punishment for")
    assert not any(r["text"].startswith(left_out) for r in pool)
    assert len({r["text"].casefold() for r in pool}) == POOL_SIZE
