"""Rebuild the eligible pool and the seeded sample of Philippine Revised Penal Code articles.

Run once, before any labelling::

    python sample_sections.py RPC_Annotated___Book_2.md RPC_Annotated___Book_2___T11_T14.md

(the two Book Two pages of the source, in that order; see PROVENANCE.md). It writes
``rpc_offence_sections.csv`` (every Book Two article that creates an offence or its
penalty, by the rule below) and ``rpc_sample_sections.csv`` (a seeded random sample of
them, to be labelled by hand). The rule reads the Titles, Chapters and article headings
alone, not any model output, so the sample does not depend on how the autocoder does on it.

The source is a Logseq outline of the Act: ``## Title ...``, ``### Chapter ...``, section
headings, and one ``**Art. N.** *Heading.*`` line per article, struck through (``~~``)
where the article or its whole Title or Chapter is repealed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
FIELDS = ["section", "chapter", "chapter_title", "division_title", "text"]

NUMBERS = {
    word: n
    for n, word in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen"],
        start=1,
    )
}  # fmt: skip

ARTICLE = re.compile(r"^\s*- (~~)?\*\*Art(?:icle|\.)\s*(\d+(?:-[A-Z])?)\*?\.?\*\*\.?\s*(.*)$")
OUTLINE = re.compile(r"^\s*- #{2,4} (~~)?(.*?)(?:~~)?(?:\[\^\w+\])?\s*$")
TITLE = re.compile(r"^title (\w+)\s*-\s*(.+)$", re.IGNORECASE)
CHAPTER = re.compile(r"^(\w+) chapter\s*-\s*(.+)$|^chapter (\w+)\s*-\s*(.+)$", re.IGNORECASE)

# Three article headings and one chapter heading are missing from the outline (their
# bodies are there, their heading lines were lost in the export). They are supplied from
# the Act's own text (PROVENANCE.md names the copy they were read from), in place: the
# article they follow, the heading, and the chapter a Title's first article falls under.
MISSING_ARTICLES = {
    "243": [("244", "Unlawful appointments"), ("245", "Abuses against chastity — Penalties")],
}
MISSING_FIRST_ARTICLE = {"Eight": ("246", "Parricide")}
MISSING_CHAPTER = {"Eight": ("One", "DESTRUCTION OF LIFE")}

# Articles of Book Two whose heading names a definition, a presumption, a defence or
# exemption, a procedure, civil liability, a penalty rule for several offences or an
# aggravating rule, or only "Penalty"/"Penalties": no offence of their own.
NOT_OFFENCES = {
    "135",  # penalty for rebellion, insurrection or coup d'etat (two articles' offences)
    "152",  # persons in authority: who shall be deemed as such
    "160",  # another crime during service of sentence (quasi-recidivism, aggravating rule)
    "169",  # how forgery is committed (definition)
    "203",  # who are public officers
    "222",  # officers included in the preceding provisions
    "247",  # death or injuries under exceptional circumstances (an exemption)
    "250",  # penalty for frustrated parricide, murder or homicide (several offences)
    "266-B", "266-C", "266-D",  # rape: penalty (bare heading), effect of pardon, presumptions
    "279",  # additional penalties for other offences
    "284",  # bond for good behaviour
    "296",  # definition of a band and liability of its members
    "301",  # what is an inhabited house (definition)
    "305",  # false keys (definition)
    "309",  # theft: "Penalties" (bare heading)
    "332",  # persons exempt from criminal liability
    "344", "345", "346",  # prosecution; civil liability; liability of ascendants etc.
    "353", "354",  # definition of libel; requirement for publicity (presumption)
    "360", "361",  # persons responsible; proof of the truth
}  # fmt: skip


def article_key(article: str) -> tuple[int, str]:
    """The Code's order: 134 < 134-A < 135; 266 < 266-A < 266-B."""
    number, _, letter = article.partition("-")
    return int(number), letter


def clean(heading: str) -> str:
    """The heading's words: markup, footnote marks and the closing stop removed."""
    heading = re.sub(r"\^\{+.*?\}+|\[\^\w+\]|~~", "", heading)
    heading = re.sub(r"\[\[(.*?)\]\]", r"\1", heading).replace("*", "")
    return " ".join(heading.split()).rstrip(" .;")


def articles(lines: list[str]) -> list[dict[str, str]]:
    """Every Book Two article, with its Title and Chapter, and whether it is repealed."""
    found: list[dict[str, str]] = []
    title = title_name = chapter = chapter_name = ""
    title_struck = chapter_struck = False

    def add(number: str, heading: str, struck: bool) -> None:
        found.append({
            "section": number, "title": title, "chapter": f"{NUMBERS[title.lower()]}."
            f"{NUMBERS[chapter.lower()] if chapter != 'Sole' else 1}",
            "chapter_title": chapter_name, "division_title": title_name, "text": clean(heading),
            "repealed": "yes" if struck or title_struck or chapter_struck else "",
        })  # fmt: skip

    for line in lines:
        if match := ARTICLE.match(line):
            if not chapter and title in MISSING_CHAPTER:
                chapter, chapter_name = MISSING_CHAPTER[title]
                add(*MISSING_FIRST_ARTICLE[title], struck=False)
            add(match.group(2), match.group(3), struck=bool(match.group(1)))
            for number, heading in MISSING_ARTICLES.get(match.group(2), []):
                add(number, heading, struck=False)
        elif match := OUTLINE.match(line):
            struck, words = bool(match.group(1)), " ".join(match.group(2).split())
            if part := TITLE.match(words):
                title, title_name = part.group(1).capitalize(), part.group(2)
                title_struck, chapter, chapter_name, chapter_struck = struck, "", "", False
            elif part := CHAPTER.match(words):
                chapter = (part.group(1) or part.group(3)).capitalize()
                chapter_name, chapter_struck = part.group(2) or part.group(4), struck
            elif words.upper().startswith("FINAL PROVISIONS"):
                break
    return found


def eligible(lines: list[str]) -> list[dict[str, str]]:
    """Offence-creating articles in force, in the Code's order, distinct headings only."""
    pool: list[dict[str, str]] = []
    seen: set[str] = set()
    for row in sorted(articles(lines), key=lambda r: article_key(r["section"])):
        if row["repealed"] or row["section"] in NOT_OFFENCES or row["text"].casefold() in seen:
            continue
        seen.add(row["text"].casefold())
        pool.append({field: row[field] for field in FIELDS})
    return pool


def main(sources: list[Path]) -> None:
    lines = [line for path in sources for line in path.read_text(encoding="utf-8").splitlines()]
    pool = eligible(lines)
    write_pool_and_sample(HERE, "rpc", pool, SAMPLE_SIZE, article_key, FIELDS, noun="articles")


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]])
