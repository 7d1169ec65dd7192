"""Each session-12 penal-code pool keeps the rule its sampler states (no coder involved).

The four sets added in session 12 (Texas, Nepal, South Sudan, Singapore; each folder's
PROVENANCE.md) are checked for form and for being the seeded draw by the parametrised tests
of ``test_iccs_heldout_penal_codes.py``. What is particular to each pool is checked here: the
part of the code it was drawn from and what its rule leaves out, so a pool rebuilt under a
looser rule (one that lets definitions or the general part in) fails; and, for the IPC's
Singapore twin, how many sampled headings are word for word the IPC sample's, the rows that
are no fresh test of a coder trained on the IPC.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).parents[1] / "data"


def _rows(folder: str, name: str) -> list[dict[str, str]]:
    with (DATA / folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_texas_pool_is_titles_four_to_eleven_with_one_title_per_chapter() -> None:
    """Chapters 15-76 only (the general part, chapters 1-12, is left out), each chapter
    number with one heading, so the chapter-context option sees a consistent title."""
    pool = _rows("iccs_heldout_penal_en5", "tpc_offence_sections.csv")
    numbers = {int(r["chapter"].rstrip("A")) for r in pool}
    assert (min(numbers), max(numbers)) == (15, 76)
    titles = {(r["chapter"], r["chapter_title"]) for r in pool}
    assert len(titles) == len({c for c, _ in titles}) == 33
    assert ("19", "CRIMINAL HOMICIDE") in titles


def test_nepal_pool_is_parts_two_and_three_without_non_offence_sections() -> None:
    """Parts 2 and 3 only, no limitation, compensation, forfeiture or penalty-only
    section, headings distinct."""
    pool = _rows("iccs_heldout_penal_en6", "npc_offence_sections.csv")
    assert {r["chapter"].split(".")[0] for r in pool} == {"2", "3"}
    assert all(49 <= int(r["section"]) <= 308 for r in pool)
    left_out = ("Statute of limitation", "Compensation", "Forfeiture", "Punishment for")
    assert not any(r["text"].startswith(left_out) for r in pool)
    assert len({r["text"].casefold() for r in pool}) == len(pool) == 198


def test_south_sudan_pool_leaves_out_the_general_part_and_definitions() -> None:
    """Chapters I-IV and XXIX create no offence; no pooled heading is a definition."""
    pool = _rows("iccs_heldout_penal_en7", "sspc_offence_sections.csv")
    assert {r["chapter"] for r in pool}.isdisjoint({"I", "II", "III", "IV", "XXIX"})
    assert not [r for r in pool if "Defined" in r["text"] or "Definition" in r["text"]]
    assert [int(r["section"]) for r in pool] == sorted(int(r["section"]) for r in pool)
    assert (int(pool[0]["section"]), int(pool[-1]["section"])) == (64, 396)


def test_singapore_headings_shared_word_for_word_with_the_ipc_sample() -> None:
    """An IPC descendant: 27 of its 150 sampled headings are also IPC-sample headings,
    compared case-blind with curly apostrophes straightened and punctuation dropped."""

    def plain(text: str) -> str:
        text = text.casefold().replace("\u2019", "'")
        return " ".join("".join(c for c in text if c.isalnum() or c == " ").split())

    ipc = {plain(r["text"]) for r in _rows("iccs_heldout_penal_en", "ipc_1860_sample_labelled.csv")}
    singapore = _rows("iccs_heldout_penal_en8", "sg_pc_1871_sample_labelled.csv")
    assert sum(plain(r["text"]) in ipc for r in singapore) == 27
