"""The terms-of-art lexicon (data/iccs_lexicon): well formed, placed by ICCS's own words,
learnt by the coder, and guarding against the false friends of issue 18.

Expected codes come from the lexicon file and the ICCS text it quotes, not from the coder.
The false-friend wordings below are written from the statutes' usage (IPC, OAPA 1861,
Canada's Code), not copied from the held-out penal-code sets.
"""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from crimestats.iccs import Autocoder
from crimestats.iccs.classification import load_classification
from crimestats.iccs.heldout_sources import GENERIC_SOURCES, held_out_sources
from crimestats.iccs.lexicon import (
    GUARD_ID,
    LEXICON_SOURCE,
    TermStatus,
    check_terms,
    find_terms,
    lexicon_examples,
    load_lexicon,
    match_words,
)
from crimestats.iccs.reference import alphabetical_index
from crimestats.iccs.rules import RuleAction
from crimestats.iccs.training import default_examples

FAMILIES = {"ipc", "griffith", "eng", "can", "mpc", "phl", "civil", "common"}


def _iccs_text() -> str:
    parts = [
        f"{c.label} {c.description} {c.inclusions} {c.exclusions}" for c in load_classification()
    ]
    parts.extend(e.term for e in alphabetical_index())
    return " ".join(" ".join(parts).split()).casefold()


def test_every_row_is_well_formed_and_quotes_iccs() -> None:
    terms = load_lexicon()
    codes = {c.code for c in load_classification()}
    text = _iccs_text()
    assert len(terms) >= 200
    for term in terms:
        assert term.code in codes, term.term
        assert term.families, term.term
        assert set(term.families) <= FAMILIES, term.term
        assert term.iccs_text.casefold() in text, (term.term, term.iccs_text)
        if term.status is TermStatus.REVIEW or len(term.code) < 4:
            assert term.note, f"{term.term}: an ambiguous or section-only term says why"
    # one row per term as the matcher reads it (so no row is shadowed by another)
    keys = [t.words for t in terms]
    assert len(keys) == len(set(keys))


def test_the_csv_has_the_documented_columns_and_count() -> None:
    path = resources.files("crimestats") / "data" / "iccs_lexicon" / "lexicon.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == ["term", "iccs_code", "status", "families", "iccs_text", "note"]
    # the counts PROVENANCE.md states
    assert len(rows) == 493
    assert sum(r["status"] == "review" for r in rows) == 17
    assert sum(r["status"] == "code" and len(r["iccs_code"]) < 4 for r in rows) == 17


def test_the_lexicon_is_generic_training_text_never_held_out() -> None:
    assert LEXICON_SOURCE in GENERIC_SOURCES
    from crimestats.iccs.correspondence import load_bundled

    table = load_bundled()
    examples = default_examples(table)
    mine = [e for e in examples if e.source == LEXICON_SOURCE]
    assert len(mine) == len(lexicon_examples()) == 459
    assert all(len(e.code) >= 4 for e in mine)
    assert LEXICON_SOURCE not in {h.name for h in held_out_sources(table, examples)}


def test_matching_is_whole_phrase_longest_first() -> None:
    found, content = find_terms("Criminal breach of trust by carrier, etc")
    assert [m.term.term for m in found] == ["criminal breach of trust"]
    assert content == 4  # criminal, breach, trust, carrier ("by", "etc" are not content)
    found, _ = find_terms("Public mischief")
    assert [m.term.term for m in found] == ["public mischief"]
    found, _ = find_terms("Uttering threats")
    assert [m.term.term for m in found] == ["uttering threats"]
    # plural and articles fold: "offences" meets "offence", "a deserter" meets "deserter"
    assert match_words("Unnatural offences") == ("unnatural", "offence")
    assert [m.term.term for m in find_terms("Harbouring deserter")[0]] == ["harbouring a deserter"]
    # a word inside a phrase is not the phrase
    assert find_terms("Wrongful act")[0] == ()  # "wrongful confinement" is a term, "wrongful" not
    # bribery's "taking gratification" is a phrase: "sexual gratification" is no bribe
    assert find_terms("Indecent act for sexual gratification")[0] == ()
    found, _ = find_terms("Public servant taking gratification other than legal remuneration")
    assert [m.term.term for m in found] == ["taking gratification"]


def test_the_guard_moves_a_false_friend_when_the_text_is_the_term() -> None:
    finding = check_terms("Criminal breach of trust by clerk or servant", "08062")
    assert finding is not None
    assert finding.action is RuleAction.MOVE
    assert finding.after == "07032"  # the lexicon's code: ICCS 07032 "dishonest conversion"
    assert finding.describe().startswith(f"rule {GUARD_ID} ('criminal breach of trust'): 08062")


def test_the_guard_reviews_when_the_term_is_a_small_part_or_sections_differ() -> None:
    # one content word of four is the term: review, not move
    finding = check_terms("Hurt caused while resisting public officer", "0806")
    assert finding is not None
    assert finding.action is RuleAction.REVIEW
    assert finding.after == "0806"
    # terms of two sections: review whatever the code
    finding = check_terms("Dacoity with hurt", "0401")
    assert finding is None  # the code's section is among the terms'
    finding = check_terms("Dacoity with hurt", "08")
    assert finding is not None
    assert finding.action is RuleAction.REVIEW
    # a term marked review always asks for review, even in a section it allows
    finding = check_terms("Unnatural offences", "08029")
    assert finding is not None
    assert finding.action is RuleAction.REVIEW
    # a code in the term's section is left alone when other words stand beside the term
    # (inside the section the model's finer code stands) ...
    assert check_terms("Criminal breach of trust by carrier", "07019") is None
    assert check_terms("Arson", "0504") is None
    # ... but a text that is the term and nothing else takes the term's level-2 code
    finding = check_terms("Criminal breach of trust", "07019")
    assert finding is not None
    assert (finding.action, finding.after) == (RuleAction.MOVE, "07032")
    assert "the text is the term" in finding.reason
    assert check_terms("Criminal breach of trust", "07032") is None


@pytest.fixture(scope="module")
def lexicon_codings(autocoder: Autocoder) -> list[tuple[str, str, TermStatus, object]]:
    terms = load_lexicon()
    codings = autocoder.code_texts([t.term for t in terms])
    return [(t.term, t.code, t.status, c) for t, c in zip(terms, codings, strict=True)]


def test_every_term_is_coded_in_its_section_and_code_or_reviewed_when_ambiguous(
    lexicon_codings: list[tuple[str, str, TermStatus, object]],
) -> None:
    wrong = []
    for term, code, status, coding in lexicon_codings:
        got = getattr(coding, "code", None) or ""
        reviewed = getattr(coding, "needs_review", False)
        if status is TermStatus.REVIEW:
            if not reviewed:
                wrong.append((term, "auto-coded", got))
        elif got[:2] != code[:2]:
            wrong.append((term, code, got))  # every term in its section, reviewed or not
        elif not reviewed and got[: min(len(code), 4)] != code[:4]:
            wrong.append((term, code, got))  # and at its level-2 code when auto-coded
    assert not wrong


FALSE_FRIENDS = [
    # (text, the section its everyday words pulled it to, the section ICCS puts it in)
    ("Criminal breach of trust by public servant", "08", "07"),
    ("Criminal breach of trust", "08", "07"),
    ("Wrongful confinement", "08", "02"),
    ("Wrongful confinement in secret", "08", "02"),
    ("Voluntarily causing hurt", "01", "02"),
    ("Hurt", "05", "02"),
    ("Mischief by injury to works of irrigation", "08", "05"),
    ("Mischief", "08", "05"),
    ("Sale of adulterated drugs", "06", "02"),
    ("Administering stupefying drug", "06", "02"),
    ("Personation", "08", "07"),
    ("Personation at elections", "07", "08"),
    ("Uttering a forged document", "02", "07"),
    ("Undue influence", "07", "08"),
    ("Impeding escape from wreck", "08", None),
    ("Breach of the peace", "08062", "08"),
    ("Disobedience to quarantine rule", "0806", "09"),
    ("Malignant act likely to spread infection of disease", "02", "09"),
]


@pytest.mark.parametrize(("text", "pulled_to", "right"), FALSE_FRIENDS)
def test_false_friends_are_not_auto_coded_to_the_wrong_section(
    autocoder: Autocoder, text: str, pulled_to: str, right: str | None
) -> None:
    coding = autocoder.code_text(text)
    code = coding.code or ""
    if coding.needs_review:
        assert coding.review_reasons  # a person sees why
        return
    assert not code.startswith(pulled_to), (text, code)
    assert right is not None, (text, code)
    assert code.startswith(right), (text, code)
