"""Rebuild the eligible pool and the seeded sample of Ghana Criminal Offences Act sections.

Run once, before any labelling:
``python sample_sections.py /path/to/act29.json`` (the file ``data/act29.json`` of the
``fredrickclassic5-crypto/CRIMINAL-LAW`` repository at commit ``1055801``; see
PROVENANCE.md). It writes ``coa_offence_sections.csv`` (every section that creates an
offence, by the rule below) and ``coa_sample_sections.csv`` (a seeded random sample of
them, to be labelled).

Why this shape: the file is a JSON list with one record per section of the Criminal
Offences Act, 1960 (Act 29) as amended: ``section`` (number, lettered sections such as
"49A" included), ``title`` (the section's heading, the text we keep) and ``content`` (the
section's words). The Part and Chapter headings are not records of their own: the
consolidation's heading lines were run into the end of the ``content`` of the section
before them ("... commits a misdemeanour. CHAPTER SIX Sexual Offences29(29)"), with
footnote markers and italic cross-headings after them. So the chapters are read from those
run-in headings, and each is checked against the table of Part and Chapter titles below,
which is the Act's own (a heading that does not start with its title stops the script).
The Act's own slips in headings are kept (e.g. "Using houses, in town for drumming").

The rule for an offence-creating section, fixed before any coder was run on these texts:
1. Parts Two to Four only (s. 30 to s. 317A): Part One is general principles (interpretation,
   intent, attempts, abetment, exemptions) and Part Five is repeals and commencement.
2. Not repealed (the content reads "Repealed").
3. Not a definition: a heading beginning "Definition", "Definitions", "Explanation",
   "Special explanation", or reading "Interpretation". (The Act states most crimes twice:
   "Robbery" gives the penalty, "Definition of robbery" says what robbery is; the first is
   kept.)
4. The content (whitespace collapsed) says someone "commits a/an/the criminal offence /
   first or second degree felony / felony / misdemeanour", "commits an act of piracy",
   "commits a treason felony", is "guilty of" something, "is", "are" or "shall be" "liable",
   or "is punishable" (so the justifications of force, provocation, duties and evidence
   rules fall out).
5. Not one of the sections in ``NOT_OFFENCES``, which pass (4) but create no offence of
   their own: a rule of causation, jurisdiction or evidence, a deeming or meaning clause,
   or a penalty for offences that other sections create.
The rule reads the source alone, not any model output.
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
FIRST, LAST = "30", "317A"  # Parts Two to Four

NUMBERS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5, "SIX": 6, "SEVEN": 7}
NUMBERS |= {"EIGHT": 8, "NINE": 9, "TEN": 10}
PARTS = {
    2: "Offences against the Person",
    3: "Offences against Rights of Property",
    4: "Offences against Public Order, Health and Morality",
    5: "Consequential",
}
CHAPTERS = {
    (2, 1): "Justifiable Force and Harm",
    (2, 2): "Murder and Similar Offences",
    (2, 3): "Criminal Harm to the Person",
    (2, 4): "Assault and Similar Offences",
    (2, 5): "Kidnapping, Abduction, and Similar Offences",
    (2, 6): "Sexual Offences",
    (2, 7): "Libel",
    (3, 1): "Offences involving Dishonesty",
    (3, 2): "Forgery",
    (3, 3): "Unlawful Damage",
    (3, 4): "Special Offences",
    (4, 1): "Offences against the Safety of the State",
    (4, 2): "Piracy",
    (4, 3): "Offences against the Peace",
    (4, 4): "Offences concerning the Administration of Justice",
    (4, 5): "Offences relating to Public Officers and to Public Elections",
    (4, 6): "Bigamy and Similar Offences",
    (4, 7): "Offences against Public Morals",
    (4, 8): "Public Nuisance",
    (4, 9): "Offences Relating to Animals",
    (4, 10): "Miscellaneous Offences",
}
HEADING = re.compile(r"\b(PART|CHAPTER) (ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN) ")
DEFINITION = re.compile(r"^(Definitions?\b|Explanation\b|Special explanation\b|Interpretation$)")
CREATES = re.compile(
    r"\bcommits? (a|an|the) (criminal offence|first degree felony|second degree felony"
    r"|felony|misdemeanour)\b|\bcommits (an act of piracy|a treason felony)\b"
    r"|\bguilty of\b|\b(is|are|shall be) liable\b|\bis punishable\b"
)

# Sections that pass rule 4 but create no offence of their own (rule 5).
NOT_OFFENCES = {
    "64",  # causing death: how the causation rules apply to death by harm
    "68",  # jurisdiction where the harm is within and the death outside Ghana
    "82",  # medical treatment: harm in good faith is punished only as negligent harm
    "95",  # special provisions (meanings) for child stealing and abduction
    "113",  # cases in which a person is guilty of libel (what libel is; s. 112 punishes)
    "127",  # stealing of a thing found: when finding is not stealing
    "134",  # personation: what personation means
    "135",  # fictitious trading: when a default in payment is defrauding (s. 131)
    "136",  # distinction between stealing and false pretences
    "147",  # dishonestly receiving: what the offence of s. 146 is
    "148",  # possession of stolen property: a presumption on a receiving charge
    "164",  # special provisions relating to forgery: what forging is
    "179D",  # penalty for the offences that ss. 179A-179C create
    "193",  # piracy: what an act of piracy is (s. 194 punishes it)
}


def _key(section: str) -> tuple[int, str]:
    match = re.fullmatch(r"(\d+)([A-Z]?)", section)
    if match is None:
        raise ValueError(section)
    return int(match.group(1)), match.group(2)


def _clean(text: str) -> str:
    return " ".join(text.split())


def sections(records: list[dict[str, str]]) -> list[dict[str, str]]:
    """Every section with its chapter (``part.chapter``), chapter title and Part title,
    read from the headings run into the content of the section before it."""
    rows: list[dict[str, str]] = []
    part, chapter = 1, 1
    for record in records:
        rows.append(
            {
                "section": record["section"],
                "chapter": f"{part}.{chapter}",
                "chapter_title": CHAPTERS.get((part, chapter), ""),
                "division_title": PARTS.get(part, ""),
                "text": record["title"].strip(),
                "content": _clean(record["content"]),
            }
        )
        content = rows[-1]["content"]
        for match in HEADING.finditer(content):
            kind, number = match.group(1), NUMBERS[match.group(2)]
            rest = content[match.end() :]
            if kind == "PART":
                part, chapter = number, 1
                expected = PARTS[part]
            else:
                chapter = number
                expected = CHAPTERS.get((part, chapter), "")
            if part >= 2 and not rest.startswith(expected):
                raise ValueError(f"{kind} {number} after s. {record['section']}: {rest[:60]!r}")
    return rows


def eligible(records: list[dict[str, str]]) -> list[dict[str, str]]:
    """Offence-creating sections, in the Act's order (the rule above)."""
    rows = sections(records)
    numbers = [r["section"] for r in rows]
    window = rows[numbers.index(FIRST) : numbers.index(LAST) + 1]
    pool = [
        {k: v for k, v in row.items() if k != "content"}
        for row in window
        if not row["content"].startswith("Repealed")
        and not DEFINITION.search(row["text"])
        and CREATES.search(row["content"])
        and row["section"] not in NOT_OFFENCES
    ]
    headings = [r["text"].casefold() for r in pool]
    if len(set(headings)) != len(headings):
        raise ValueError("two eligible sections share a heading")
    return pool


FIELDS = ["section", "chapter", "chapter_title", "division_title", "text"]


def main(source: Path) -> None:
    records = json.loads(source.read_text(encoding="utf-8"))
    write_pool_and_sample(HERE, "coa", eligible(records), SAMPLE_SIZE, _key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
