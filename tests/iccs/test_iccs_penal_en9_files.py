"""Well-formedness of the Washington Criminal Code (RCW Title 9A) held-out set and its draw.

The set (tests/data/iccs_heldout_penal_en9, PROVENANCE.md there) is a seeded random sample
of the offence-creating sections of RCW chapters 9A.32-9A.90, labelled to ICCS by hand
before any coder was run on it. These checks read the files alone, never the coder: the
labels are valid ICCS codes at the level they claim, the headings and sections are unique,
and the sample is the draw with the shared seed from the pool, so nobody can swap rows
after seeing the coder's output.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en9"
SEED = 20261207
"""The seed of every penal-code draw (tests/data/penal_sampling.py), restated as the check."""
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]
SIZE = 150
POOL_SIZE = 212


def rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    labelled = rows("rcw_9a_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(labelled) == SIZE
    assert list(labelled[0]) == COLUMNS
    assert all(r["chapter_title"] for r in labelled)
    assert all(r["iccs_code"] in codes for r in labelled)
    # Labelled at level 2 where one level-2 code fits, else at level 1; never deeper.
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in labelled)
    assert {r["level_labelled"] for r in labelled} == {"1", "2"}
    assert len({r["text"].casefold() for r in labelled}) == SIZE
    assert len({r["section"] for r in labelled}) == SIZE
    assert all(r["note"] for r in labelled)
    # every section is of RCW Title 9A's offence chapters, in its own chapter
    assert all(r["section"].rsplit(".", 1)[0] == r["chapter"] for r in labelled)
    assert {r["chapter"] for r in labelled} <= {f"9A.{n}" for n in range(32, 91)}


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = rows("rcw_offence_sections.csv")
    labelled = rows("rcw_9a_sample_labelled.csv")
    assert len(pool) == POOL_SIZE
    assert len({r["text"].casefold() for r in pool}) == POOL_SIZE
    drawn = random.Random(SEED).sample(pool, SIZE)  # noqa: S311 (reproducible)
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    # the labelled rows carry the pool's chapter, chapter title and heading, by section
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    # the unlabelled sample file is the same draw, in the same order as the labelled one
    unlabelled = rows("rcw_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]
