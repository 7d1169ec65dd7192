"""Rebuild the eligible pool and the seeded sample of Singapore Penal Code 1871 sections.

Run once, before any labelling: ``python sample_sections.py /path/to/pc-1871.json``. It
writes ``sg_offence_sections.csv`` (every section that defines an offence or its
punishment, by the rule below) and ``sg_sample_sections.csv`` (a seeded random sample of
them, to be labelled by hand). The rule is applied to the headings alone, not to any model
output, so the sample does not depend on how the autocoder does on it.

Why this code: the New Zealand Crimes Act 1961 (the first choice) could not be found as a
readable copy with its headings; the Singapore Penal Code is the next candidate that was.
It is a re-enactment of the Indian Penal Code (same numbering, mostly the same headings),
so it is NOT independent of the IPC set: PROVENANCE.md reports the rows whose heading is
also an IPC heading apart.

The copy has no chapter headings, so ``chapter`` and ``chapter_title`` come from
:data:`CHAPTERS` below, by section range (see PROVENANCE.md for how far that is checked).
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

# (first section, chapter, title) of each chapter that creates offences, in order; a
# section belongs to the last chapter whose first section is not after it. Chapters 1-5A
# (introduction, general explanations, punishments, general exceptions, abetment,
# criminal conspiracy) and 23 (attempts) create no offence of their own: general forms
# of liability are coded under the offence aimed at, as in the IPC set.
CHAPTERS: list[tuple[str, str, str]] = [
    ("121", "6", "Offences against the State"),
    ("130B", "6A", "Piracy"),
    ("130D", "6B", "Genocide"),
    ("131", "7", "Offences relating to the Singapore Armed Forces"),
    ("141", "8", "Offences against the public tranquillity"),
    ("161", "9", "Offences by or relating to public servants"),
    ("172", "10", "Contempts of the lawful authority of public servants"),
    ("191", "11", "False evidence and offences against public justice"),
    ("230", "12", "Offences relating to Government stamps"),
    # Chapter 13 (weights and measures, ss. 264-267) has no section left in the copy.
    (
        "267A",
        "14",
        "Offences affecting the public tranquillity, public health, safety, convenience, "
        "decency and morals",
    ),
    ("295", "15", "Offences relating to religion or race"),
    ("299", "16", "Offences affecting the human body"),
    ("378", "17", "Offences against property"),
    ("463", "18", "Offences relating to documents and to trade or property marks"),
    ("490", "19", "Criminal breach of contracts of service"),
    ("493", "20", "Offences relating to marriage"),
    ("499", "21", "Defamation"),
    ("503", "22", "Criminal intimidation, insult and annoyance"),
    ("511", "", ""),  # Chapter 23, attempts: outside the pool
]

# Headings that only define a term (the copy puts the term in curly quotes) or a meaning.
DEFINITION = re.compile(r"^(“|Definition of|Meaning of|Interpretation of)")

# Sections inside the offence chapters whose heading names a definition, a defence, a
# jurisdiction or application rule, a saving or a constructive-liability rule, or only
# "Punishment": no offence of their own (the same kinds the IPC set leaves out).
NOT_OFFENCES = {
    "139",  # saving (persons subject to military law)
    "140B",  # application of Chapter 7 to the Police Force
    "143",  # heading "Punishment" (of unlawful assembly): names no offence
    "149",  # constructive liability of members of an unlawful assembly
    "225C",  # punishment where a written law names none: no offence of its own
    "286",  # presumption of cause of fire: an evidence rule
    "349",  # "Force" (criminal force is s. 350)
    "377BM",  # defences
    "377BN",  # defences
    "377BO",  # offences outside Singapore: jurisdiction
    "377CB",  # consent given under misconception: a definition
    "377D",  # mistake as to age
    "410",  # "Stolen property" defined
    "458A",  # enhanced punishment of repeat house-breaking offences: a penalty rule
    "464",  # making a false document: an element of forgery (s. 463)
}


def _key(section: str) -> tuple[int, str]:
    match = re.fullmatch(r"(\d+)([A-Z]*)", section)
    if match is None:
        raise ValueError(section)
    return int(match.group(1)), match.group(2)


def _chapter(section: str) -> tuple[str, str]:
    """The chapter number and title a section falls under, by :data:`CHAPTERS`."""
    found = ("", "")
    for first, chapter, title in CHAPTERS:
        if _key(first) <= _key(section):
            found = (chapter, title)
    return found


def eligible(code: dict[str, object]) -> list[dict[str, str]]:
    """Offence-creating sections, in the Code's order, with their own headings (whitespace
    collapsed, otherwise as the copy gives them, curly quotes and apostrophes kept)."""
    rows = []
    for item in code["provisions"]:  # type: ignore[attr-defined]
        section = str(item["section"]).strip()
        title = " ".join(str(item["title"]).split()).rstrip(".-").strip()
        chapter, chapter_title = _chapter(section)
        if not chapter or section in NOT_OFFENCES or DEFINITION.match(title):
            continue
        if "Repealed" in title:
            continue
        rows.append(
            {
                "section": section,
                "chapter": chapter,
                "chapter_title": chapter_title,
                "text": title,
            }
        )
    return sorted(rows, key=lambda r: _key(r["section"]))


FIELDS = ["section", "chapter", "chapter_title", "text"]


def main(source: Path) -> None:
    pool = eligible(json.loads(source.read_text(encoding="utf-8")))
    write_pool_and_sample(HERE, "sg", pool, SAMPLE_SIZE, _key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
