"""Normalising offence text before it is matched or classified.

Offence labels arrive in capitals ("AGG PO HANDS NO/MIN INJURY"), with accents
("Lesiones graves gravísimas"), abbreviations, statute numbers and punctuation. Two
labels that mean the same thing should look the same to the model, so every text goes
through :func:`normalise`: Unicode compatibility decomposition with the combining marks
dropped (so "gravísimas" and "GRAVISIMAS" meet), case folding, police abbreviations
spelled out, and digits and punctuation reduced to spaces.

The abbreviation list is short and general on purpose: it holds the contractions of US
and UK police code tables (e.g. Chicago IUCR secondary descriptions, NYPD PD code
descriptions), not words of any one test file. Extend it when a new source uses others.
"""

from __future__ import annotations

import re
import unicodedata

ABBREVIATIONS: dict[str, str] = {
    "agg": "aggravated",
    "aggr": "aggravated",
    "att": "attempt",
    "atmpt": "attempt",
    "attmpt": "attempt",
    "asslt": "assault",
    "aslt": "assault",
    "assl": "assault",
    "poss": "possession",
    "manu": "manufacture",
    "mfg": "manufacture",
    "manu/del": "manufacture deliver",
    "manu/deliver": "manufacture deliver",
    "dang": "dangerous",
    "weap": "weapon",
    "wpn": "weapon",
    "instr": "instrument",
    "inst": "instrument",
    "veh": "vehicle",
    "mv": "motor vehicle",
    "prop": "property",
    "crim": "criminal",
    "sex": "sexual",
    "obstr": "obstruct",
    "fam": "family",
    "mbr": "member",
    "emp": "employee",
    "pro": "protected",
    "po": "police officer",
    "viol": "violation",
    "dwi": "driving while intoxicated",
    "dui": "driving under the influence",
    "owi": "operating while intoxicated",
    "b&e": "breaking and entering",
    "gta": "grand theft auto",
    "cds": "controlled dangerous substance",
    "govt": "government",
    "unauth": "unauthorized",
    "unl": "unlawful",
    "w/": "with",
    "w/o": "without",
    "ofc": "officer",
    "off": "offense",
    "neg": "negligent",
    "circul": "circulation",
    "misd": "misdemeanor",
    "fel": "felony",
}
"""Police abbreviations and their spelled-out form (matched as whole tokens)."""

_NON_WORD = re.compile(r"[^a-z&/]+")


def strip_accents(text: str) -> str:
    """Drop combining marks after NFKD decomposition ("Violación" -> "Violacion")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """Lower-case, accent-free, abbreviation-expanded words separated by single spaces.

    >>> normalise("AGG PO HANDS NO/MIN INJURY")
    'aggravated police officer hands no min injury'
    >>> normalise("Lesiones GRAVÍSIMAS (art. 397 nº1)")
    'lesiones gravisimas art n'
    """
    folded = strip_accents(text.replace("º", " ").replace("ª", " ")).casefold()
    words: list[str] = []
    for raw in _NON_WORD.sub(" ", folded).split():
        if raw in ABBREVIATIONS:
            words.append(ABBREVIATIONS[raw])
            continue
        for piece in raw.replace("/", " ").split():
            words.append(ABBREVIATIONS.get(piece, piece.replace("&", " and ").strip()))
    return " ".join(w for w in " ".join(words).split() if w)
