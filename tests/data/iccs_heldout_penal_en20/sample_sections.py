"""Rebuild the eligible pool and the seeded sample of Ukraine's Criminal Code (2001).

Run once, before any labelling:
``python sample_sections.py dimension_Crime.xlsx``. It writes ``uacc_offence_sections.csv``
(every article that creates an offence, by the rule below) and ``uacc_sample_sections.csv``
(a seeded random sample of them, to be labelled by hand).

Why this source: the Criminal Code of Ukraine's article headings in English are held, as a
fact table, in the GitHub repository ``Atttorney/Ukrainian-crime-statistics-2013_2023``
(``DIMENSIONS/dimension_Crime.xlsx``): one row per Special Part article, column A the
Ukrainian heading, column B the article number, column C an English rendering
``Article N. Heading...`` (the dataset author's translation; every English heading ends in
"..." whether or not it was shortened, and a repealed article reads
``{Article N repealed by Law No. ...}``). The workbook is read with the standard library
(an ``.xlsx`` is a zip of XML), so nothing beyond Python is needed.

The headings carry no Section (Розділ) of the Code, so the Section is taken from the
article number: the Code's twenty Sections of the Special Part cover consecutive ranges,
and :data:`SECTIONS` gives each one's first article, checked against the article lists of
the Prosecutor General's 2023 Unified Report (``SOURCE/2023.xlsx`` in the same repository,
Tables 1.2-1.21, one table per Section). The English Section titles are this project's
literal translation of the Ukrainian titles printed in that report (the report has no
English); see PROVENANCE.md.

The rule, fixed from the headings alone before any labelling or coder run: an article is
eligible when it stands in the Special Part (Articles 109-447), is not repealed, and
creates an offence; the one article that does not is Article 401, which defines "military
criminal offence". ``text`` is column C without its leading ``Article N. `` and without the
trailing "..." (and surrounding spaces); everything else is kept as the source words it.
Two pairs of articles carry the same English heading (232-1/232-3 and 435/445); each
heading of such a pair gets `` (Article N)`` appended, so headings stay unique.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import number_coinciding_headings, write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
FIELDS = ["section", "chapter", "chapter_title", "text"]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
NOT_OFFENCES = {"401"}  # "Definition of a military criminal offense"

SECTIONS: list[tuple[int, str, str]] = [
    (109, "I", "Criminal offences against the foundations of national security of Ukraine"),
    (115, "II", "Criminal offences against the life and health of a person"),
    (146, "III", "Criminal offences against the liberty, honour and dignity of a person"),
    (
        152,
        "IV",
        "Criminal offences against the sexual freedom and sexual inviolability of a person",
    ),
    (
        157,
        "V",
        "Criminal offences against the electoral, labour and other personal rights and"
        " freedoms of a person and citizen",
    ),
    (185, "VI", "Criminal offences against property"),
    (199, "VII", "Criminal offences in the sphere of economic activity"),
    (236, "VIII", "Criminal offences against the environment"),
    (255, "IX", "Criminal offences against public safety"),
    (271, "X", "Criminal offences against the safety of production"),
    (276, "XI", "Criminal offences against traffic safety and the operation of transport"),
    (293, "XII", "Criminal offences against public order and morality"),
    (
        305,
        "XIII",
        "Criminal offences in the sphere of circulation of narcotic drugs, psychotropic"
        " substances, their analogues or precursors, and other criminal offences against"
        " public health",
    ),
    (
        328,
        "XIV",
        "Criminal offences in the sphere of protection of state secrets, inviolability of"
        " state borders, ensuring conscription and mobilisation",
    ),
    (
        338,
        "XV",
        "Criminal offences against the authority of state bodies, local self-government"
        " bodies, citizens' associations, and criminal offences against journalists",
    ),
    (
        361,
        "XVI",
        "Criminal offences in the sphere of use of electronic computing machines"
        " (computers), systems and computer networks and telecommunication networks",
    ),
    (
        364,
        "XVII",
        "Criminal offences in the sphere of official activity and professional activity"
        " related to the provision of public services",
    ),
    (371, "XVIII", "Criminal offences against justice"),
    (
        401,
        "XIX",
        "Criminal offences against the established procedure of military service"
        " (military criminal offences)",
    ),
    (
        436,
        "XX",
        "Criminal offences against peace, security of mankind and international legal order",
    ),
]


def _key(section: str) -> tuple[int, str]:
    """Code order: ``110`` before ``110-2`` before ``111``."""
    number, _, suffix = section.partition("-")
    return int(number), suffix.zfill(3)


def _section_of(article: str) -> tuple[str, str]:
    """The Section (number, English title) an article number falls in."""
    number = int(article.partition("-")[0])
    found = [(roman, title) for first, roman, title in SECTIONS if first <= number]
    if not found or number > 447:
        raise ValueError(f"Article {article} is outside the Special Part")
    return found[-1]


def read_rows(source: Path) -> list[tuple[str, str]]:
    """(article number, English cell) of every data row of the workbook's first sheet."""
    # The workbook is one known file (its SHA-256 is in PROVENANCE.md), not untrusted input.
    with zipfile.ZipFile(source) as book:
        strings = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))  # noqa: S314
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314
    shared = [
        "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
        for si in strings.findall("m:si", NS)
    ]
    rows: list[tuple[str, str]] = []
    for row in sheet.iter(f"{{{NS['m']}}}row"):
        cells: dict[str, str] = {}
        for cell in row.findall("m:c", NS):
            value = cell.find("m:v", NS)
            if value is None or value.text is None:
                continue
            text = shared[int(value.text)] if cell.get("t") == "s" else value.text
            cells[re.sub(r"\d", "", cell.get("r", ""))] = text
        if row.get("r") != "1":
            rows.append((cells["B"], cells["C"]))
    return rows


def eligible(source: Path) -> list[dict[str, str]]:
    """Offence-creating articles in force, in the code's order, with their Section."""
    pool: list[dict[str, str]] = []
    for article, english in read_rows(source):
        match = re.fullmatch(r"Article (\d+(?:-\d+)?)\. (.*)", english.strip(), re.S)
        if match is None or match.group(1) != article:
            raise ValueError(f"row for Article {article} reads {english!r}")
        heading = match.group(2)
        if heading.startswith("{") or article in NOT_OFFENCES:
            continue
        if not heading.endswith("..."):
            raise ValueError(f"Article {article}: no trailing '...'")
        chapter, title = _section_of(article)
        text = heading.removesuffix("...").strip()
        pool.append({"section": article, "chapter": chapter, "chapter_title": title, "text": text})
    if [r["section"] for r in pool] != sorted((r["section"] for r in pool), key=_key):
        raise ValueError("the workbook is not in the code's order")
    number_coinciding_headings(pool, "Article")
    return pool


def main(source: Path) -> None:
    pool = eligible(source)
    if len({row["text"].casefold() for row in pool}) != len(pool):
        raise ValueError("two eligible articles have the same heading")
    write_pool_and_sample(HERE, "uacc", pool, SAMPLE_SIZE, _key, FIELDS, noun="articles")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
