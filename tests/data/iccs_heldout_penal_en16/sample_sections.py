"""Rebuild the eligible pool and the seeded sample of Hawaii Penal Code (HRS Title 37)
offence sections.

Run once, before any labelling::

    python sample_sections.py /tmp/usstate/hi

where the folder holds the source's chapter files of Title 37 (``chapter-707-offenses-
against-the-person.json`` ... ``chapter-712-offenses-against-public-health-and-morals.json``)
and its table of contents ``toc.json`` (3.6 MB in all, kept out of the repository; see
PROVENANCE.md for the commit, sizes and SHA-256 of each). It writes
``hpc_offence_sections.csv`` (every offence-creating section of chapters 707 to 712, by the
rule below) and ``hpc_sample_sections.csv`` (a seeded random sample of them, to be labelled
by hand). The rule reads the copy's section texts alone, never any model output, so the
sample does not depend on how the autocoder does on it.

A chapter file is ``{"state", "path", "sections": [...]}``; a section has ``number``
("707-701.5"), ``heading`` (the copy's heading, often with a commentary label run on:
"Murder in the first degree. §707-701 Commentary:") and ``text``: "§707-701.5 Murder in the
second degree.(1) A person commits ...", the body, a history bracket "[L 1986, c 314, §50;
...]" and then commentary, case notes and cross references. A few texts open with cross
references before the section mark. The chapter headings ("707 Offenses Against The
Person") are in ``toc.json``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import first_of_each_heading, write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
FIELDS = ["section", "chapter", "chapter_title", "text"]

OFFENCE_CHAPTERS = range(707, 713)
"""Chapters 701-706 are the general part (preliminary provisions, principles of penal
liability, justification, penal responsibility, the general inchoate crimes of chapter 705:
attempt, solicitation, conspiracy, and sentencing); chapter 713 is repeal and recodification.
The specific offences are chapters 707 (against the person) to 712 (against public health
and morals). The general inchoate forms are left out as in the Western Australian, Texas
and Washington sets."""

CREATES_OFFENCE = re.compile(
    r"\bcommits the offense of\b"
    r"|\b(?:is|shall be) guilty of\b"
    r"|\b(?:it )?shall be unlawful\b"
    r"|\bit is unlawful\b"
    r"|\bis (?:an? )?(?:class [abc] felony|felony|misdemeanor|petty misdemeanor|violation)\b",
    re.IGNORECASE,
)
"""A section creates an offence when its body (the text after its heading and before the
history bracket "[L 1972, c 9, ...]") uses one of the Code's formulas: "A person commits
the offense of burglary in the first degree if ...", "... shall be guilty of a
misdemeanor", "It shall be unlawful for any person to ...", "Unlawful conduct with respect
to documents is a class C felony". This leaves out definitions, valuation, defences, prima
facie evidence, corroboration, forfeiture, nuisance abatement, conditional discharge and
expungement sections (their bodies have no such words; PROVENANCE.md lists them)."""

DEFINITIONAL = re.compile(r"\bdefin", re.IGNORECASE)
"""A section whose heading says it defines ("Terroristic threatening, defined.", "Hindering
prosecution; definition of rendering assistance.") is left out even if its body matches:
the graded offences that use the definition are the offence-creating sections."""

NOT_OFFENCES = {
    "707-768",  # "Firearms, explosives, and dangerous weapons.": "Extortion in any degree is a
    # class A felony when a firearm ... is used": a grade of ss. 707-765 to 707-767's offence
    "712-1254",  # "Bar to prosecution.": "If a violation of this part ... is a violation of a
    # federal law": the words describe other offences
}
"""Sections the formula matches that create no offence of their own."""

BODY_MISSING = {
    "707-730",  # "to 707-738 OLD REPEALED. §707-730 Sexual assault in the first degree."
    "708-891",  # "to 708-893 OLD REPEALED. §708-891 Computer fraud in the first degree."
}
"""Offence sections in force whose body the copy lost (its text is a repeal note for the
old sections of those numbers run into the current section's heading, with nothing after),
kept by their heading: the second and lower degrees of the same offence are in the pool by
the formula, and the heading names a graded offence, not a definition or a rule."""

HISTORY = re.compile(r"\[\s*L\s+\d{4}\b|\[L\b|\nCOMMENTARY ON")
CHAPTER_FILE = re.compile(r"chapter-(\d{3})-[a-z-]+\.json$")
HEADING_END = re.compile(r"\.(?=[(\[\"A-Z]|\s*$|\s*\n)")
SECTION = re.compile(r"^(\d{3})-(\d+)(?:\.(\d+))?$")


def section_key(section: str) -> tuple[int, str]:
    """The Code's order: 707-701 < 707-701.5 < 707-702; 708-839.55 < 708-839.6 (decimal
    fractions); 708-899 < 708-8100 (the four-digit numbers follow the three-digit ones)."""
    match = SECTION.match(section)
    assert match is not None, section
    whole, fraction = match.group(2), match.group(3) or ""
    return int(match.group(1)), f"{len(whole)}{whole}.{fraction}"


def chapter_titles(toc: dict[str, object]) -> dict[str, str]:
    """The headings of Title 37's chapters from the table of contents ("707" -> "Offenses
    Against The Person", the copy's title case)."""
    titles: dict[str, str] = {}

    def walk(node: dict[str, object]) -> None:
        number = str(node.get("number", ""))
        if number.startswith("title-37"):
            for chapter in node["children"]:  # type: ignore[attr-defined]
                code, _, title = " ".join(chapter["heading"].split()).partition(" ")
                titles[code] = title
            return
        for child in node.get("children", []):  # type: ignore[attr-defined]
            walk(child)

    walk(toc)
    return titles


def heading_and_body(section: dict[str, str]) -> tuple[str, str]:
    """The section's heading and body from its text: after the section mark ("§707-701.5",
    "[ §708-871.5]"), the heading runs to the first full stop that a body ("(1)", "[",
    a capital, a quotation mark) or the end follows; the body runs to the history bracket.
    A text with no section mark is a stub for a repealed range ("and 708-8121 REPEALED."):
    its heading is the copy's field and it has no body."""
    number = section["number"]
    mark = re.compile(r"\[?\s*§\s*" + re.escape(number) + r"(?![\d.]*\d)\]?\s*")
    found = mark.search(section["text"])
    if found is None:  # "and 708-8121 REPEALED.": a stub for a repealed range
        return " ".join(section["heading"].split()), ""
    rest = section["text"][found.end() :]
    end = HEADING_END.search(rest)
    if end is None:
        raise ValueError(f"section {number}: no heading end in {rest[:80]!r}")
    heading = " ".join(rest[: end.end()].split())
    body = HISTORY.split(rest[end.end() :], maxsplit=1)[0]
    return heading, body


def read_sections(folder: Path) -> list[tuple[str, str, str, str]]:
    """(number, chapter, heading, body) of every section of chapters 707-712."""
    out: list[tuple[str, str, str, str]] = []
    for path in sorted(folder.glob("chapter-*.json")):
        match = CHAPTER_FILE.search(path.name)
        if match is None or int(match.group(1)) not in OFFENCE_CHAPTERS:
            continue
        for item in json.loads(path.read_text(encoding="utf-8"))["sections"]:
            heading, body = heading_and_body(item)
            out.append((item["number"], match.group(1), heading, body))
    return out


def eligible(folder: Path) -> list[dict[str, str]]:
    """Offence-creating sections of chapters 707-712, in the Code's order, distinct
    headings only (the first section with a heading is kept)."""
    titles = chapter_titles(json.loads((folder / "toc.json").read_text(encoding="utf-8")))
    found: list[dict[str, str]] = []
    for number, chapter, heading, body in read_sections(folder):
        if number in NOT_OFFENCES:
            continue
        offence = bool(CREATES_OFFENCE.search(body)) and not DEFINITIONAL.search(heading)
        if not offence and number not in BODY_MISSING:
            continue
        found.append({
            "section": number, "chapter": chapter, "chapter_title": titles[chapter],
            "text": heading,
        })  # fmt: skip
    return first_of_each_heading(found, section_key)


def main(folder: Path) -> None:
    write_pool_and_sample(HERE, "hpc", eligible(folder), SAMPLE_SIZE, section_key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
