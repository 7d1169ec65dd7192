"""Draw the blind second labeller's sample: 50 rows from each of four held-out penal samples.

Run once, before any labelling::

    python tests/data/iccs_second_labeller/draw.py

It reads only the four *unlabelled* sample files (never the ``*_labelled.csv`` files, so
the draw cannot depend on the first labeller's codes) and writes ``second_sample.csv``
(set, section, chapter_title, text). One ``random.Random(SEED)`` draws the sets in the
order of ``SETS``; each set's 50 rows keep their order in the sample file, so the draw is
reproducible and the test can rebuild it.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import NamedTuple

SEED = 20261208
PER_SET = 50
HERE = Path(__file__).resolve().parent
DATA = HERE.parent
FIELDS = ["set", "section", "chapter_title", "text"]


class SampleSet(NamedTuple):
    """A held-out set: its short name and its unlabelled sample file."""

    name: str
    path: Path


SETS = (
    SampleSet("texas", DATA / "iccs_heldout_penal_en5" / "tpc_sample_sections.csv"),
    SampleSet("washington", DATA / "iccs_heldout_penal_en9" / "rcw_sample_sections.csv"),
    SampleSet("rwanda", DATA / "iccs_heldout_penal_en12" / "rwpc_sample_sections.csv"),
    SampleSet("philippines", DATA / "iccs_heldout_penal_en4" / "rpc_sample_sections.csv"),
)


def draw(seed: int = SEED, per_set: int = PER_SET) -> list[dict[str, str]]:
    """Return the seeded draw as rows of ``FIELDS``, sets in ``SETS`` order."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible sample, not a secret)
    out: list[dict[str, str]] = []
    for sample_set in SETS:
        with sample_set.path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        picked = sorted(rng.sample(range(len(rows)), per_set))
        for index in picked:
            row = rows[index]
            out.append(
                {
                    "set": sample_set.name,
                    "section": row["section"],
                    "chapter_title": row["chapter_title"],
                    "text": row["text"],
                }
            )
    return out


def main() -> None:
    """Write ``second_sample.csv`` next to this script."""
    with (HERE / "second_sample.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(draw())


if __name__ == "__main__":
    main()
