"""The vocabulary-source registry stays in step with the correspondence tables.

Figures checked against the tables themselves and their PROVENANCE.md (row counts and
how each table was written), so that a source added later without provenance, or marked
"published" while its PROVENANCE says it was written by hand, fails here.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

from crimestats.iccs.correspondence import BUNDLED_FILES, load_bundled
from crimestats.iccs.vocabulary_sources import (
    LabelOrigin,
    SourceKind,
    independent_sources,
    vocabulary_sources,
)

_FOLDER = resources.files("crimestats") / "data" / "correspondence"
_ROW = re.compile(r"^\| `([^`]+)` \| `([^`]+)` \| [^|]+ \| (\d+) \| ([^|]+) \|", re.M)


def _provenance_rows() -> dict[str, tuple[str, int, str]]:
    """file -> (source, rows, how written), from the table in PROVENANCE.md."""
    text = (_FOLDER / "PROVENANCE.md").read_text(encoding="utf-8")
    return {m[1]: (m[2], int(m[3]), m[4].strip()) for m in _ROW.finditer(text)}


def test_every_bundled_table_is_a_registered_source_and_back() -> None:
    registered = {s.source: s.file for s in vocabulary_sources()}
    assert registered == BUNDLED_FILES


def test_row_counts_match_provenance_and_the_files() -> None:
    documented = _provenance_rows()
    for source in vocabulary_sources():
        doc_source, rows, _ = documented[source.file]
        assert doc_source == source.source
        assert len(load_bundled(source.source)) == rows, source.file


def test_label_origin_agrees_with_provenance() -> None:
    # PROVENANCE.md says "by hand" for tables the developers wrote, "not written by us"
    # for a table an office published
    documented = _provenance_rows()
    for source in vocabulary_sources():
        how = documented[source.file][2]
        expected = LabelOrigin.HAND if how.startswith("by hand") else LabelOrigin.PUBLISHED
        assert source.labels is expected, (source.source, how)


def test_the_independent_sources_are_chile_and_ecuador() -> None:
    assert independent_sources() == ("chile", "ecuador_mdi")
    kinds = {s.source: (s.language, s.kind) for s in vocabulary_sources()}
    assert kinds["chile"] == ("es", SourceKind.PENAL_CODE)
    assert kinds["ecuador_mdi"] == ("es", SourceKind.POLICE)


@pytest.mark.parametrize("source", [s.source for s in vocabulary_sources()])
def test_every_source_names_licence_and_origin(source: str) -> None:
    row = next(s for s in vocabulary_sources() if s.source == source)
    assert row.licence
    assert row.origin
    assert row.language in {"en", "es", "fr", "pt"}


def test_every_training_source_is_a_registered_table_or_declared_generic() -> None:
    """A training source that is neither a registered table nor declared generic would
    silently become a leave-one-source-out fold and a calibration fold. The terms-of-art
    lexicon (data/iccs_lexicon, v21) is declared generic: a list written from ICCS like
    the index, not one police force's or penal code's table, so it is never held out."""
    from crimestats.iccs.heldout_sources import GENERIC_SOURCES
    from crimestats.iccs.lexicon import LEXICON_SOURCE
    from crimestats.iccs.training import default_examples

    registered = {s.source for s in vocabulary_sources()}
    trained = {e.source for e in default_examples(load_bundled())}
    assert trained <= registered | GENERIC_SOURCES
    assert LEXICON_SOURCE in trained & GENERIC_SOURCES
    assert LEXICON_SOURCE not in registered
    provenance = resources.files("crimestats") / "data" / "iccs_lexicon" / "PROVENANCE.md"
    said = " ".join(provenance.read_text(encoding="utf-8").replace("*", "").split())
    assert "general legal knowledge" in said
