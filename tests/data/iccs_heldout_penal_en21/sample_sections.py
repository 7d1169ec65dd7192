"""Rebuild the eligible pool and the sample of the Maldives Penal Code (2014) offence sections.

Run once, before any labelling::

    python sample_sections.py "/tmp/en21/MALDIVES PENAL CODE 9 2014.txt"

It writes ``mpc_offence_sections.csv`` (every offence-creating section of Part II, by the
rule below) and ``mpc_sample_sections.csv`` (the seeded draw, to be labelled by hand).

Why this source: the Maldives Penal Code of 2014 is a Model-Penal-Code-derived code (drafted
by the University of Pennsylvania's Maldivian codification project) with Islamic offences
(Qazf, Zina, fasting, acts contrary to Islam) added by the Majlis: a family none of the
other sets holds. The only copy found as bytes is an English Markdown text in the GitHub
repository ``dhimarketer/mvlaws`` (``laws/MALDIVES PENAL CODE 9 2014.txt``, 209 kB, kept
out of this repository; commit, size and SHA-256 in PROVENANCE.md). Its layout:
``**PART II: SPECIFIC OFFENCES**``, chapters ``### CHAPTER 110: HOMICIDE``, sections
``**110. Murder**`` followed by the body, and ``### PART III: SENTENCING`` after the last
offence. The copy has no heading for Chapter 520, so Sections 520-524 stand under Chapter
510's heading; they are kept there, as the copy has them.

The rule, fixed from the headings and bodies alone before any labelling or coder run: a
section is eligible when it stands in Part II (Chapters 110-720, between the two headings
above) and creates an offence. Every Part II section does ("A person is guilty of an
offence if ...", "... commits an offence") except the chapters' ``Definitions`` sections,
Section 134 ("General provisions relating to sexual offences": consent, presumptions) and
Section 210 ("Consolidated theft provisions": evidence and grading of Sections 211-216).
The general inchoate offences of Chapter 80 (attempt, solicitation, conspiracy,
possession of instrument of crime) stand in Part I and are left out, as in the Western
Australian, Texas, Washington and Hawaii sets. ``text`` is the section's heading as the copy
words it; ``chapter`` the chapter number, ``chapter_title`` the chapter heading as printed
(upper case). The pool has fewer than 180 sections, so the sample is all of it (the
seeded draw of the whole pool, in code order).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import write_pool_and_sample

SAMPLE_SIZE = 100
HERE = Path(__file__).parent
FIELDS = ["section", "chapter", "chapter_title", "text"]
PART_II = "**PART II: SPECIFIC OFFENCES**"
PART_III = "### PART III: SENTENCING"
CHAPTER = re.compile(r"^### CHAPTER (\d+): (.+?)\s*$")
SECTION = re.compile(r"^\*\*(\d+)\. (.+?)\*\*\s*$")
NOT_OFFENCES = {"134", "210"}
"""Part II sections that create no offence (besides the ``Definitions`` sections)."""


def order(section: str) -> tuple[int, str]:
    """Code order: sections are plain integers."""
    return int(section), ""


def read_pool(source: Path) -> list[dict[str, str]]:
    """Every eligible section of Part II, in code order."""
    lines = source.read_text(encoding="utf-8").splitlines()
    start, end = lines.index(PART_II), lines.index(PART_III)
    pool: list[dict[str, str]] = []
    chapter, title = "", ""
    for line in lines[start:end]:
        if found := CHAPTER.match(line):
            chapter, title = found[1], found[2]
        elif found := SECTION.match(line):
            number, heading = found[1], found[2]
            if heading == "Definitions" or number in NOT_OFFENCES:
                continue
            pool.append(
                {"section": number, "chapter": chapter, "chapter_title": title, "text": heading}
            )
    if len({r["text"].casefold() for r in pool}) != len(pool):
        raise ValueError("two eligible sections share a heading")
    return pool


def main() -> None:
    """Read the source named on the command line and write the two files beside this one."""
    pool = read_pool(Path(sys.argv[1]))
    write_pool_and_sample(HERE, "mpc", pool, SAMPLE_SIZE, order, FIELDS)


if __name__ == "__main__":
    main()
