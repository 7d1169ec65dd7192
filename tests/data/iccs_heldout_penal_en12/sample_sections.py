"""Rebuild the eligible pool and the seeded sample of Rwanda's Penal Code (Law No 68/2018).

Run once, before any labelling:
``python sample_sections.py /path/to/rw_penal_code_2018.txt``. It writes
``rwpc_offence_sections.csv`` (every article that creates an offence, by the rule below)
and ``rwpc_sample_sections.csv`` (a seeded random sample of them, to be labelled by hand).

Why a text extraction of the Gazette and why its table of contents: the source is the
Official Gazette PDF, printed in three columns (Kinyarwanda, English, French) on every
page. ``extract_text`` (below) turns it into plain text with pypdf, page by page; pypdf
gives each page's three columns one after another, so the English column of a page is the
run of lines from the first English heading word (``PART``, ``TITLE``, ``CHAPTER``,
``Section``, ``Subsection``, ``Sub section``, ``Article``, ``LAW``) to the first French
one (``TITRE``, ``CHAPITRE``, ...), or to an ``Article`` line whose number is not above the
last English article read: the French column repeats the same articles. The Law's table
of contents (pages 2-43) gives every article with its heading as the Law words it, under
its Part, Title, Chapter and Section; the body says the same with the article text between.

One slip of the table of contents is mended by rule: it leaves out the heading of Chapter
II of Title One of Part II (before Article 107, in all three languages), which the body
prints as "CHAPTER II: HOMICIDE, ASSAULT OR BATTERY, BODILY HARM AND ABORTION"; it is put
back from the body's words (``MISSING_CHAPTERS``). Headings are joined over their line
breaks, whitespace is collapsed, the misprinted "Article 2826" is read as 286
(``MISPRINTED_NUMBERS``); the Law's own wording and slips are kept. Section and
Subsection headings are read (so that they never join an article's heading) but not kept.

The rule is applied to the headings alone, not to any model output, so the sample does
not depend on how the autocoder does on it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
LAST_ARTICLE = 335
TOC_PAGES = range(2, 44)

PAGE = re.compile(r"<<<PAGE (\d+)>>>\n")
ENGLISH = re.compile(r"^(PART |TITLE |CHAPTER |Section |Subsection |Sub section |Article |LAW N)")
FRENCH = re.compile(
    r"^(PREMI|DEUXI|TROISI|QUATRI|TITRE |CHAPITRE |Sous-section |Section premi|LOI N)"
)
ARTICLE = re.compile(r"^Article\s+(One|\d+)\s*:\s*(.*)$")
HEADING = re.compile(r"^(PART|TITLE|CHAPTER|Section|Subsection|Sub section)\s+(\S+?)\s*:\s*(.*)$")
NUMBERS = {"ONE": "I", "One": "I"}

# The one heading the table of contents leaves out, from the body: (Part, Title) in
# which it opens, the article before which it opens, its number and its words.
MISSING_CHAPTERS = {107: ("II", "HOMICIDE, ASSAULT OR BATTERY, BODILY HARM AND ABORTION")}

# The one misprinted article number of the English table of contents ("Article 2826:
# Definitions", between 285 and 287; the body and the other columns say 286).
MISPRINTED_NUMBERS = {"2826": "286"}

# Part One (general provisions, arts 1-90) creates no offence; nor does Title V of Part II
# (miscellaneous, transitional and final provisions, arts 332-335) nor Chapter One of
# Title IV (general provisions on military offences: classification, penalties, ranks).
NOT_OFFENCE_CHAPTERS = {("II", "IV", "I")}
NOT_OFFENCE_TITLES = {("II", "V")}

# Headings that define a term ("Definition of ...", "Definitions ...") are never offences.
DEFINITION = re.compile(r"^Definitions?\b")

# Articles inside the offence Titles whose heading names a rule of liability, protection,
# prescription, procedure, exemption, mitigation, confiscation or the reach of other laws,
# not an offence (decided from the headings alone).
NOT_OFFENCES = {
    "97",  # persons protected under the Geneva Conventions
    "104",  # genocide and crimes against humanity by private entities (liability of legal persons)
    "105",  # criminal liability of a superior and a subordinate
    "106",  # imprescriptibility of genocide, crimes against humanity and war crimes
    "125",  # exemption from criminal liability for abortion
    "126",  # procedure by which an application for a child to abort is made
    "140",  # prosecution of the offence of concubinage and desertion of the marital home
    "162",  # prosecution for offences (against privacy)
    "167",  # aggravating circumstances (of theft)
    "211",  # non punishable sedition
    "216",  # mitigating circumstances (on offences against State security)
    "220",  # prosecution of offences committed against other countries
    "254",  # non punishable refusal to testify
    "265",  # confiscation of narcotic drugs
    "272",  # confiscation of counterfeit money
    "275",  # confiscation (of counterfeit marks)
    "320",  # application of other laws
    "321",  # military communication system (names the thing the next articles protect)
    "331",  # legal effect of documents
}


def extract_text(pdf: Path) -> str:
    """The Gazette PDF as text, page by page (pypdf, not a dependency of the project:
    run once, ``python -c 'from sample_sections import extract_text ...'``)."""
    from pypdf import PdfReader  # type: ignore[import-not-found,unused-ignore]

    pages = PdfReader(pdf).pages
    return "\n".join(f"<<<PAGE {i + 1}>>>\n" + page.extract_text() for i, page in enumerate(pages))


def _roman(word: str) -> str:
    return NUMBERS.get(word, word)


def english_toc(text: str) -> list[str]:
    """The English column of the table of contents, one line each, blank lines dropped."""
    parts = PAGE.split(text)
    pages = {int(parts[i]): parts[i + 1] for i in range(1, len(parts), 2)}
    kept: list[str] = []
    last = 0
    for number in TOC_PAGES:
        lines = [" ".join(line.split()) for line in pages[number].split("\n")]
        start = next(i for i, line in enumerate(lines) if ENGLISH.match(line))
        for line in lines[start:]:
            if FRENCH.match(line):
                break
            found = ARTICLE.match(line)
            if found:
                printed = MISPRINTED_NUMBERS.get(found.group(1), found.group(1))
                article = 1 if printed == "One" else int(printed)
                if article <= last:
                    break
                last = article
            if line:
                kept.append(line)
    return kept


def entries(text: str) -> list[tuple[str, str, str]]:
    """The table of contents as (kind, number, words) entries, kind ``Article`` or a
    heading word, each heading joined over its line breaks."""
    found: list[list[str]] = []
    for line in english_toc(text)[4:]:  # after the Law's name and "TABLE OF CONTENTS"
        article, heading = ARTICLE.match(line), HEADING.match(line)
        if article:
            number = MISPRINTED_NUMBERS.get(article.group(1), article.group(1))
            found.append(["Article", number, article.group(2)])
        elif heading:
            found.append(list(heading.groups()))
        else:
            found[-1][2] = f"{found[-1][2]} {line}"
    return [(kind, number, " ".join(words.split())) for kind, number, words in found]


def articles(text: str) -> list[dict[str, str]]:
    """Every article of the Law in order, with its Part, Title and Chapter (numbers and
    titles) and its heading, from the table of contents (the module says how)."""
    rows: list[dict[str, str]] = []
    part = title = chapter = title_words = chapter_words = ""
    for kind, number, words in entries(text):
        if kind == "PART":
            part, title, chapter, title_words, chapter_words = _roman(number), "", "", "", ""
        elif kind == "TITLE":
            title, title_words, chapter, chapter_words = _roman(number), words, "", ""
        elif kind == "CHAPTER":
            chapter, chapter_words = _roman(number), words
        elif kind == "Article":
            article = 1 if number == "One" else int(number)
            if article in MISSING_CHAPTERS:
                chapter, chapter_words = MISSING_CHAPTERS[article]
            rows.append(
                {
                    "section": str(article),
                    "part": part,
                    "title": title,
                    "chapter": f"{title}.{chapter}" if chapter else title,
                    "chapter_title": chapter_words or title_words,
                    "division_title": title_words,
                    "text": words,
                }
            )
    if [r["section"] for r in rows] != [str(n) for n in range(1, LAST_ARTICLE + 1)]:
        raise ValueError("the table of contents does not give articles 1-335 in order")
    return rows


def eligible(text: str) -> list[dict[str, str]]:
    """Offence-creating articles, in the Law's order (the rule above)."""
    return [
        row
        for row in articles(text)
        if row["part"] == "II"
        and (row["part"], row["title"]) not in NOT_OFFENCE_TITLES
        and (row["part"], *row["chapter"].split(".")) not in NOT_OFFENCE_CHAPTERS
        and row["section"] not in NOT_OFFENCES
        and not DEFINITION.match(row["text"])
    ]


def _key(section: str) -> tuple[int, str]:
    return int(section), ""


FIELDS = ["section", "chapter", "chapter_title", "division_title", "text"]


def main(source: Path) -> None:
    pool = eligible(source.read_text(encoding="utf-8"))
    if len({row["text"].casefold() for row in pool}) != len(pool):
        raise ValueError("two eligible articles have the same heading")
    rows = [{field: row[field] for field in FIELDS} for row in pool]
    write_pool_and_sample(HERE, "rwpc", rows, SAMPLE_SIZE, _key, FIELDS, noun="articles")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
