"""Rebuild the eligible pool and the seeded sample of Washington Criminal Code (RCW Title 9A)
offence sections.

Run once, before any labelling::

    python sample_sections.py /tmp/en9/wa9a

where the folder holds the source's 33 chapter files of Title 9A
(``chapter-chapter-9a-04.json`` ... ``chapter-chapter-9a-98.json``) and its table of
contents ``toc.json`` (2.3 MB in all, kept out of the repository; see PROVENANCE.md for the
commit, sizes and SHA-256 of each). It writes ``rcw_offence_sections.csv`` (every
offence-creating section of chapters 9A.32 to 9A.90, by the rule below) and
``rcw_sample_sections.csv`` (a seeded random sample of them, to be labelled by hand). The
rule reads the copy's section texts alone, never any model output, so the sample does not
depend on how the autocoder does on it.

A chapter file is ``{"state", "path", "sections": [...]}``; a section has ``number``
("9A.52.020 - Burglary in the first degree."), ``heading`` (empty in this copy) and
``text``: "RCW 9A.52.020", the heading, the section's body (given twice, run together and
then by paragraph) and, after a bracket such as "[ 2011 c 336 s 371; ...]", its history and
notes. The chapter headings ("Burglary and trespass.") are only in ``toc.json``.
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

FIRST_OFFENCE_CHAPTER = 32
"""Chapters 9A.04 to 9A.28 are the general part (jurisdiction, principles of liability,
insanity, defences, classification and sentences, and the general inchoate forms of
chapter 9A.28: attempt, solicitation, conspiracy); the specific offences begin with
chapter 9A.32, homicide. The general inchoate forms are left out as in the Western
Australian and Texas sets."""

CREATES_OFFENCE = re.compile(
    r"\b(?:is|shall be) guilty of\b"
    r"|\bcommits the (?:crime|offense) of\b"
    r"|\bit is unlawful for\b"
    r"|\bit is a (?:gross )?misdemeanor\b"
    r"|\bis an? (?:class [abc] felony|gross misdemeanor|misdemeanor)\b",
    re.IGNORECASE,
)
"""A section creates an offence when its body (the text before the history bracket) uses
one of the Code's formulas: "A person is guilty of burglary in the first degree if ...",
"... shall be guilty of making or having burglar tools", "A person commits the crime of
stalking if ...", "It is unlawful for any person to sell or purchase a minor child", "it is
a gross misdemeanor for ...", "Willful violation of a court order ... is a gross
misdemeanor". This leaves out definitions ("Robbery—Definition."), findings, defences,
inferences, evidence and testimony rules, civil actions, forfeiture, registration
procedure, fee and sentencing provisions (their bodies have no such words; PROVENANCE.md
lists them). "found guilty of" and "may be guilty of" do not count."""

NOT_OFFENCES = {
    "9A.36.161",  # "Failing to summon assistance—Penalty.": the grade of s. 9A.36.160's offence
    "9A.50.030",  # "Penalty.": the grade of s. 9A.50.020's offence
    "9A.44.142",  # relief from the duty to register: "a sex offense ... that is a class A felony"
    "9A.52.105",  # an officer removing squatters: "believe that a person is guilty of"
}
"""Sections the formula matches that create no offence of their own: two penalty-only
sections whose offence is the section before, and two whose matching words describe
another offence."""

HISTORY = re.compile(r"\n\n\[ ")
CHAPTER_FILE = re.compile(r"chapter-chapter-9a-(\d+)\.json$")
MAX_FIELD = 48
"""Length at which the copy's ``number`` field cuts a heading."""
SECTION = re.compile(r"^(9A\.(\d+)\.(\d+))$")


def section_key(section: str) -> tuple[int, str]:
    """The Code's order: 9A.36.011 < 9A.36.021; 9A.44.050 < 9A.44.060 (the copy lists
    9A.44.060 before 9A.44.050); section numbers within a chapter are zero-padded."""
    match = SECTION.match(section)
    assert match is not None, section
    return int(match.group(2)), match.group(3)


def chapter_titles(toc: dict[str, object]) -> dict[str, str]:
    """The headings of Title 9A's chapters from the table of contents ("9A.52" -> "Burglary
    and trespass.")."""
    titles: dict[str, str] = {}
    for title in toc["children"]:  # type: ignore[attr-defined]
        if title["number"] != "title-9a":
            continue
        for chapter in title["children"]:
            for entry in chapter["children"]:
                if re.fullmatch(r"9A\.\d+", entry["number"]) and entry["heading"]:
                    titles[entry["number"]] = " ".join(entry["heading"].split())
    return titles


def heading_of(section: dict[str, str]) -> tuple[str, str]:
    """Section number and full heading. The ``number`` field cuts headings at 48 characters
    ("9A.36.080 - Hate crime offense—Definition and criminal penal"), so the heading is
    taken from the text's second paragraph when that paragraph begins with the field's
    heading; the text of a few sections ("Coercion.", "Stalking.", "Bigamy.") has no heading
    paragraph, and there the field's heading, whole (it ends with a full stop), is used."""
    number, _, field = section["number"].partition(" - ")
    field = " ".join(field.split())
    paragraphs = section["text"].split("\n\n")
    if paragraphs[0] != f"RCW {number}":
        raise ValueError(f"section {number}: text begins {paragraphs[0]!r}")
    second = " ".join(paragraphs[1].split())
    if second.startswith(field):
        return number, second
    if field.endswith(".") and len(field) < MAX_FIELD:
        return number, field
    raise ValueError(f"section {number}: no whole heading ({field!r}, {second[:60]!r})")


def eligible(folder: Path) -> list[dict[str, str]]:
    """Offence-creating sections of chapters 9A.32-9A.90, in the Code's order, distinct
    headings only (the first section with a heading is kept; none repeat in this copy)."""
    titles = chapter_titles(json.loads((folder / "toc.json").read_text(encoding="utf-8")))
    found: list[dict[str, str]] = []
    for path in sorted(folder.glob("chapter-chapter-9a-*.json")):
        match = CHAPTER_FILE.search(path.name)
        assert match is not None, path
        if int(match.group(1)) < FIRST_OFFENCE_CHAPTER:
            continue
        for item in json.loads(path.read_text(encoding="utf-8"))["sections"]:
            number, heading = heading_of(item)
            body = HISTORY.split(item["text"], maxsplit=1)[0]
            if number in NOT_OFFENCES or not CREATES_OFFENCE.search(body):
                continue
            chapter = number.rsplit(".", 1)[0]
            found.append({
                "section": number, "chapter": chapter, "chapter_title": titles[chapter],
                "text": heading,
            })  # fmt: skip
    return first_of_each_heading(found, section_key)


def main(folder: Path) -> None:
    write_pool_and_sample(HERE, "rcw", eligible(folder), SAMPLE_SIZE, section_key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
