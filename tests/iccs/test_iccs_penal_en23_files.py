"""The Bharatiya Nyaya Sanhita set (en23) is well formed and is the seeded draw from its
pool: the checks the shared penal-code tests make, for this one folder, so the set is
guarded before the lead wires it into them."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs import load_classification

FOLDER = Path(__file__).resolve().parents[1] / "data" / "iccs_heldout_penal_en23"
SEED = 20261207
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("bns_2023_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == 150
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] and r["note"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # level 2 where one level-2 code fits, else level 1; never deeper
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("bns_offence_sections.csv")
    labelled = _rows("bns_2023_sample_labelled.csv")
    assert len(pool) == 289
    drawn = random.Random(SEED).sample(pool, 150)  # noqa: S311 (reproducible)
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    unlabelled = _rows("bns_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]
