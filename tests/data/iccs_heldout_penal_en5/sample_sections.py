"""Rebuild the eligible pool and the seeded sample of Texas Penal Code offence sections.

Run once, before any labelling::

    python sample_sections.py texas_penal_codes.full.json

(the source file, 2.9 MB, kept out of the repository; see PROVENANCE.md). It writes
``tpc_offence_sections.csv`` (every offence-creating section of Titles 4 to 11, by the rule
below) and ``tpc_sample_sections.csv`` (a seeded random sample of them, to be labelled by
hand). The rule reads the copy's section texts and headings alone, never any model output,
so the sample does not depend on how the autocoder does on it.

The source is a JSON list with one object per section: ``code`` ("19.02", "20A.02"),
``title`` (the section heading, in the Code's capitals), ``chapter`` ("CHAPTER 19.
CRIMINAL HOMICIDE") and ``statuteText`` (the section's text with its history notes).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
FIELDS = ["section", "chapter", "chapter_title", "text"]

FIRST_OFFENCE_CHAPTER = 15
"""Chapter 15 opens Title 4 (inchoate offences); Titles 1-3 (chapters 1-12) are the
general part: introductory provisions, principles of responsibility, punishments."""

CREATES_OFFENCE = re.compile(
    r"commits an offense if|an offense under this section is|is guilty of a", re.IGNORECASE
)
"""A section creates an offence when its text says so in the Code's own formulas ("A person
commits an offense if ...", "An offense under this section is a Class A misdemeanor",
"... is guilty of a Class A misdemeanor"). This leaves out definitions, defences,
presumptions, value and aggregation rules, evidence, immunity, jurisdiction, penalty
enhancements and applicability sections (their text has no such words; PROVENANCE.md
lists them). A bare "commits an offense" is not enough: s. 22.06, a defence, says "commits
an offense described by Subsection (a)"."""

GENERAL_FORMS = {
    "15.01",  # criminal attempt (of any offence)
    "15.02",  # criminal conspiracy (to commit any felony)
    "15.03",  # criminal solicitation (of any capital or first-degree felony)
}
"""The general forms of inchoate liability: they create no offence of their own kind, so,
as in the Western Australian set (../iccs_heldout_penal_en2), they are left out. Chapter
15's specific offences (solicitation of a minor, child grooming) stay."""

NOT_IN_FORCE = {
    "21.06",  # homosexual conduct: declared unconstitutional (Lawrence v. Texas), as the copy notes
    "46.035",  # the copy notes the section was repealed by Acts 2021, ch. 809 (H.B. 1927)
}

CHAPTER = re.compile(r"^CHAPTER (\d+[A-Z]?)\.\s*(.+)$")


def section_key(section: str) -> tuple[int, str]:
    """The Code's order: 20.07 < 20A.01 < 21.01; 15.03 < 15.031 < 15.04; 42.06 < 42.0601."""
    chapter, _, fraction = section.partition(".")
    number = re.match(r"\d+", chapter)
    assert number is not None, section
    return int(number.group()), f"{chapter[number.end() :]}.{fraction}"


def eligible(sections: list[dict[str, object]]) -> list[dict[str, str]]:
    """Offence-creating sections of Titles 4-11 in force, in the Code's order, distinct
    headings only (the first section with a heading is kept; none repeat in this copy)."""
    pool: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in sorted(sections, key=lambda s: section_key(str(s["code"]))):
        code, heading = str(item["code"]), " ".join(str(item["title"]).split())
        match = CHAPTER.match(" ".join(str(item["chapter"]).split()))
        if match is None:
            raise ValueError(f"section {code}: unreadable chapter {item['chapter']!r}")
        if section_key(code)[0] < FIRST_OFFENCE_CHAPTER or code in NOT_IN_FORCE | GENERAL_FORMS:
            continue
        if not CREATES_OFFENCE.search(str(item["statuteText"])) or heading.casefold() in seen:
            continue
        seen.add(heading.casefold())
        pool.append({
            "section": code, "chapter": match.group(1), "chapter_title": match.group(2),
            "text": heading,
        })  # fmt: skip
    return pool


def main(source: Path) -> None:
    sections = json.loads(source.read_text(encoding="utf-8-sig"))
    pool = eligible(sections)
    write_pool_and_sample(HERE, "tpc", pool, SAMPLE_SIZE, section_key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
