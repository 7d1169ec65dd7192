"""Each session-12 penal-code pool keeps the rule its sampler states (no coder involved).

The eight sets added in session 12 (Texas, Nepal, South Sudan, Singapore, Washington,
Zambia, the England and Wales Home Office classes, Rwanda; each folder's PROVENANCE.md) are
checked for form and for being the seeded draw by the parametrised tests of
``test_iccs_heldout_penal_codes.py``. What is particular to each pool is checked here: the
part of the code it was drawn from and what its rule leaves out, so a pool rebuilt under a
looser rule (one that lets definitions or the general part in) fails; and, for the IPC's
Singapore twin, how many sampled headings are word for word the IPC sample's, the rows that
are no fresh test of a coder trained on the IPC.
"""

from __future__ import annotations

import csv
import re
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


def test_zambia_pool_is_part_two_without_repealed_definitions_or_procedure() -> None:
    """Part II only, nothing repealed, no definition headings, headings unique."""
    pool = _rows("iccs_heldout_penal_en10", "zpc_offence_sections.csv")
    numbers = [int(re.sub(r"[A-Z]$", "", r["section"])) for r in pool]
    assert (min(numbers), max(numbers)) == (43, 399)
    assert numbers == sorted(numbers)
    assert not [r for r in pool if r["text"] == "***" or r["text"].startswith("Definition")]
    assert len({r["text"].casefold() for r in pool}) == len(pool)
    # the sections the rule names as penalties, defences or procedure are out
    assert not {"106", "163", "201", "202", "204", "205"} & {r["section"] for r in pool}


def test_home_office_pool_leaves_out_the_residual_class() -> None:
    """Code 99, "Other notifiable offences", names no conduct: the pool rule leaves it out."""
    assert "99" not in {
        r["section"] for r in _rows("iccs_heldout_penal_en11", "ho_offence_sections.csv")
    }


def test_rwanda_pool_keeps_only_part_two_offence_articles() -> None:
    """Part One (arts 1-90), Title V (332-335), the military general provisions
    (286-294) and headings that define are out of the pool; the articles run in order."""
    pool = _rows("iccs_heldout_penal_en12", "rwpc_offence_sections.csv")
    sections = [int(r["section"]) for r in pool]
    assert sections == sorted(sections)
    assert min(sections) > 90
    assert max(sections) < 332
    assert not set(sections) & set(range(286, 295))
    assert not any(r["text"].startswith("Definition") for r in pool)
