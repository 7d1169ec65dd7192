"""Rebuild the eligible pool and the seeded sample of Indian Penal Code sections.

Run once, before any labelling: ``python sample_sections.py /path/to/ipc.json``. It writes
``ipc_offence_sections.csv`` (every section that defines an offence or its punishment, by
the rule below) and ``ipc_sample_sections.csv`` (a seeded random sample of them, to be
labelled by hand). The rule is applied to the headings alone, not to any model output, so
the sample does not depend on how the autocoder does on it.
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


def eligible(sections: list[dict[str, object]]) -> list[dict[str, str]]:
    """Offence-creating sections, in the code's order, with their own headings."""
    rows = []
    for item in sections:
        section = str(item["Section"]).strip()
        title = " ".join(str(item["section_title"]).split()).rstrip(".-").strip()
        chapter = item["chapter"]
        if not isinstance(chapter, int) or chapter not in OFFENCE_CHAPTERS:
            continue
        if section in NOT_OFFENCES or title.startswith("Rep. by"):
            continue
        rows.append({"section": section, "chapter": str(chapter), "text": title})
    return sorted(rows, key=lambda r: _key(r["section"]))


def main(source: Path) -> None:
    pool = eligible(json.loads(source.read_text(encoding="utf-8")))
    sample = random.Random(SEED).sample(pool, min(SAMPLE_SIZE, len(pool)))  # noqa: S311 (a reproducible sample, not a secret)
    sample.sort(key=lambda r: _key(r["section"]))
    for name, rows in (("ipc_offence_sections.csv", pool), ("ipc_sample_sections.csv", sample)):
        with (HERE / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["section", "chapter", "text"])
            writer.writeheader()
            writer.writerows(rows)
    print(f"{len(pool)} eligible sections, {len(sample)} sampled (seed {SEED})")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
