"""Rebuild the eligible pool and the seeded sample of Zambia Penal Code (Cap. 87) sections.

Run once, before any labelling:
``python sample_sections.py /path/to/act-zm-1930-042-penal-code-1930.json`` (the record of
the ``Bilcoguard/zambia-corpus`` repository at commit ``0e408f0``; see PROVENANCE.md). It
writes ``zpc_offence_sections.csv`` (every section that creates an offence, by the rule
below) and ``zpc_sample_sections.csv`` (a seeded random sample of them, to be labelled).

Why this shape: the record is a text extraction of ZambiaLII's PDF of the Code as at
31 December 1996, cut into pieces at every bare section number. Its first 399 pieces are
the Code's table of contents (each heading with its dot leader and page number, with the
Part, Division and Chapter headings between them, and lettered sections such as "103A."
left inside the piece before them); the pieces after are the body (a section's heading on
its first line, then its words, with lettered sections again inside the piece before).
Headings, chapters and divisions are read from the table of contents, where each is one
clean line; the body is read only to apply the rule (does the section's text make anyone
guilty of, or liable to, anything?). Dot leaders, page numbers, roman page numbers and
the PDF's running footers are removed; a heading broken over two lines is joined; the
Code's own slips ("Riotously interferring", "Unlawful wounding on poisoning", "property of
a special character of with special duties") are kept.

The rule for an offence-creating section, fixed before any coder was run on these texts:
1. Part II (Crimes, s. 43 onwards) only: Part I (ss. 1-42) is interpretation, criminal
   responsibility, parties and punishments.
2. Not repealed (heading "***"; Chapter XLI is wholly repealed).
3. Not a definition: a heading beginning "Definition"/"Definitions", ending "defined",
   or reading "Interpretation", "Definition", "Intent to deceive", "Intent to defraud".
4. The body text (whitespace collapsed) says someone is "guilty of" anything, "is", "are"
   or "shall be" "guilty" or "liable", "shall be sentenced", or "commits a felony /
   misdemeanour / offence" (so that duties, presumptions, deeming rules and special cases
   of theft, which create no offence of their own, fall out).
5. Not one of the six sections listed in ``NOT_OFFENCES`` that pass (4) but are a
   penalty for an offence that an earlier section already creates (murder,
   manslaughter, perjury) or a definition, partial defence or procedure rule whose
   words name an offence (malice aforethought, killing on provocation, incest on a
   charge of rape). Powers of search, forfeitures, evidence rules, duties and the
   defamation privileges all fall out by (4).
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
TOC_PIECES = 399  # the table of contents is the record's first 399 pieces (ss. 1-399)
FIRST_CRIME = 43  # Part II - Crimes opens at s. 43

LEADER = re.compile(r"\s*\.{3,}\s*(\d+)?\s*$")
ROMAN_PAGE = re.compile(r"^[ivxl]+$")
FOOTER = re.compile(
    r"^(By Laws\.Africa and contributors\..*|Penal Code, 1930 \(Chapter 87\) Zambia)$"
)
HEAD = re.compile(r"^(Part|Division|Chapter) ([IVXL]+)(?: – (.*))?$")
LETTERED = re.compile(r"^(\d+[A-Z])\. (.*)$")
DEFINITION = re.compile(r"^(Definitions? |Interpretation$|Definition$|Intent to de)|defined$")
CREATES = re.compile(
    r"\bguilty of\b|\b(is|are|shall be) (guilty|liable)\b|\bshall be sentenced\b"
    r"|\bcommits? (a|an|the) (felony|misdemeanour|offence)\b"
)

# Sections that pass rule 4 but create no offence of their own (rule 5).
NOT_OFFENCES = {
    "106",  # punishment of perjury and subornation (s. 104 creates perjury)
    "163",  # conviction of incest lawful on charge of rape (a procedure rule)
    "201",  # punishment for murder (s. 200 creates the offence)
    "202",  # punishment of manslaughter (s. 199 creates it)
    "204",  # malice aforethought (what the intent for murder is)
    "205",  # killing on provocation (a partial defence: murder becomes manslaughter)
}


def _lines(text: str) -> list[str]:
    """The piece's lines without footers, roman page numbers and blank lines."""
    kept = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if line and not ROMAN_PAGE.match(line) and not FOOTER.match(line):
            kept.append(line)
    return kept


def contents(pieces: list[dict[str, str]]) -> list[dict[str, str]]:
    """Every section of the table of contents, in order, with its heading, chapter,
    chapter title and division (lettered sections included)."""
    rows: list[dict[str, str]] = []
    state = {"Part": "", "Division": "", "Chapter": "", "title": "", "division_title": ""}
    pending = ""
    current: dict[str, str] | None = None
    for piece in pieces[:TOC_PIECES]:
        lines = _lines(piece["text"])
        lines[0] = f"{piece['number']}. {lines[0]}"
        for line in lines:
            if line.startswith("Schedule (Section"):
                return rows
            text = LEADER.sub("", pending + line) if LEADER.search(line) else None
            if text is None:  # a heading broken over two lines
                pending += line + " "
                continue
            pending = ""
            head = HEAD.match(text)
            numbered = re.match(r"^(\d+[A-Z]?)\. (.*)$", text)
            if head:
                state[head.group(1)] = head.group(2)
                if head.group(1) == "Chapter":
                    state["title"] = head.group(3) or ""
                elif head.group(1) == "Division":
                    state["division_title"] = head.group(3) or ""
            elif numbered:
                current = {
                    "section": numbered.group(1),
                    "chapter": state["Chapter"],
                    "chapter_title": state["title"],
                    "division_title": state["division_title"],
                    "text": numbered.group(2).strip(),
                }
                rows.append(current)
            else:
                raise ValueError(f"unparsed contents line: {text!r}")
    return rows


def bodies(pieces: list[dict[str, str]]) -> dict[str, str]:
    """Each section's body text by number (lettered sections split out of their piece)."""
    found: dict[str, str] = {}
    for piece in pieces[TOC_PIECES:]:
        if piece["number"] in found:  # the schedules restart the numbering
            break
        number, kept = piece["number"], []
        for line in _lines(piece["text"]):
            lettered = LETTERED.match(line)
            if lettered:
                found[number] = "\n".join(kept)
                number, kept = lettered.group(1), []
            kept.append(line)
        found[number] = "\n".join(kept)
    return found


def _key(section: str) -> tuple[int, str]:
    match = re.fullmatch(r"(\d+)([A-Z]?)", section)
    if match is None:
        raise ValueError(section)
    return int(match.group(1)), match.group(2)


def eligible(pieces: list[dict[str, str]]) -> list[dict[str, str]]:
    """Offence-creating sections, in the Code's order (the rule above)."""
    body = bodies(pieces)
    return [
        row
        for row in contents(pieces)
        if _key(row["section"])[0] >= FIRST_CRIME
        and row["text"] != "***"
        and not DEFINITION.search(row["text"])
        and CREATES.search(" ".join(body[row["section"]].split()))
        and row["section"] not in NOT_OFFENCES
    ]


FIELDS = ["section", "chapter", "chapter_title", "division_title", "text"]


def main(source: Path) -> None:
    pieces = json.loads(source.read_text(encoding="utf-8"))["sections"]
    write_pool_and_sample(HERE, "zpc", eligible(pieces), SAMPLE_SIZE, _key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
