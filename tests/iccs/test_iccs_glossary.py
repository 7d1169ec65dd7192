"""The es/pt/fr/de/it/nl legal-term glossary: its file, how it is applied, what it buys."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources

import pytest

from crimestats.iccs import Autocoder, model_cache
from crimestats.iccs.correspondence import load_bundled
from crimestats.iccs.label_structure import without_generic_head
from crimestats.iccs.modifiers import without_modifiers
from crimestats.iccs.text import (
    AMBIGUOUS_PHRASES,
    AMBIGUOUS_TERMS,
    Glossary,
    glossary_english,
    load_glossary,
    looks_foreign,
    normalise,
    strip_accents,
    with_glossary,
)
from crimestats.iccs.training import Example, iccs_examples, index_examples
from crimestats.iccs.vocabulary_sources import vocabulary_sources


def _rows() -> list[dict[str, str]]:
    resource = resources.files("crimestats") / "data" / "iccs_glossary" / "glossary.csv"
    return list(csv.DictReader(io.StringIO(resource.read_text(encoding="utf-8"))))


def test_glossary_file_is_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 300
    assert set(rows[0]) == {"language", "term", "english"}
    assert {r["language"] for r in rows} == {"es", "pt", "fr", "de", "it", "nl"}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        term, english = row["term"], row["english"]
        assert english.strip(), row
        # folded as the matcher folds text: no accents, lower case, letters and spaces
        assert term == " ".join(strip_accents(term).casefold().split()), row
        assert all(part.isascii() and part.isalpha() for part in term.split()), row
        assert (row["language"], term) not in seen, f"duplicate term {row}"
        seen.add((row["language"], term))


def test_glossary_is_loaded_once() -> None:
    assert load_glossary() is load_glossary()
    assert load_glossary().longest >= 3


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("Robo con violencia o intimidación", "robbery"),
        ("ROUBO A MÃO ARMADA", "armed robbery"),
        ("Hurto", "theft"),
        ("furto qualificado", "theft"),
        ("Homicídio culposo", "manslaughter"),
        ("Coups et blessures volontaires", "assault"),
        ("Lesões corporais", "assault"),
        ("Ameaças", "threat"),
        ("Estelionato", "fraud"),
        ("Escroqueries", "fraud"),
        ("Trafic de stupéfiants", "drug trafficking"),
        ("Receptação", "handling stolen goods"),
        ("Recel", "handling stolen goods"),
        ("Cohecho", "bribery"),
        ("Conduite en état d'ivresse", "drunk driving"),
        ("Conducir en estado de ebriedad", "drunk driving"),
        ("Traite des êtres humains", "trafficking in persons"),
        ("Violencia intrafamiliar", "domestic violence"),
        ("Viols sur des mineurs", "rape"),
        ("§ 242 Diebstahl", "theft"),
        ("Körperverletzung", "assault"),
        ("Urkundenfälschung", "forgery"),
        ("Rapina a mano armata", "armed robbery"),
        ("Truffa", "fraud"),
        ("Ricettazione", "handling stolen goods"),
        ("Oplichting", "fraud"),
        ("Woninginbraak", "burglary"),
    ],
)
def test_terms_get_their_english(text: str, english: str) -> None:
    assert english in glossary_english(text)
    out = with_glossary(text)
    assert out.startswith(normalise(text) + " ")
    assert english in out


@pytest.mark.parametrize(
    "text",
    [
        "AGG PO HANDS NO/MIN INJURY",
        "VIOL ORDER OF PROTECTION",  # "viol" is a US abbreviation, not French "rape"
        "TAX EVASION",  # English "evasion" is not an escape from custody
        "Theft of a pedal cycle",
        "Violence and sexual offences",
        "",
        "   ",
    ],
)
def test_english_text_passes_unchanged(text: str) -> None:
    assert with_glossary(text) == normalise(text)


def test_english_training_text_is_not_translated() -> None:
    """ICCS's text, its index, the English vocabulary and the English police tables (a
    generic head such as "OTHER OFFENSE -" is dropped first: label_structure, not the
    glossary)."""
    resource = resources.files("crimestats") / "data" / "iccs_vocabulary" / "vocabulary.csv"
    vocabulary = csv.DictReader(io.StringIO(resource.read_text(encoding="utf-8")))
    english = [e.text for e in (*iccs_examples(), *index_examples())]
    english += [row["term"] for row in vocabulary if row["language"] == "en"]
    foreign = {s.source for s in vocabulary_sources() if s.language != "en"}
    english += [e.national_label for e in load_bundled() if e.source not in foreign]
    changed = [
        t
        for t in english
        if with_glossary(t) != without_modifiers(normalise(without_generic_head(t)))
    ]
    assert len(english) > 4000
    assert changed == []


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("Kfz-Diebstähle", "theft"),  # "diebstahle" inside an unlisted compound
        ("Betäubungsmittelkriminalität", "drugs"),
        ("Raubüberfälle", "robbery"),
        ("Fahrraddiebstähle", "theft"),
    ],
)
def test_german_and_dutch_compounds_are_split(text: str, english: str) -> None:
    assert english in glossary_english(text)


def test_compound_parts_do_not_overlap() -> None:
    # the longest part wins; "einbruch" (burglary break in) inside it is not added again
    out = glossary_english("Wohnungseinbruchdiebstahls")
    assert "burglary of a dwelling" in out
    assert "break in" not in out


def test_ambiguous_terms_need_a_romance_context() -> None:
    assert all((term,) in load_glossary().english for term in AMBIGUOUS_TERMS)
    assert "rape" not in with_glossary("VIOL")
    assert "rape" in with_glossary("Viol sur personne vulnérable")
    assert "escape" in with_glossary("Evasión de detenidos")


def test_every_glossary_phrase_of_english_words_needs_a_romance_context() -> None:
    english = {w for e in iccs_examples() for w in re.findall("[a-z]+", e.text.casefold())}
    phrases = {
        key
        for key in load_glossary().english
        if len(key) > 1 and all(word in english for word in key)
    }
    assert phrases == AMBIGUOUS_PHRASES
    assert not looks_foreign("corruption Active")  # the property test's counterexample
    assert "active bribery" in glossary_english("Corruption active et passive")


def test_cache_key_changes_with_the_glossary(monkeypatch: pytest.MonkeyPatch) -> None:
    examples = [Example("hurto", "0502", "vocabulary")]
    before = model_cache.model_key("1", examples)
    monkeypatch.setattr(
        model_cache, "load_glossary", lambda: Glossary({("x",): "y"}, 1, "different")
    )
    assert model_cache.model_key("1", examples) != before


def test_cache_key_changes_with_the_record_counts() -> None:
    # the records each held-out label weighs set the thresholds and conformal quantiles,
    # so a change to record_counts.csv alone must refit the cached model
    examples = [Example("hurto", "0502", "vocabulary")]
    one = model_cache.model_key("1", examples, {("chile", "Hurto", "0502"): 1.0})
    two = model_cache.model_key("1", examples, {("chile", "Hurto", "0502"): 2.0})
    assert len({one, two, model_cache.model_key("1", examples)}) == 3
    assert model_cache.model_key("2", examples) != model_cache.model_key("1", examples)


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("robo con violencia", "04"),
        ("roubo", "04"),
        ("roubo a transeunte", "04"),
        ("vol avec violence", "04"),
        ("homicidio", "01"),
        ("homicídio qualificado", "01"),
        ("meurtre", "01"),
        ("escroquerie", "07"),
        ("estelionato", "07"),
        ("furto", "05"),
        ("cambriolage", "05"),
        ("tráfico de entorpecentes", "06"),
        ("trafic de stupéfiants", "06"),
        ("estupro", "03"),
        ("agression sexuelle", "03"),
        ("Diebstahl", "05"),
        ("Raub", "04"),
        ("Betrug", "07"),
        ("Rapina", "04"),
        ("Truffa", "07"),
        ("Verkrachting", "03"),
    ],
)
def test_foreign_offences_code_to_the_right_section(
    autocoder: Autocoder, text: str, section: str
) -> None:
    coding = autocoder.code_text(text)
    assert coding.code is not None
    assert coding.code[:2] == section, coding
