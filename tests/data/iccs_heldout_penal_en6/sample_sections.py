"""Rebuild the eligible pool and the seeded sample of Nepal's National Penal (Code) Act 2017.

Run once, before any labelling::

    python sample_sections.py penal_code_input.txt pdf-to-text_extraction-without_chunk.json

(the plain-text extraction of the English translation and the same repository's list of
section titles; see PROVENANCE.md). It writes ``npc_offence_sections.csv`` (every
offence-creating section of Parts 2 and 3, by the rule below) and ``npc_sample_sections.csv``
(a seeded random sample of them, to be labelled by hand). The rule reads the Part, Chapter
and section headings alone, not any model output, so the sample does not depend on how the
autocoder does on it.

Why two files: the text extraction is complete but its margin section numbers are often
detached from their headings (``211. 212. Chapter-17`` then the two headings unnumbered),
while the JSON numbers every section but often cuts a heading at the end of its first
printed line. So the JSON gives each section's number and the start of its heading, and
the heading is read whole from the text: from the line that starts with that start, up to
the first colon (the translation ends every heading with one). Chapters come from the text's
``Chapter-N`` lines, in order; the JSON's chapters are not used (it misplaces ss. 76-103).
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
FIELDS = ["section", "chapter", "chapter_title", "division_title", "text"]

# Sections the JSON lacks (its regex lost their headings), with the start of the heading
# as the text prints it, between the same neighbours.
MISSING = {
    38: "Factors aggravating the gravity of offence",
    246: "Prohibition of pickpocketing",
    254: "Compensation",
    255: "Statute of limitation",
}
# Two sections whose JSON title is not the text's: s. 24 repeats s. 22's title, and s. 72
# corrects the text's "tourch". The text's own heading start is used (its slip kept).
WRONG_TITLES = {
    24: "Act done for private defence not considered to be offence",
    72: "Prohibition of holding tourch procession",
}
# Two Chapter heading lines the extraction lost ("Chapter-4", "Chapter-10" of Part 2); their
# titles are there, on the line before the Chapter's first section.
LOST_CHAPTERS = {
    "Offences against Public Justice": "4",
    "Offences Relating to Discrimination and Other Degrading Treatment": "10",
}

PART = re.compile(r"^(?:\d+\.\s*)*Part\s*-\s*(\d)\s*$")
CHAPTER = re.compile(r"^(?:\d+\.\s*)*(?:\([a-z]\)\s*)*Chapter\s*-\s*(\d+)\s*$")
NUMBERS = re.compile(r"^(?:\d+\.\s*)+")

# Not offences: periods of limitation, compensation and forfeiture orders, penalty and
# sentencing rules (incl. "Punishment for X" where a "Prohibition of X" section creates X),
# the abortion exception, and the rules on who is liable (group, accomplice, abettor).
NOT_OFFENCE = re.compile(
    r"^(Statute of limitation|Compensation|Order for compensation|Entitlement to compensation"
    r"|Forfeiture|Property to be returned|Claimed amount to be recovered|Punishment for"
    r"|Sentence for|Additional sentence|Reduction of sentence|When abortion can be made"
    r"|Every member to be considered|Liable to punishment as accomplice|Person who abets)",
    re.IGNORECASE,
)


def squash(text: str) -> str:
    """One space between words, none at the ends."""
    return " ".join(text.split())


def letters(text: str) -> str:
    """Letters and digits only, lower case: the JSON drops or adds spaces at line joins."""
    return re.sub(r"\W", "", text).casefold()


def starts(sections: list[tuple[int, str]], lines: list[str]) -> list[tuple[int, int, str]]:
    """Each section with the line its heading starts on and its whole heading (the first
    30 letters of the JSON's title find the line, searching on from the previous section)."""
    found: list[tuple[int, int, str]] = []
    at = 0
    for number, start in sections:
        prefix = letters(start.split(":")[0])[:30]
        while not letters(NUMBERS.sub("", " ".join(lines[at : at + 2]))).startswith(prefix):
            at += 1
            if at == len(lines):
                raise LookupError(f"section {number}: no line starts {start!r}")
        words = squash(NUMBERS.sub("", " ".join(lines[at : at + 4])))
        heading = words.split(":")[0] if ":" in words[:200] else squash(lines[at])
        found.append((number, at, squash(NUMBERS.sub("", heading)).rstrip(" .")))
        at += 1
    return found


def chapters(lines: list[str]) -> list[tuple[int, str, str, str]]:
    """(line, Part.Chapter, chapter title, Part title) for every Chapter heading."""
    found: list[tuple[int, str, str, str]] = []
    part = part_title = ""
    for at, line in enumerate(lines):
        if match := PART.match(line.strip()):
            part, part_title = match.group(1), squash(lines[at + 1])
            continue
        number = LOST_CHAPTERS.get(squash(line))
        title = squash(line)
        if match := CHAPTER.match(line.strip()):
            number, title = match.group(1), squash(lines[at + 1])
            if title.endswith((",", " and")):  # a title printed on two lines
                title = f"{title} {squash(lines[at + 2])}"
        if number:
            found.append((at, f"{part}.{number}", title, part_title))
    return found


def eligible(text: Path, titles: Path) -> list[dict[str, str]]:
    """Offence-creating sections of Parts 2 and 3, in the Act's order, distinct headings."""
    lines = text.read_text(encoding="utf-8").splitlines()
    listed = {row["section"]: row["section_title"] for row in json.loads(titles.read_text())}
    listed.update(MISSING | WRONG_TITLES)
    heads = chapters(lines)
    pool: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, at, heading in starts(sorted(listed.items()), lines):
        _, chapter, chapter_title, part_title = [h for h in heads if h[0] <= at][-1]
        if chapter.startswith("1.") or NOT_OFFENCE.match(heading):
            continue
        if heading.casefold() in seen:
            continue
        seen.add(heading.casefold())
        pool.append({"section": str(number), "chapter": chapter, "chapter_title": chapter_title,
                     "division_title": part_title, "text": heading})  # fmt: skip
    return pool


def section_key(section: str) -> tuple[int, str]:
    """The Act's order (sections are plain numbers)."""
    return int(section), ""


def main(text: Path, titles: Path) -> None:
    pool = eligible(text, titles)
    write_pool_and_sample(HERE, "npc", pool, SAMPLE_SIZE, section_key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
