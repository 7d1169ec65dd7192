"""Rebuild the eligible pool and the seeded sample of Bharatiya Nyaya Sanhita sections.

Run once, before any labelling:
``python sample_sections.py /path/to/bharatiya-nyaya-sanhita.ts`` (the file
``src/lib/acts/bharatiya-nyaya-sanhita.ts`` of the ``Rooniefantastic/Bare-Act-Reader``
repository at commit ``30009d3``; see PROVENANCE.md). It writes
``bns_offence_sections.csv`` (every section that creates an offence, by the rule below)
and ``bns_sample_sections.csv`` (a seeded random sample of them, to be labelled).

Why this shape: the file is a TypeScript object literal, one ``chapters`` entry per
chapter of the Bharatiya Nyaya Sanhita, 2023 (Act 45 of 2023, which replaced the Indian
Penal Code on 1 July 2024) with ``chapter_number`` (Roman), ``chapter_title`` (capitals, as
the Gazette prints it) and ``sections``, each ``section_number`` and ``section_title`` (the
marginal heading, ending in the Gazette's full stop). It holds headings only (its ``text``
repeats the heading), so the rule below reads headings and the chapter, as the IPC set
(``iccs_heldout_penal_en``) did. The heading is kept as worded, less its final full stop.

The rule for an offence-creating section, fixed before any coder was run on these texts:
1. Chapters V to XIX only (s. 63 to s. 357). Chapters I-III are preliminary, punishments
   and general exceptions; Chapter IV (abetment, conspiracy, the general attempt section)
   states general forms of liability, coded under the offence abetted; Chapter XX is
   repeal and savings.
2. Not one of the sections in ``NOT_OFFENCES``: a heading that defines a term or states a
   liability rule rather than an offence.
Two headings that read like definitions are kept because the Sanhita folds the
punishment into the same section: s. 317 "Stolen property" (sub-sections (2)-(5) punish
receiving and dealing in it, the IPC's ss. 411-414) and s. 345 "Property mark" (its
sub-section (3) punishes using a false property mark, the IPC's s. 482).
The rule reads the source alone, not any model output.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import roman_value, write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
OFFENCE_CHAPTERS = range(5, 20)  # Chapters V to XIX

NOT_OFFENCES = {
    "86",  # "Cruelty defined" (s. 85 punishes cruelty)
    "128",  # "Force" (criminal force is s. 129)
    "167",  # persons subject to certain Acts (who counts as soldier, sailor, airman)
    "169",  # "Candidate, electoral right defined"
    "190",  # every member of an unlawful assembly guilty: constructive liability
    "335",  # making a false document: an element of forgery (s. 336)
}

CHAPTER = re.compile(r'chapter_number: "([IVXL]+)",\s*chapter_title: "([^"]*)"')
SECTION = re.compile(r'section_number: "(\d+[A-Z]*)",\s*section_title: "([^"]*)"')


def _key(section: str) -> tuple[int, str]:
    match = re.fullmatch(r"(\d+)([A-Z]*)", section)
    if match is None:
        raise ValueError(section)
    return int(match.group(1)), match.group(2)


def sections(source: str) -> list[dict[str, str]]:
    """Every section with its chapter number (Arabic) and the chapter's title."""
    rows: list[dict[str, str]] = []
    starts = [(m.start(), m) for m in CHAPTER.finditer(source)]
    for index, (start, match) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(source)
        for section in SECTION.finditer(source, start, end):
            heading = " ".join(section.group(2).split())
            rows.append(
                {
                    "section": section.group(1),
                    "chapter": str(roman_value(match.group(1))),
                    "chapter_title": match.group(2).strip(),
                    "text": heading.removesuffix("."),
                }
            )
    if len(rows) != 358 or [int(r["section"]) for r in rows] != list(range(1, 359)):
        raise ValueError("expected sections 1 to 358 in order")
    return rows


def eligible(source: str) -> list[dict[str, str]]:
    """Offence-creating sections, in the Sanhita's order (the rule above)."""
    pool = [
        row
        for row in sections(source)
        if int(row["chapter"]) in OFFENCE_CHAPTERS and row["section"] not in NOT_OFFENCES
    ]
    headings = [r["text"].casefold() for r in pool]
    if len(set(headings)) != len(headings):
        raise ValueError("two eligible sections share a heading")
    return pool


FIELDS = ["section", "chapter", "chapter_title", "text"]


def main(source: Path) -> None:
    write_pool_and_sample(
        HERE, "bns", eligible(source.read_text(encoding="utf-8")), SAMPLE_SIZE, _key, FIELDS
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
