"""The sources an evaluation holds out, taken from the data, with their records.

A *source* is one national vocabulary: a correspondence table (``chicago``, ``nibrs``,
...) or any other non-generic training source (a labelled vocabulary added as data).
Leave-one-source-out calibration and evaluation hold each out in turn, so that a new
vocabulary added to the data becomes a held-out source without a code change.

Each held-out text weighs the records it stands for in the bundled incident samples
(``record_counts.csv``), 1 where a source has none: an error on a category seen 675
times costs 675 records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crimestats.iccs.correspondence import CorrespondenceTable, record_counts
from crimestats.iccs.lexicon import LEXICON_SOURCE
from crimestats.iccs.training import FOREIGN_GENERIC_SOURCES, Example

GENERIC_SOURCES = frozenset(
    {"iccs", "iccs_index", "vocabulary", LEXICON_SOURCE, *FOREIGN_GENERIC_SOURCES}
)
"""Training sources that are not a national vocabulary (never held out, never a
calibration fold). The lexicon is one: a list of terms of art written from ICCS, like the
index, not a table of one police force or penal code."""


@dataclass(frozen=True, slots=True)
class HeldOutSource:
    """One source's labelled texts, true codes and records per text."""

    name: str
    texts: tuple[str, ...]
    codes: tuple[str, ...]
    records: tuple[float, ...]

    @property
    def total_records(self) -> float:
        """The records the source's texts stand for."""
        return sum(self.records)


def record_weights(table: CorrespondenceTable) -> dict[tuple[str, str, str], float]:
    """Records per ``(source, label, ICCS code)`` of the table's coded entries (1 for an
    entry without incident data); entries sharing a label and code add up."""
    counts = record_counts()
    out: dict[tuple[str, str, str], float] = {}
    for entry in table:
        if entry.iccs_code is None:
            continue
        key = (entry.source, entry.national_label, entry.iccs_code)
        out[key] = out.get(key, 0.0) + float(counts.get((entry.source, entry.national_code), 1))
    return out


def held_out_sources(
    table: CorrespondenceTable, examples: Sequence[Example]
) -> tuple[HeldOutSource, ...]:
    """Every source to hold out: the table's sources (their coded labels, weighted by
    records), then every other non-generic source of ``examples`` (its texts, weight 1)."""
    counts = record_counts()
    out: list[HeldOutSource] = []
    for source in table.sources:
        coded = [e for e in table.only(source) if e.iccs_code]
        if coded:
            out.append(
                HeldOutSource(
                    source,
                    tuple(e.national_label for e in coded),
                    tuple(e.iccs_code or "" for e in coded),
                    tuple(float(counts.get((source, e.national_code), 1)) for e in coded),
                )
            )
    known = set(table.sources) | GENERIC_SOURCES
    extra = sorted({e.source for e in examples} - known)
    for source in extra:
        mine = [e for e in examples if e.source == source]
        out.append(
            HeldOutSource(
                source,
                tuple(e.text for e in mine),
                tuple(e.code for e in mine),
                tuple(1.0 for _ in mine),
            )
        )
    return tuple(out)
