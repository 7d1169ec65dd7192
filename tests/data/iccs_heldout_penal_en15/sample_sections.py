"""Rebuild the eligible pool and the seeded sample of the Criminal Code of the Republic of
China (Taiwan), in the Ministry of Justice's official English translation.

Run once, before any labelling: ``python sample_sections.py /path/to/C0000001.json``
(the file ``Eng_FalVMingLing/C0000001.json`` of kong0107/mojLawSplitJSON, a JSON
rendering of the MOJ Laws and Regulations Database; PROVENANCE.md gives commit and hash).
It writes ``twcc_offence_sections.csv`` (every article that creates an offence, by the
rule below) and ``twcc_sample_sections.csv`` (the seeded sample, to be labelled by hand).

Why a rule for ``text``: the Code's articles carry no headings (neither in Chinese nor in
English); an article is only its number and its paragraphs. The one place an article names
its offence is its first paragraph, which nearly always reads "A person who <conduct>
shall be sentenced to ...". So ``text`` is the first paragraph cut before its penalty
clause (its first " shall be ..." or " shall punish", or a slip of them, see ``PENALTY``),
with a trailing " and" or comma dropped: "A person who <conduct>" (or "A public official
who ...", "... commits larceny"). The translation's own wording and slips (spelling,
grammar) are kept; whitespace is collapsed.

Which articles create an offence (decided from the first paragraph alone, never from any
model output): an article of Part 2 (Specific Offenses), not "(Deleted)", whose first
paragraph has a penalty clause (``PENALTY``), that does not merely reduce, remit or lift a
punishment (``NOT_PENALTY``), and whose conduct does not name the offence only by cross-
reference to another article, paragraph or chapter (``CROSS_REFERENCE``: "specified in",
"preceding", "Article ...": aggravations by relationship, harbouring by officials,
attempts and confessions; the offence they point to is in the pool in its own right).
Part 1 (General Provisions) creates no offence. Prosecution-on-complaint, confiscation and
definition articles have no penalty clause and so fall out by the rule.
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

HEADING = re.compile(r"^(Part|Chapter)\s+(\d+(?:-\d+)?)\s+(.*)$")
ARTICLE = re.compile(r"^Article\s+(\d+(?:-\d+)?)$")
# The penalty clause, with the translation's three slips in it read as such: "hall be
# sentenced" (Article 352), "shall besentenced" (112) and "will be sentenced" (342).
PENALTY = re.compile(r"\b(s?hall|will) (be ?sentenced|be punished|be fined|punish|be subject to)")
NOT_PENALTY = re.compile(r"reduced|remitted|shall not be punished")
CROSS_REFERENCE = re.compile(
    r"specified in|prescribed in|set forth in|provided for in|preceding|\bArticles? \d"
)
SHALL = re.compile(r"\s+(?:s?hall|will) (?=be|punish)")
TRAILING = re.compile(r"(,|\s+and)\s*$")


def articles(source: Path) -> list[dict[str, str]]:
    """Every article with its Part, its Chapter (number and title) and its first paragraph."""
    data = json.loads(source.read_text(encoding="utf-8"))
    rows: list[dict[str, str]] = []
    part = chapter = chapter_title = ""
    for entry in data["法規內容"]:
        if "編章節" in entry:
            found = HEADING.match(" ".join(entry["編章節"].split()))
            if found is None:
                raise ValueError(f"unread heading {entry['編章節']!r}")
            kind, number, words = found.groups()
            if kind == "Part":
                part, chapter, chapter_title = number, "", ""
            else:
                chapter, chapter_title = number, words
            continue
        number_match = ARTICLE.match(" ".join(entry["條號"].split()))
        if number_match is None:
            raise ValueError(f"unread article number {entry['條號']!r}")
        first = " ".join(entry["條文內容"].split("\r\n")[0].split())
        rows.append(
            {
                "section": number_match.group(1),
                "part": part,
                "chapter": chapter,
                "chapter_title": chapter_title,
                "first": first,
            }
        )
    return rows


def conduct(first: str) -> str:
    """The first paragraph up to its penalty clause (the module says why)."""
    head = SHALL.split(first, maxsplit=1)[0]
    return TRAILING.sub("", head).strip()


def eligible(source: Path) -> list[dict[str, str]]:
    """Offence-creating articles, in the Code's order, with ``text`` (the rule above)."""
    pool: list[dict[str, str]] = []
    for row in articles(source):
        first = row["first"]
        if row["part"] != "2" or first == "(Deleted)":
            continue
        if not PENALTY.search(first) or NOT_PENALTY.search(first):
            continue
        text = conduct(first)
        if CROSS_REFERENCE.search(text):
            continue
        pool.append({**row, "text": text})
    return pool


def _key(section: str) -> tuple[int, str]:
    main, _, sub = section.partition("-")
    return int(main), f"{int(sub):03d}" if sub else ""


FIELDS = ["section", "chapter", "chapter_title", "text"]


def main(source: Path) -> None:
    pool = eligible(source)
    if len({row["text"].casefold() for row in pool}) != len(pool):
        raise ValueError("two eligible articles have the same text")
    rows = [{field: row[field] for field in FIELDS} for row in pool]
    write_pool_and_sample(HERE, "twcc", rows, SAMPLE_SIZE, _key, FIELDS, noun="articles")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
