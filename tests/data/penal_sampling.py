"""What the penal-code held-out sets' ``sample_sections.py`` scripts share.

Each ``iccs_heldout_penal_*/sample_sections.py`` knows its own source file and its rule for
which sections create an offence; the seeded draw, the two files it writes and the chapter
titles put beside the labels are the same for all of them and live here, once. A script
imports this module from its parent folder (``tests/data``), so it still runs on its own:
``python tests/data/iccs_heldout_penal_en/sample_sections.py ipc.json``.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

SEED = 20261207
"""The seed of every draw (tests/iccs/test_iccs_heldout_penal_codes.py checks it)."""


def write_pool_and_sample(
    folder: Path,
    prefix: str,
    pool: list[dict[str, str]],
    size: int,
    order: Callable[[str], tuple[int, str]],
    fields: Sequence[str],
    noun: str = "sections",
) -> None:
    """Write ``<prefix>_offence_sections.csv`` (the pool) and ``<prefix>_sample_sections.csv``
    (``size`` rows drawn with :data:`SEED`, in the code's order by ``order`` of a section)."""
    sample = random.Random(SEED).sample(pool, min(size, len(pool)))  # noqa: S311 (a reproducible sample, not a secret)
    sample.sort(key=lambda r: order(r["section"]))
    files = {f"{prefix}_offence_sections.csv": pool, f"{prefix}_sample_sections.csv": sample}
    for name, rows in files.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(fields))
            writer.writeheader()
            writer.writerows(rows)
    print(f"{len(pool)} eligible {noun}, {len(sample)} sampled (seed {SEED})")


def first_of_each_heading(
    rows: list[dict[str, str]], order: Callable[[str], tuple[int, str]]
) -> list[dict[str, str]]:
    """``rows`` in the code's order, keeping only the first section of each heading (case
    folded): a repeated heading would make two sampled texts the same."""
    pool: list[dict[str, str]] = []
    seen: set[str] = set()
    for row in sorted(rows, key=lambda r: order(r["section"])):
        if row["text"].casefold() not in seen:
            seen.add(row["text"].casefold())
            pool.append(row)
    return pool


def number_coinciding_headings(pool: list[dict[str, str]], label: str) -> None:
    """Where two sections of ``pool`` share a heading (case folded), append
    ``" (<label> <section>)"`` to each, so that no two sampled texts are the same but both
    sections stay in the pool (``first_of_each_heading`` drops the later ones instead)."""
    counts = Counter(r["text"].casefold() for r in pool)
    for row in pool:
        if counts[row["text"].casefold()] > 1:
            row["text"] = f"{row['text']} ({label} {row['section']})"


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


ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(numeral: str) -> int:
    """The value of a Roman numeral (chapter numbers such as "XVIII" or "XL")."""
    values = [ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
