"""Rebuild the eligible pool and the seeded sample of Virginia Code Title 18.2 ("Crimes and
Offenses Generally") offence sections.

Run once, before any labelling::

    python sample_sections.py /tmp/usst2/va

where the folder holds the source's thirteen chapter files of Title 18.2
(``chapter-chapter-1-in-general.json`` ... ``chapter-chapter-13-virginia-racketeer-
influenced-and-corrupt-organiz.json``; 1.5 MB in all, kept out of the repository; see
PROVENANCE.md for the commit, sizes and SHA-256 of each). It writes
``vac_offence_sections.csv`` (every offence-creating section of chapters 4 to 13, by the
rule below) and ``vac_sample_sections.csv`` (a seeded random sample of them, to be labelled
by hand). The rule reads the copy's headings and section texts alone, never any model
output, so the sample does not depend on how the autocoder does on it.

A chapter file is ``{"state", "path", "sections": [...]}``; a section has ``number``
("18.2-152.3:1.", final full stop included), ``heading`` ("Transmission of unsolicited
commercial electronic mail (spam); penalty") and ``text`` (the body, then the history line
"Code 1950, § 18.1-77; ..."). An article's own heading is an entry of the same list whose
number is the article's ("1.", "7.1.") and whose heading often has the next section's
number run on ("Arson and Related Crimes§ 18.2-77"): it is read as the division title of
the sections after it, cut at the "§".
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
FIELDS = ["section", "chapter", "chapter_title", "text", "division_title"]

CHAPTER_TITLES = {
    4: "Crimes Against the Person",
    5: "Crimes Against Property",
    6: "Crimes Involving Fraud",
    7: "Crimes Involving Health and Safety",
    8: "Crimes Involving Morals and Decency",
    9: "Crimes Against Peace and Order",
    10: "Crimes Against the Administration of Justice",
    11: "Offenses Against the Sovereignty of the Commonwealth",
    12: "Miscellaneous",
    13: "Virginia Racketeer Influenced and Corrupt Organization Act",
}
"""The offence chapters and their headings. Chapters 1-3 are the general part (in general:
classification, definitions, punishment; principals and accessories; the general inchoate
offences, attempt and conspiracy), left out as in the other US sets. The copy has no table
of contents (its ``toc.json`` is empty), and its file names cut the longer headings
("...-of-the-commonwea"), so the headings are written here and checked against the file
names (:func:`chapter_of`)."""

CREATES_OFFENCE = re.compile(
    r"\bguilty of\b|\bshall be punished\b|\bis punishable\b|\bshall be unlawful\b"
    r"|\bit is unlawful\b|\bunlawful for any person\b|\bClass \d (?:felony|misdemeanor)\b"
    r"|\bshall (?:likewise )?constitute\b|\bno person shall\b",
    re.IGNORECASE,
)
"""A section creates an offence when its text uses one of the Code's formulas: "... is
guilty of a Class 1 misdemeanor", "shall be deemed guilty of larceny", "It shall be
unlawful for any person to ...", "is punishable as a Class 5 felony", "shall constitute
and be punished as a Class 1 misdemeanor", "No person shall ..." (the penalty then in a
later section of the article). Repealed, reserved and not-in-effect stubs have no such
words. The formulas also occur in definitions, procedure and sentencing sections; those
are taken out by :data:`NOT_OFFENCE_HEADING` and :data:`NOT_OFFENCES`."""

NOT_OFFENCE_HEADING = re.compile(
    r"^definitions?\b|\bdefined$|^venue\b|^immunity\b|^exceptions? to\b|^exemptions?\b"
    r"|^what article\b|\bcivil relief\b|^enjoin",
    re.IGNORECASE,
)
"""Headings that say the section defines ("Definitions", '"Lynching" defined'; a heading
that defines and punishes, "Grand larceny defined; how punished", is kept), sets venue,
grants immunity, makes exceptions or exemptions, limits an article or gives civil relief
or an injunction."""

NOT_OFFENCES = {
    # procedure, evidence, sentencing and treatment
    "18.2-46.10", "18.2-50.2", "18.2-54", "18.2-57.3", "18.2-57.4", "18.2-61.1",
    "18.2-251.01", "18.2-251.1", "18.2-252", "18.2-254", "18.2-262", "18.2-267",
    "18.2-268.5", "18.2-270.2", "18.2-271.1", "18.2-271.2", "18.2-455",
    # permits and licensing (the offences of those articles are in other sections)
    "18.2-308.02", "18.2-308.09", "18.2-340.34", "18.2-340.34:1", "18.2-340.34:2",
    # penalty only: the punishment of offences created by other sections
    "18.2-199", "18.2-232", "18.2-246", "18.2-246.13", "18.2-261", "18.2-270",
    "18.2-340.37", "18.2-380", "18.2-381", "18.2-449", "18.2-490", "18.2-496", "18.2-508",
    "18.2-515",
    # only raises the punishment of another offence (repeat conviction, place, means)
    "18.2-46.3:1", "18.2-46.3:3", "18.2-67.5:1", "18.2-311.2", "18.2-376.1",
    # a civil penalty only
    "18.2-287.5",
}  # fmt: skip
"""Sections the formulas match that create no offence of their own, by reading each
formula-matched section whose heading is not plainly an offence (the formula is in a
proviso, a reference to "the person guilty of the offense", a definition of a term used by
the article's offences, a court's powers, a licence's conditions, or a penalty table)."""

CHAPTER_FILE = re.compile(r"chapter-chapter-(\d+)-([a-z-]+)\.json$")
SECTION = re.compile(r"^18\.2-\d")


def chapter_of(path: Path) -> int | None:
    """The chapter number of an offence chapter's file, None for chapters 1-3; the file
    name's slug must begin the slug of the heading in :data:`CHAPTER_TITLES`."""
    match = CHAPTER_FILE.search(path.name)
    assert match is not None, path.name
    chapter = int(match.group(1))
    if chapter not in CHAPTER_TITLES:
        return None
    slug = re.sub(r"[^a-z]+", "-", CHAPTER_TITLES[chapter].lower()).strip("-")
    assert slug.startswith(match.group(2)), (path.name, slug)
    return chapter


def eligible(folder: Path) -> tuple[list[dict[str, str]], dict[str, int]]:
    """Offence-creating sections of chapters 4-13, in the copy's order (the Code's, but
    for a few sections the copy lists out of place, e.g. 18.2-251.03 before 18.2-251.02),
    distinct headings only (the first section with a heading is kept); with each kept
    section's place in that order."""
    found: list[dict[str, str]] = []
    for path in sorted(folder.glob("chapter-chapter-*.json"), key=lambda p: chapter_of(p) or 0):
        chapter = chapter_of(path)
        if chapter is None:
            continue
        division = ""
        for item in json.loads(path.read_text(encoding="utf-8"))["sections"]:
            heading = " ".join(item["heading"].split())
            if not SECTION.match(item["number"]):  # an article's heading
                division = re.sub(r"^[\d.:]+ ", "", heading.split("§")[0].strip())
                continue
            number = item["number"].rstrip(".")
            if number in NOT_OFFENCES or NOT_OFFENCE_HEADING.search(heading):
                continue
            if not CREATES_OFFENCE.search(item["text"]):
                continue
            found.append({
                "section": number, "chapter": str(chapter),
                "chapter_title": CHAPTER_TITLES[chapter], "text": heading,
                "division_title": division,
            })  # fmt: skip
    pool: list[dict[str, str]] = []
    seen: set[str] = set()
    for row in found:
        if row["text"].casefold() not in seen:
            seen.add(row["text"].casefold())
            pool.append(row)
    return pool, {row["section"]: place for place, row in enumerate(pool)}


def main(folder: Path) -> None:
    pool, place = eligible(folder)
    write_pool_and_sample(HERE, "vac", pool, SAMPLE_SIZE, lambda s: (place[s], s), FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
