"""Rebuild the eligible pool and the seeded sample of Indian Penal Code sections.

Run once, before any labelling: ``python sample_sections.py /path/to/ipc.json``. It writes
``ipc_offence_sections.csv`` (every section that defines an offence or its punishment, by
the rule below) and ``ipc_sample_sections.csv`` (a seeded random sample of them, to be
labelled by hand), and fills the ``chapter_title`` column of the labelled file
``ipc_1860_sample_labelled.csv`` by section, leaving its labels as they are (session 11:
the heading a penal-code table shows beside each section, as context for the coder). The
rule is applied to the headings alone, not to any model output, so the sample does not
depend on how the autocoder does on it.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

SEED = 20261207
SAMPLE_SIZE = 200
HERE = Path(__file__).parent

# Chapters I-IV (introduction, general explanations, punishments, general exceptions),
# V (abetment and criminal conspiracy: general forms of liability, coded under the offence
# abetted) and XXIII (the general attempt section) create no offence of their own.
OFFENCE_CHAPTERS = range(6, 23)

# Sections inside the offence chapters that define a term or a liability rule rather
# than an offence, or whose heading names no offence ("Punishment").
NOT_OFFENCES = {
    "138A",  # application of foregoing sections to the Indian Marine Service
    "139",  # persons subject to certain Acts
    "143",  # heading "Punishment" (of unlawful assembly): names no offence
    "149",  # constructive liability of members of an unlawful assembly
    "171A",  # "candidate", "electoral right" defined
    "216B",  # definition of "harbour"
    "230",  # "coin" defined
    "311",  # heading "Punishment" (of being a thug): names no offence
    "349",  # "force" (criminal force is s. 350)
    "410",  # "stolen property" defined
    "464",  # making a false document: an element of forgery (s. 463)
    "470",  # "forged document" defined
    "478",  # "trade mark" defined
    "479",  # "property mark" defined
}


def _key(section: str) -> tuple[int, str]:
    match = re.fullmatch(r"(\d+)([A-Z]*)", section)
    if match is None:
        raise ValueError(section)
    return int(match.group(1)), match.group(2)


def _title(raw: object) -> str:
    """The source's ``chapter_title`` with whitespace collapsed, otherwise as it is: the
    copy is lower-case and has lost most "of"s ("contempt's the lawful authority public
    servants"), and a coder given context must cope with a table's titles as they come."""
    return " ".join(str(raw).split())


def eligible(sections: list[dict[str, object]]) -> list[dict[str, str]]:
    """Offence-creating sections, in the code's order, with their own headings and the
    title the source files each under (a chapter's, or within chapters IX, XVI-XVIII and
    XX the sub-chapter or sub-heading's: "offences relating to elections", "hurt")."""
    rows = []
    for item in sections:
        section = str(item["Section"]).strip()
        title = " ".join(str(item["section_title"]).split()).rstrip(".-").strip()
        chapter = item["chapter"]
        if not isinstance(chapter, int) or chapter not in OFFENCE_CHAPTERS:
            continue
        if section in NOT_OFFENCES or title.startswith("Rep. by"):
            continue
        rows.append(
            {
                "section": section,
                "chapter": str(chapter),
                "chapter_title": _title(item["chapter_title"]),
                "text": title,
            }
        )
    return sorted(rows, key=lambda r: _key(r["section"]))


FIELDS = ["section", "chapter", "chapter_title", "text"]
LABELLED = "ipc_1860_sample_labelled.csv"


def add_titles(path: Path, pool: list[dict[str, str]]) -> None:
    """Put each labelled row's ``chapter_title`` (from ``pool``, by section) after its
    ``chapter``; every other column is kept as it is, and a row whose chapter or heading
    differs from the pool's is refused (the labels belong to those sections)."""
    by_section = {r["section"]: r for r in pool}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = [f for f in rows[0] if f != "chapter_title"]
    fields.insert(fields.index("chapter") + 1, "chapter_title")
    for row in rows:
        source = by_section[row["section"]]
        if (source["chapter"], source["text"]) != (row["chapter"], row["text"]):
            raise ValueError(f"section {row['section']} differs from the source")
        row["chapter_title"] = source["chapter_title"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def main(source: Path) -> None:
    pool = eligible(json.loads(source.read_text(encoding="utf-8")))
    sample = random.Random(SEED).sample(pool, min(SAMPLE_SIZE, len(pool)))  # noqa: S311 (a reproducible sample, not a secret)
    sample.sort(key=lambda r: _key(r["section"]))
    for name, rows in (("ipc_offence_sections.csv", pool), ("ipc_sample_sections.csv", sample)):
        with (HERE / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
    add_titles(HERE / LABELLED, pool)
    print(f"{len(pool)} eligible sections, {len(sample)} sampled (seed {SEED})")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
