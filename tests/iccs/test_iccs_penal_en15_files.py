"""Well-formedness and the seeded draw of the Taiwan Criminal Code set (en15).

The set is held out: these tests read only its files and the ICCS code list, never the
coder, so they can run before the lead wires the set into the shared penal-code tests.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).resolve().parents[1] / "data" / "iccs_heldout_penal_en15"
SEED = 20261207  # the seed of every penal-code draw (tests/data/penal_sampling.py)
COLUMNS = ["text", "section", "chapter", "iccs_code", "level_labelled", "note", "chapter_title"]


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows("twcc_sample_labelled.csv")
    codes = {c.code for c in load_classification()}
    assert len(rows) == 150
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] and r["note"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # level 2 where one level-2 code fits, else level 1; never deeper
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert sum(r["level_labelled"] == "1" for r in rows) == 3
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows("twcc_offence_sections.csv")
    assert len(pool) == 211
    drawn = random.Random(SEED).sample(pool, 150)  # noqa: S311 (a reproducible sample)
    labelled = _rows("twcc_sample_labelled.csv")
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)
    unlabelled = _rows("twcc_sample_sections.csv")
    assert [r["section"] for r in unlabelled] == [r["section"] for r in labelled]
