"""Normalisation of offence text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crimestats.iccs.text import normalise


def test_accents_case_and_abbreviations() -> None:
    assert normalise("Lesiones GRAVÍSIMAS") == "lesiones gravisimas"
    assert (
        normalise("AGG PO HANDS NO/MIN INJURY") == "aggravated police officer hands no min injury"
    )
    assert normalise("MANU/DEL:CANNABIS 10GM") == "manufacture deliver cannabis gm"
    assert normalise("Robo con violencia o intimidación") == "robo con violencia o intimidacion"
    assert normalise("Ley del Tránsito") == "ley del transito"  # Spanish "del" is not "deliver"
    assert normalise("  ") == ""


@given(st.text(max_size=60))
def test_normalise_is_idempotent_and_plain(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once


def test_article_references_are_removed() -> None:
    # penal-code tables prefix offence names with article numbers; police tables do not
    assert normalise("Art. 234 Hurto") == "hurto"
    assert normalise("Artículo 138.- Homicidio") == "homicidio"
    assert normalise("Article 221-1 Meurtre") == "meurtre"
    assert normalise("§ 242 Abs. 1 Diebstahl") == "diebstahl"
    assert normalise("Acoso art. 172 ter") == "acoso"
    # the English word "art" without a number stays
    assert normalise("Theft of works of art") == "theft of works of art"
