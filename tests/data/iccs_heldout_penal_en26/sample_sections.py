"""Rebuild the eligible pool and the sample of Japan's Penal Code (Act No. 45 of 1907), in
the Ministry of Justice's English translation (Japanese Law Translation database, law 3581).

Run once, before any labelling: ``python sample_sections.py /path/to/record_0002.json``
(the file ``sources/JP/JLTrans/sample/record_0002.json`` of worldwidelaw/legal-sources, a
JSON record whose ``text`` is the database's bilingual TXT download; PROVENANCE.md gives
commit and hash). It writes ``jppc_offence_sections.csv`` (every article of Part II that
creates an offence, by the rule below) and ``jppc_sample_sections.csv`` (the draw, to be
labelled by hand).

Why this layout: the bilingual text gives each provision as four lines: the Japanese
caption "（窃盗）", the English caption "(Theft)", the Japanese article, the English article
"Article 235  A person who ...". So an article's heading is the English caption two lines
above its English line, without the brackets (the translation's wording and slips kept).
Captions that cover several offences are kept whole ("Habitual Gambling; Running a
Gambling Place for the Purpose of Gain"). The two articles captioned "Preparations; Plots"
(78 and 88) get " (Art. N)" appended, so every heading is unique.

Which articles create an offence (decided from the source text alone, never from any
model output): an article of Part II (Crimes, Articles 77-264) that is not "Deleted", is
not captioned "Attempts" (those articles only extend punishment to attempts of offences
defined in other articles, which are in the pool in their own right), and is not one of
the articles in ``NOT_OFFENCE``, read one by one: exemptions and exculpations,
prosecution-on-complaint rules, confiscation, deeming and extension rules, and the
attribution rule of Article 207. Every article left has a penalty clause (checked).
Part I (General Provisions) creates no offence. Chapter = the Chapter's Roman number as
digits ("XVIII-2" -> "18-2"), chapter_title its heading.

The pool has fewer than 180 articles, so the whole pool is taken (the brief: "if the pool
has fewer than ~180 sections take 100 or all of it"); the draw is still the shared seeded
one, which with the pool's own size returns every article.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import number_coinciding_headings, roman_value, write_pool_and_sample

HERE = Path(__file__).parent

ARTICLE = re.compile(r"^Article (\d+(?:-\d+)?)  (.*)$")
CHAPTER = re.compile(r"^Chapter ([IVXL]+)(-\d+)? (.*)$")
CAPTION = re.compile(r"^\((.+)\)$")
JAPANESE_CAPTION = re.compile(r"^（.+）")  # Article 128's caption line ends "）‐" (a slip)
PENALTY = re.compile(r"punish|imprisonment|fine|dealt with|death penalty|imposed")
NOT_OFFENCE = {
    "80": "Self-Denunciation: exculpation",
    "105": "Special Provision for Crimes by Relatives: exemption",
    "115": "offender's own objects: deeming rule for the arson articles",
    "135": "Offense Subject to Complaint: prosecution rule",
    "170": "Exemption of a Sentence Due to Confession",
    "173": "Reduction of Punishment due to Confessions",
    "197-5": "Confiscation and Collection of a Sum of Equivalent Value",
    "207": "injury by multiple attackers: attribution rule (dealt with as co-principals)",
    "228-2": "Reduction of Punishment in the Case of Release",
    "229": "Offense Subject to Complaint: prosecution rule",
    "230-2": "matters concerning public interest: defence to defamation",
    "232": "Offense Subject to Complaint: prosecution rule",
    "242": "Offender's Own Property: deeming rule",
    "244": "theft against relatives: exculpation and complaint rule",
    "245": "Electricity: deemed property",
    "251": "Application, Mutatis Mutandis",
    "255": "Application, Mutatis Mutandis",
    "257": "crimes against relatives: exculpation",
    "262": "Damage to the Offender's Property: deeming rule",
    "264": "Offense Subject to Complaint: prosecution rule",
}


def articles(source: Path) -> list[dict[str, str]]:
    """Every article of Part II with its Chapter, its English caption and its English body."""
    text = json.loads(source.read_text(encoding="utf-8"))["text"]
    lines = text.split("\r\n")
    lines = lines[lines.index("Part II CRIMES") :]
    rows: list[dict[str, str]] = []
    chapter = chapter_title = ""
    for k, line in enumerate(lines):
        found_chapter = CHAPTER.match(line)
        if found_chapter:
            numeral, branch, chapter_title = found_chapter.groups()
            chapter = f"{roman_value(numeral)}{branch or ''}"
            continue
        found = ARTICLE.match(line)
        if found is None:
            if rows and not JAPANESE_CAPTION.match(line) and line.isascii():
                rows[-1]["body"] += f" {line}"
            continue
        caption = CAPTION.match(lines[k - 2])
        has_caption = caption is not None and JAPANESE_CAPTION.match(lines[k - 3]) is not None
        rows.append(
            {
                "section": found.group(1),
                "chapter": chapter,
                "chapter_title": chapter_title,
                "text": caption.group(1) if caption and has_caption else "",
                "body": found.group(2),
            }
        )
    return rows


def eligible(source: Path) -> list[dict[str, str]]:
    """Offence-creating articles, in the Code's order (the rule above)."""
    pool: list[dict[str, str]] = []
    for row in articles(source):
        if row["body"].startswith("Deleted"):
            continue
        if not row["text"]:
            raise ValueError(f"Article {row['section']} has no caption")
        if row["text"] == "Attempts" or row["section"] in NOT_OFFENCE:
            continue
        if not PENALTY.search(row["body"]):
            raise ValueError(f"Article {row['section']} has no penalty clause")
        pool.append(row)
    return pool


def _key(section: str) -> tuple[int, str]:
    number, _, branch = section.partition("-")
    return int(number), f"{int(branch or 0):03d}"


FIELDS = ["section", "chapter", "chapter_title", "text"]


def main(source: Path) -> None:
    pool = eligible(source)
    number_coinciding_headings(pool, "Art.")
    if len({row["text"].casefold() for row in pool}) != len(pool):
        raise ValueError("two eligible articles have the same heading")
    rows = [{field: row[field] for field in FIELDS} for row in pool]
    write_pool_and_sample(HERE, "jppc", rows, len(rows), _key, FIELDS, noun="articles")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
