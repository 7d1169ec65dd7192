"""Where each vocabulary source's ICCS labels came from, as data the code can act on.

A vocabulary source is a list of real offence texts of one police force, country or penal
code with an ICCS code each (the bundled correspondence tables, ``data/correspondence``).
It teaches the autocoder and, held out, tests it on wording it never saw. Whether such a
test means anything depends on who placed the texts under ICCS:

- ``published``: an office did (a national statistical office's correspondence table,
  reviewed or not by UNODC). A held-out figure on it is a figure against an independent
  authority.
- ``hand``: the crimestats developers did, reading ICCS. It still teaches, but a held-out
  figure on it measures agreement with the developers, who also wrote the vocabulary and
  the rules: report it apart and never present it as independent.

``data/iccs_vocabulary/sources.csv`` holds one row per bundled source (language, kind,
labels, licence, origin); :func:`vocabulary_sources` reads it, and a test keeps it in step
with the correspondence tables and their PROVENANCE.md. docs/iccs-vocabularies.md says how
to add a source.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from crimestats.errors import MappingError

COLUMNS = ("source", "file", "language", "kind", "labels", "licence", "origin")
"""The columns of ``sources.csv``, in order."""


class SourceKind(StrEnum):
    """What the texts of a source are."""

    POLICE = "police"
    """A police force's offence categories or descriptions."""
    PENAL_CODE = "penal_code"
    """Offences of a national penal code (statute headings, legal descriptions)."""


class LabelOrigin(StrEnum):
    """Who placed the source's texts under ICCS."""

    PUBLISHED = "published"
    """An office published the correspondence (independent of crimestats)."""
    HAND = "hand"
    """The crimestats developers wrote it (not an independent test)."""


@dataclass(frozen=True, slots=True)
class VocabularySource:
    """One vocabulary source: its tag, table file, language, kind, label origin, licence."""

    source: str
    file: str
    language: str
    kind: SourceKind
    labels: LabelOrigin
    licence: str
    origin: str

    @property
    def independent(self) -> bool:
        """Whether held-out figures on it test the coder against an outside authority."""
        return self.labels is LabelOrigin.PUBLISHED


@cache
def vocabulary_sources() -> tuple[VocabularySource, ...]:
    """Every bundled vocabulary source, in file order (a bad row names its line and fix)."""
    text = (resources.files("crimestats") / "data" / "iccs_vocabulary" / "sources.csv").read_text(
        encoding="utf-8"
    )
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise MappingError(
            f"data/iccs_vocabulary/sources.csv: the header is {reader.fieldnames}",
            hint=f"use exactly these columns in this order: {','.join(COLUMNS)}",
        )
    out = []
    for line, row in enumerate(reader, start=2):
        try:
            kind, labels = SourceKind(row["kind"]), LabelOrigin(row["labels"])
        except ValueError:
            raise MappingError(
                f"data/iccs_vocabulary/sources.csv, line {line}: kind {row['kind']!r} or "
                f"labels {row['labels']!r} is not known",
                hint=f"kind: {', '.join(SourceKind)}; labels: {', '.join(LabelOrigin)}",
            ) from None
        out.append(
            VocabularySource(
                row["source"],
                row["file"],
                row["language"],
                kind,
                labels,
                row["licence"],
                row["origin"],
            )
        )
    return tuple(out)


def independent_sources() -> tuple[str, ...]:
    """The tags of the sources whose ICCS labels an office published."""
    return tuple(s.source for s in vocabulary_sources() if s.independent)


def statute_sources() -> frozenset[str]:
    """The English penal-code sources: they train the autocoder but are not calibration
    folds (v28). With seventeen of them as folds (their held-out texts 53-93% right at
    level 1, about 2,600 against about 500 police labels), leave one source out, police
    records auto-coded fell to 81.0%; without them as folds it was 88.7%, while the penal
    codes' level-1 total stayed the same and their own level-2 precision among auto-coded
    rose (docs/iccs-heldout-penal-code.md, "Session 14"; the mechanism, most likely the
    English pool's maps and conformal sets, was not traced). In session 11, with three
    penal sources, the measurement had gone the other way."""
    return frozenset(
        s.source
        for s in vocabulary_sources()
        if s.kind is SourceKind.PENAL_CODE and s.language == "en"
    )
