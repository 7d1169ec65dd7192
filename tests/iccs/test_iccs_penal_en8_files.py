"""Checks of the Singapore Penal Code 1871 set (tests/data/iccs_heldout_penal_en8).

A seeded sample of 150 of the Code's 378 offence-creating sections, labelled to ICCS by hand
before any coder was run on them (PROVENANCE.md there). These tests check the files only:
that the labelled file is well formed and that its rows are the seeded draw from the pool,
so a later edit cannot quietly swap a section. They do not score the coder (the lead wires
the set into the scored tests). The Code is a re-enactment of the Indian Penal Code, so the
last test pins how many sampled headings are word for word the IPC set's: those rows are no
fresh test of a coder trained on the IPC set.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.iccs.classification import load_classification

FOLDER = Path(__file__).parents[1] / "data" / "iccs_heldout_penal_en8"
LABELLED = "sg_pc_1871_sample_labelled.csv"
POOL = "sg_offence_sections.csv"
SAMPLE = "sg_sample_sections.csv"
SEED = 20261207
"""The seed of every penal-code draw (tests/data/penal_sampling.py), restated as the check."""
COLUMNS = ["text", "section", "chapter", "chapter_title", "iccs_code", "level_labelled", "note"]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_file_is_well_formed() -> None:
    rows = _rows(FOLDER / LABELLED)
    codes = {c.code for c in load_classification()}
    assert len(rows) == 150
    assert list(rows[0]) == COLUMNS
    assert all(r["chapter_title"] and r["note"] for r in rows)
    assert all(r["iccs_code"] in codes for r in rows)
    # Labelled at level 2 where one level-2 code fits, else at level 1; never deeper.
    assert all(len(r["iccs_code"]) == 2 * int(r["level_labelled"]) for r in rows)
    assert sum(r["level_labelled"] == "1" for r in rows) == 13
    assert len({r["text"].casefold() for r in rows}) == len(rows)
    assert len({r["section"] for r in rows}) == len(rows)


def test_sample_is_the_seeded_draw_from_the_pool() -> None:
    pool = _rows(FOLDER / POOL)
    assert len(pool) == 378
    drawn = random.Random(SEED).sample(pool, 150)  # noqa: S311 (a reproducible sample)
    labelled = _rows(FOLDER / LABELLED)
    assert {r["section"] for r in drawn} == {r["section"] for r in labelled}
    assert {r["section"] for r in drawn} == {r["section"] for r in _rows(FOLDER / SAMPLE)}
    # the labelled rows carry the pool's chapter, chapter title and heading, by section
    key = ("chapter", "chapter_title", "text")
    by_section = {r["section"]: [r[k] for k in key] for r in pool}
    assert all(by_section[r["section"]] == [r[k] for k in key] for r in labelled)


def test_headings_shared_word_for_word_with_the_ipc_sample() -> None:
    """An IPC descendant: 27 of its 150 sampled headings are also IPC-sample headings (the
    IPC sample is training data since session 11), compared case-blind with curly
    apostrophes straightened and punctuation dropped."""

    def plain(text: str) -> str:
        text = text.casefold().replace("\u2019", "'")
        return " ".join("".join(c for c in text if c.isalnum() or c == " ").split())

    ipc = _rows(FOLDER.parent / "iccs_heldout_penal_en" / "ipc_1860_sample_labelled.csv")
    ipc_headings = {plain(r["text"]) for r in ipc}
    shared = [r for r in _rows(FOLDER / LABELLED) if plain(r["text"]) in ipc_headings]
    assert len(shared) == 27
