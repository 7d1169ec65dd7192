"""Rebuild the eligible pool and the seeded sample of Kazakhstan's Penal Code (2014).

Run once, before any labelling:
``python sample_sections.py kzpc_headings_transcribed.tsv``. It writes
``kzpc_offence_sections.csv`` (every article that creates an offence, by the rule below)
and ``kzpc_sample_sections.csv`` (a seeded random sample of them, to be labelled by hand).

Why a transcription: the source, the official English reference text of the Penal Code of
the Republic of Kazakhstan (Adilet, K1400000226) as saved in the GitHub repository
``IvanchikIvanov/ZkonRf`` (``data/codexes/kz/kz_penal_code.txt``), could be read here only
page by page through the search index, not copied as bytes (no snapshot of the repository
can be fetched). So the Special Part's structure was transcribed by hand, line for line
from those pages, into ``kzpc_headings_transcribed.tsv``: one line per Chapter
(``CHAPTER<TAB>number<TAB>title``, the title's line break joined by one space) and one per
article in the code's order, ``ARTICLE<TAB>number<TAB>heading`` for an article in force or
``EXCLUDED<TAB>number<TAB>heading`` for one the source marks "is excluded by the Law ..."
(the heading, when the source still prints it, kept for the record). The headings keep the
translation's wording and slips ("violation of inviolability of housing", "AFAINST",
"AGAINS", "SERVICEA ND", the full stop after Article 396's heading).

The rule, fixed from the headings alone before any labelling or coder run: an article is
eligible when it stands in the Special Part (Chapters 1-18, Articles 99-466) and is in
force. Every such article defines an offence: the Special Part of this Code holds no
definition, procedure or penalty-only article (its notes sit inside the articles they
qualify), and the General Part (Articles 1-98) and the Final Provisions (Article 467)
create none. Twelve excluded articles are left out.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
FIRST_ARTICLE, LAST_ARTICLE = 99, 466
FIELDS = ["section", "chapter", "chapter_title", "text"]


def _key(section: str) -> tuple[int, str]:
    """Code order: ``108`` before ``108-1`` before ``109``."""
    number, _, suffix = section.partition("-")
    return int(number), suffix.zfill(3)


def articles(text: str) -> list[tuple[str, str, str, str, str]]:
    """Every Special Part article as (kind, number, chapter, chapter title, heading)."""
    rows: list[tuple[str, str, str, str, str]] = []
    chapter = title = ""
    for line in text.splitlines():
        kind, number, words = line.split("\t")
        if kind == "CHAPTER":
            chapter, title = number, words
        elif kind in ("ARTICLE", "EXCLUDED"):
            rows.append((kind, number, chapter, title, words))
        else:
            raise ValueError(f"unknown line kind {kind!r}")
    numbers = sorted({int(r[1].partition("-")[0]) for r in rows})
    if numbers != list(range(FIRST_ARTICLE, LAST_ARTICLE + 1)):
        raise ValueError("the transcription does not cover Articles 99-466")
    if [r[1] for r in rows] != sorted((r[1] for r in rows), key=_key):
        raise ValueError("the transcription is not in the code's order")
    return rows


def eligible(text: str) -> list[dict[str, str]]:
    """Offence-creating articles (in force, Special Part), in the code's order."""
    return [
        {"section": number, "chapter": chapter, "chapter_title": title, "text": heading}
        for kind, number, chapter, title, heading in articles(text)
        if kind == "ARTICLE"
    ]


def main(source: Path) -> None:
    pool = eligible(source.read_text(encoding="utf-8"))
    if len({row["text"].casefold() for row in pool}) != len(pool):
        raise ValueError("two eligible articles have the same heading")
    write_pool_and_sample(HERE, "kzpc", pool, SAMPLE_SIZE, _key, FIELDS, noun="articles")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
