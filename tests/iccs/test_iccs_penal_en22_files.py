"""Well-formedness of the en22 held-out set: the Commonwealth Criminal Code (Australia).

The set (tests/data/iccs_heldout_penal_en22/, PROVENANCE.md there) is a seeded sample of
the offence-creating sections of the Schedule to the Criminal Code Act 1995 (Cth), the
Model Criminal Code family, labelled to ICCS by hand before any coder was run on it. These
checks guard the files only (columns, codes, levels, unique headings, the seeded draw);
they score no coder.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).resolve().parents[1] / "data" / "iccs_heldout_penal_en22"
LABELLED = FOLDER / "cth_sample_labelled.csv"
POOL = FOLDER / "cth_offence_sections.csv"
SAMPLE = FOLDER / "cth_sample_sections.csv"
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]
SEED = 20261207
SIZE = 150
POOL_SIZE = 345


def read(path: Path) -> list[dict[str, str]]:
    """The rows of one of the set's CSV files."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = read(LABELLED)
    codes = {c.code for c in load_classification()}
    assert len(rows) == SIZE
    assert sorted(set(rows[0]) - {"division_title"}) == sorted(COLUMNS)
    assert all(r["chapter_title"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert {r["level_labelled"] for r in rows} == {"1", "2"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)
    assert all(r["note"] for r in rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = read(POOL)
    assert len(pool) == POOL_SIZE
    assert len({r["text"].casefold() for r in pool}) == len(pool)
    drawn = random.Random(SEED).sample(pool, SIZE)  # noqa: S311 (reproducible)
    rows = read(LABELLED)
    assert {r["section"] for r in drawn} == {r["section"] for r in rows}
    key = ("chapter", "chapter_title", "division_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in rows)
    assert [r["section"] for r in read(SAMPLE)] == [r["section"] for r in rows]
