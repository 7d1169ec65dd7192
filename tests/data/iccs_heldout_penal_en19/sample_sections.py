"""Rebuild the eligible pool and the seeded sample of the Swiss Criminal Code of
21 December 1937 (SR 311.0), in the Federal Chancellery's English translation.

Run once, before any labelling: ``python sample_sections.py /path/to/scc-eng-raw.txt``
(the file ``data/raw/scc-eng-raw.txt`` of jakobdambon/LexGPT, a text extraction of the
Fedlex PDF "Status as of 1 July 2024"; PROVENANCE.md gives commit and hash). It writes
``scc_offence_sections.csv`` (every article of Book Two that creates an offence, by the
rule below) and ``scc_sample_sections.csv`` (the seeded sample, to be labelled by hand).

Why a rule for ``text``: the Code's headings are marginal notes, which the extraction
prints line by line (about 17 characters a line) between the "Art. N" line and the
article's body, with no mark where they end. So, read off the layout:

* the notes are the lines after "Art. N" up to the first body line: a line longer than
  20 characters, or one ending in ":", or starting "..." or "Any person" (``BODY``);
* the lines are joined with a space; a line ending in "-" joins the next without space
  and without the hyphen (the PDF's word breaks); after "non" the hyphen is kept
  ("non-installation", ``KEEP_HYPHEN``);
* a note that starts with a group number ("1. Homicide", "3. Other war crimes") or a
  letter ("a. Attacks on ...") is a group heading; the article's own note starts at the
  next line that begins with a capital letter, a proper noun excepted (``PROPER``); when
  the article has no note of its own (the group has one article) the group heading, its
  number or letter dropped, is the text. Art. 264i's group heading is one note of three
  sentences (``ONE_NOTE``), so it is kept whole.

The translation's own wording is kept, slips included; whitespace is collapsed. Two
articles have the same heading ("Bribery", Arts 322ter and 322octies): a heading that
occurs more than once in the pool gets " (Art. N)" appended, so headings are unique.

Which articles create an offence (decided from the source text alone, never from any
model output): an article of Book Two (Art. 111-332) that is not repealed (no notes, or
"..." only) and whose body has a penalty clause ("liable", "custodial sentence",
"monetary penalty", "fine", "penalty"), less the articles listed in ``NOT_OFFENCE``,
read one by one: exemptions and justifications, limitation and prosecution rules, general
provisions and definitions, penalty aggravations or reductions that point to other
articles, scope and jurisdiction rules, liability of undertakings, forfeiture.
Chapter = the Title (its number word as digits, "12bis" etc.), chapter_title its heading.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent

ARTICLE = re.compile(r"^Art\.\s+(\d+[a-z]*)\s*$")
TITLE = re.compile(r"^Title\s+([A-Za-z]+?)(bis|ter|quater)?:\s*(.*)$")
BODY = re.compile(r"^(\d+\.?\s+)?(\.\.\.|Any person)|:$")
GROUP = re.compile(r"^(\d+|[a-z])\.\s+")
KEEP_HYPHEN = ("non-",)
PROPER = (
    "Swiss",
    "Geneva",
    "Article",
    "Articles",
    "Switzerland",
    "Debt",
    "Enforcement",
    "Bankruptcy",
    "Confederation",
)
ONE_NOTE = {"264i"}
PENALTY = re.compile(r"liable|custodial sentence|monetary penalty|\bfine\b|penalty")
WORDS = [
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
    "Twenty",
]
NOT_OFFENCE = {
    "119": "legal abortion: exemption",
    "172ter": "minor offences against property: penalty rule for other articles",
    "176": "general provision: defines utterance for the honour offences",
    "178": "limitation period",
    "179quinquies": "legal recordings: exemption",
    "179octies": "official surveillance: exemption",
    "184": "aggravating circumstances of Art. 183: penalty rule",
    "200": "joint commission: penalty increase for other articles",
    "249": "forfeiture",
    "250": "foreign currency and stamps: extends other articles",
    "255": "official foreign documents: extends other articles",
    "264b": "scope of application of the war-crimes title",
    "264k": "criminal liability of superiors: mode of liability for other articles",
    "264l": "acting on orders: defence",
    "264m": "acts carried out abroad: jurisdiction",
    "264n": "exclusion of relative immunity: procedure",
    "302": "prosecution rule",
    "308": "mitigation of the sentence and exempted acts",
    "309": "extends Arts 306-308 to other proceedings",
    "317bis": "exempted acts",
    "322decies": "general provisions: definitions for the bribery articles",
    "326": "application to legal entities: liability rule for other articles",
    "326bis": "application to legal entities in Art. 325quater cases",
}


def join(lines: list[str]) -> str:
    """Join marginal-note lines, mending the PDF's hyphenated word breaks."""
    out = ""
    for line in lines:
        if out.endswith(KEEP_HYPHEN):
            out += line
        elif out.endswith("-"):
            out = out[:-1] + line
        else:
            out = f"{out} {line}" if out else line
    return " ".join(out.split())


def heading(notes: list[str], section: str) -> str:
    """The article's own note (the module says how it is told from a group heading)."""
    if not notes or not GROUP.match(notes[0]) or section in ONE_NOTE:
        return GROUP.sub("", join(notes), count=1)
    for k in range(1, len(notes)):
        line, previous = notes[k], notes[k - 1]
        if GROUP.match(line) and line[0].isalpha():  # a lettered sub-group: a. b. ...
            return heading(notes[k:], section)
        if line[0].isupper() and not previous.endswith("-") and line.split()[0] not in PROPER:
            return join(notes[k:])
    return GROUP.sub("", join(notes), count=1)


def articles(source: Path) -> list[dict[str, str]]:
    """Every article of Book Two with its Title, its heading and its body."""
    text = source.read_text(encoding="utf-8")
    lines = text[text.index("Book Two: Specific") : text.index("Book Three")].split("\n")
    rows: list[dict[str, str]] = []
    chapter = chapter_title = ""
    k = 0
    while k < len(lines):
        line = lines[k].strip()
        title = TITLE.match(line)
        if title:
            word, suffix, words = title.groups()
            extra: list[str] = []
            while not ARTICLE.match(lines[k + 1 + len(extra)].strip()):
                extra.append(lines[k + 1 + len(extra)].strip())
            chapter = f"{WORDS.index(word) + 1}{suffix or ''}"
            chapter_title = " ".join(" ".join([words, *extra]).split())
            k += 1 + len(extra)
            continue
        found = ARTICLE.match(line)
        if found is None:
            k += 1
            continue
        k += 1
        notes: list[str] = []
        while k < len(lines):
            current = lines[k].strip()
            if ARTICLE.match(current) or TITLE.match(current):
                break
            if len(current) > 20 or BODY.search(current) or not current:
                break
            notes.append(current)
            k += 1
        body: list[str] = []
        while k < len(lines) and not (
            ARTICLE.match(lines[k].strip()) or TITLE.match(lines[k].strip())
        ):
            body.append(lines[k].strip())
            k += 1
        rows.append(
            {
                "section": found.group(1),
                "chapter": chapter,
                "chapter_title": chapter_title,
                "text": heading(notes, found.group(1)),
                "body": " ".join(body),
            }
        )
    return rows


def eligible(source: Path) -> list[dict[str, str]]:
    """Offence-creating articles, in the Code's order (the rule above)."""
    pool: list[dict[str, str]] = []
    for row in articles(source):
        if row["text"] in ("", "...") or row["section"] in NOT_OFFENCE:
            continue
        if not PENALTY.search(row["body"]):
            continue
        pool.append(row)
    return pool


SUFFIXES = [
    "",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "novies",
    "decies",
]


def _key(section: str) -> tuple[int, str]:
    found = re.fullmatch(r"(\d+)([a-z]*)", section)
    if found is None:
        raise ValueError(section)
    return int(found.group(1)), f"{SUFFIXES.index(found.group(2)):03d}"


FIELDS = ["section", "chapter", "chapter_title", "text"]


def main(source: Path) -> None:
    pool = eligible(source)
    seen = Counter(row["text"].casefold() for row in pool)
    for row in pool:
        if seen[row["text"].casefold()] > 1:
            row["text"] = f"{row['text']} (Art. {row['section']})"
    if len({row["text"].casefold() for row in pool}) != len(pool):
        raise ValueError("two eligible articles have the same heading")
    rows = [{field: row[field] for field in FIELDS} for row in pool]
    write_pool_and_sample(HERE, "scc", rows, SAMPLE_SIZE, _key, FIELDS, noun="articles")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
