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

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import add_titles, write_pool_and_sample

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


def main(source: Path) -> None:
    pool = eligible(json.loads(source.read_text(encoding="utf-8")))
    write_pool_and_sample(HERE, "ipc", pool, SAMPLE_SIZE, _key, FIELDS)
    add_titles(HERE / LABELLED, pool)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
