"""Rebuild the eligible pool and the seeded sample of United States Code Title 18, Part I
(federal crimes) offence sections.

Run once, before any labelling::

    python sample_sections.py /tmp/usfed/chuncks/title-18

where the folder holds the source's 2,301 Markdown chunk files of Title 18
(``chunck-0.md`` ... ``chunck-2300.md``, 3.0 MB in all, kept out of the repository; see
PROVENANCE.md for the commit, the git tree and a SHA-256 over them). It writes
``usc18_offence_sections.csv`` (every offence-creating section of Part I, chapters 2 to
123, by the rule below) and ``usc18_sample_sections.csv`` (a seeded random sample of them,
to be labelled by hand). The rule reads the copy's headings and section texts alone, never
any model output, so the sample does not depend on how the autocoder does on it.

A chunk file begins "# Title 18— CRIMES AND CRIMINAL PROCEDURE", then "### CHAPTER 51—
HOMICIDE", then "#### § 1111. Murder" (the section sign is followed by a narrow no-break
space), then a piece of the section's text; a long section is cut into several chunks in a
row, each repeating the three heading lines (and a "######" subsection heading).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import first_of_each_heading, write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
FIELDS = ["section", "chapter", "chapter_title", "text"]

CHAPTER_LINE = re.compile(r"^### CHAPTER (\d+)([A-Z]?)\u2014\s*(.+?)\s*$", re.MULTILINE)
SECTION_LINE = re.compile(r"^#### \u00a7\s*(\d+)([A-Za-z\-]*)\.\s+(.+?)\s*$", re.MULTILINE)
CHUNK_FILE = re.compile(r"chunck-(\d+)\.md$")

FIRST_CHAPTER, LAST_CHAPTER = 2, 123
"""Part I (Crimes) is chapters 1 to 123; Part II (chapter 201 on) is criminal procedure,
Part III prisons, Part IV youthful offenders, Part V immunity of witnesses. Chapter 1,
"General provisions", is the general part (definitions, principals, accessories, the
insanity defence, assimilated State laws) and is left out as the other sets' general parts
are."""

CREATES_OFFENCE = re.compile(
    r"\bbe (?:fined|imprisoned|punished|sentenced)\b"
    r"|\bsubject to (?:the )?(?:same )?(?:penalties|punishment)\b"
    r"|\bis guilty of\b"
    r"|\bit (?:shall be|is) unlawful\b"
    r"|\bpunished as provided in\b",
    re.IGNORECASE,
)
"""A section creates an offence when its text uses one of the Code's formulas: "Whoever ...
shall be fined under this title or imprisoned not more than five years, or both" (also
"shall, if the custody ... is by virtue of an arrest ..., be fined" and "shall— (1) be
fined"), "... shall be punished by death or by imprisonment for life", "shall be subject to
the penalties set forth in section 216", "It shall be unlawful for any person ...", "...
shall be punished as provided in subsection (b)", "is guilty of a misdemeanor".
Definitions, reports, regulations, civil remedies, rewards and authorisations have no such
words."""

NOT_AN_OFFENCE_HEADING = re.compile(
    r"\bdefin(?:ed|ition|itions)\b"
    r"|^(?!.*; penalties$).*\bpenalt(?:y|ies)\b"
    r"|\bforfeit"
    r"|\bvenue\b"
    r"|\bexceptions?\b"
    r"|\bexemptions?\b"
    r"|\bapplicability\b"
    r"|\bconstruction\b"
    r"|\bprocedure\b"
    r"|^general provisions$"
    r"|\balternative imprisonment\b"
    r"|\bcivil (?:remed(?:y|ies)|actions?|proceedings?|injunctions?)\b"
    r"|\binjunctions?\b"
    r"|\brepeat offenders\b"
    r"|\brestitution\b"
    r"|\bpresumptions?\b"
    r"|\bremed(?:y|ies)\b"
    r"|\blimitations?\b"
    r"|\bassessments?\b"
    r"|\b(?:repealed|omitted|transferred|renumbered|reserved)\b",
    re.IGNORECASE,
)
"""A heading that names a definition ("Definitions", "Petty offense defined"), a penalty only
("Penalty when death results", "Penalties", "Criminal penalties", "Enhanced penalties";
a heading ending "; penalties" names an offence and its penalty and stays), forfeiture,
venue, exceptions and exemptions, applicability or construction, a procedure, a chapter's
"General provisions" (attempt, conspiracy and forfeiture for the chapter's offences), an
alternative maximum, civil remedies or injunctions, repeat offenders, restitution,
presumptions, limitations, assessments, or a repealed, omitted, transferred, renumbered or
reserved section marks a section that creates no offence of its own, even where its text
repeats a penalty formula ("... shall be imprisoned for any term of years or for life" in
s. 34). Jurisdiction is not such a word here: "Arson within special maritime and
territorial jurisdiction" is an offence, the federal element being where it is done."""

GENERAL_FORMS = {
    "371",  # conspiracy to commit any offense against, or to defraud, the United States
    "373",  # solicitation to commit any crime of violence
}
"""The general forms of inchoate liability in chapter 19: they create no offence of their
own kind, so, as in the Western Australian, Texas and Washington sets, they are left out.
Chapter 19's specific conspiracy (s. 372, to impede or injure an officer) stays."""


def section_key(section: str) -> tuple[int, str]:
    """The Code's order: 1028 < 1028A < 1029; 2252 < 2252A < 2252B (numbers with a letter
    suffix follow the plain number)."""
    match = re.fullmatch(r"(\d+)([A-Za-z\-]*)", section)
    assert match is not None, section
    return int(match.group(1)), match.group(2)


def chunk_number(path: Path) -> int:
    """The chunk's place in the title (``chunck-687.md`` -> 687); the names do not sort as
    text."""
    match = CHUNK_FILE.search(path.name)
    assert match is not None, path
    return int(match.group(1))


def read_sections(folder: Path) -> list[dict[str, str]]:
    """Every section of chapters 2-123 in chunk order: number, chapter, chapter heading,
    section heading and the section's text (its chunks joined)."""
    paths = sorted(folder.glob("chunck-*.md"), key=chunk_number)
    sections: dict[str, dict[str, str]] = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        chapter = CHAPTER_LINE.search(text)
        section = SECTION_LINE.search(text)
        if chapter is None or section is None:
            continue  # the title's opening page, and one bracketed repealed section
        if not FIRST_CHAPTER <= int(chapter.group(1)) <= LAST_CHAPTER:
            continue
        number = section.group(1) + section.group(2)
        body = text[section.end() :]
        if number in sections:
            sections[number]["body"] += "\n" + body
            continue
        sections[number] = {
            "section": number,
            "chapter": chapter.group(1) + chapter.group(2),
            "chapter_title": " ".join(chapter.group(3).split()),
            "text": " ".join(section.group(3).split()),
            "body": body,
        }
    return list(sections.values())


def eligible(folder: Path) -> list[dict[str, str]]:
    """Offence-creating sections of Part I chapters 2-123, in the Code's order, distinct
    headings only (a heading met again is dropped, the first section keeping it; PROVENANCE
    lists the ones dropped)."""
    found = [
        {k: s[k] for k in FIELDS}
        for s in read_sections(folder)
        if CREATES_OFFENCE.search(s["body"])
        and not NOT_AN_OFFENCE_HEADING.search(s["text"])
        and s["section"] not in GENERAL_FORMS
    ]
    return first_of_each_heading(found, section_key)


def main(folder: Path) -> None:
    write_pool_and_sample(HERE, "usc18", eligible(folder), SAMPLE_SIZE, section_key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
