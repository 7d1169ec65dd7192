"""Well-formedness of held-out set en26 (Japan's Penal Code, JLT English), on its own.

The set is every offence-creating article of Part II (173; the pool is under 180, so the
whole pool is taken) labelled to ICCS by hand before any coder was run on it
(tests/data/iccs_heldout_penal_en26/PROVENANCE.md). These checks read only the files: the
lead wires the set into the shared scoring tests.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en26"
SEED = 20261207
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("jppc_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == 173
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] and r["note"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # level 2 where one level-2 code fits, else level 1; never deeper
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert {r["level_labelled"] for r in rows} == {"1", "2"}
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("jppc_offence_sections.csv")
    labelled = _rows("jppc_sample_labelled.csv")
    assert len(pool) == 173
    drawn = random.Random(SEED).sample(pool, len(labelled))  # noqa: S311 (reproducible)
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    unlabelled = _rows("jppc_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]
