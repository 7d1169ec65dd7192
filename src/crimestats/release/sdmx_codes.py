"""How each field's values become SDMX codes: one :class:`Coding` per field of a release.

Why a module of its own: the codes are the part of the SDMX output a reader relies on
across releases (the same ICCS code, sex or age group is the same SDMX code in every
table and every release), and they follow the SDMX code list guidelines, not the
structure message: codes starting with ``_`` are the reserved special codes; margins
(``Total``) are ``_T``, blank field values (no victim, coded above this ICCS level, no
period date) ``_Z`` (not applicable), a recorded ``unknown`` ``_U`` and ``other`` ``_O``.
ICCS fields get every code of ICCS v1.0 with its parent, sexes and age groups the
SDMX patterns (``F``, ``Y15T29``, ``Y_GE60``), and any other value a valid, unique id.
Fields sharing a codelist (the ICCS levels) share one set of codes. The structures
built from these codings are :mod:`crimestats.release.sdmx_structure`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from crimestats.iccs.classification import load_classification
from crimestats.release.table_cells import TOTAL_LABEL
from crimestats.release.tables import ProtectedRows
from crimestats.stats.fields import CodelistKind, SdmxConcept

TOTAL_CODE = "_T"
BLANK_CODE = "_Z"
UNKNOWN_CODE = "_U"
OTHER_CODE = "_O"

_ID = re.compile(r"[A-Za-z0-9_@$\-]+")
_NOT_ID = re.compile(r"[^A-Za-z0-9_@$\-]+")
_SPECIAL_NAMES = {
    TOTAL_CODE: "Total",
    BLANK_CODE: "Not applicable (no value)",
    UNKNOWN_CODE: "Unknown",
    OTHER_CODE: "Other",
}
_SEX = {"female": "F", "male": "M", "other": OTHER_CODE, "unknown": UNKNOWN_CODE}
_SEX_NAMES = {"F": "Female", "M": "Male"}


def sdmx_id(text: str) -> str:
    """``text`` as an SDMX identifier (``[A-Za-z0-9_@$-]+``), for artefact ids."""
    cleaned = _NOT_ID.sub("_", text).strip("_")
    return cleaned.upper() or "X"


@dataclass(frozen=True, slots=True)
class Coding:
    """How one crimestats field becomes one SDMX dimension.

    ``codes`` maps each value of the field (``None`` for a blank, ``"Total"`` for a
    margin) to its code; ``names`` gives every code of the codelist its name, in order.
    """

    field: str
    dimension: str
    codelist_id: str
    codelist_name: str
    codes: Mapping[str | None, str]
    names: Mapping[str, str]
    parents: Mapping[str, str]

    def code(self, value: str | None) -> str:
        """The code of one field value."""
        return self.codes[value]


def _special(codes: dict[str | None, str], names: dict[str, str]) -> None:
    codes[TOTAL_LABEL] = TOTAL_CODE
    codes[None] = BLANK_CODE
    names.setdefault(TOTAL_CODE, _SPECIAL_NAMES[TOTAL_CODE])
    names.setdefault(BLANK_CODE, _SPECIAL_NAMES[BLANK_CODE])


def field_concept(field: str) -> SdmxConcept:
    """The SDMX concept and codelist of a field, from the registry of countable fields."""
    from crimestats.stats.fields import FIELDS, sdmx_concept

    known = FIELDS.get(field)
    return known.sdmx if known is not None else sdmx_concept(field)


def _coding(field: str, codes: Mapping[str | None, str], names: Mapping[str, str]) -> Coding:
    concept = field_concept(field)
    return Coding(
        field, concept.concept_id, concept.codelist_id, concept.codelist_name, codes, names, {}
    )


def _iccs_coding(field: str, values: set[str]) -> Coding:
    """Every code of ICCS v1.0 with its label and parent, whatever the table holds."""
    classification = load_classification()
    names = {c.code: c.label for c in classification}
    parents = {c.code: c.parent for c in classification if c.parent}
    codes: dict[str | None, str] = {c: c for c in names}
    for value in sorted(values - set(names)):  # not in ICCS v1.0: kept, and said so
        code = _free_code(value, set(names))
        codes[value] = code
        names[code] = f"{value} (not a code of ICCS v1.0)"
    _special(codes, names)
    concept = field_concept(field)
    return Coding(
        field,
        concept.concept_id,
        concept.codelist_id,
        concept.codelist_name,
        codes,
        names,
        parents,
    )


def _sex_coding(field: str, values: set[str]) -> Coding:
    codes: dict[str | None, str] = {}
    names: dict[str, str] = {}
    for value in sorted(values):
        code = _SEX.get(value) or _free_code(value, set(names))
        codes[value] = code
        names[code] = _SEX_NAMES.get(code) or _SPECIAL_NAMES.get(code) or value
    _special(codes, names)
    return _coding(field, codes, names)


def _age_code(label: str) -> str | None:
    """``15-29`` -> ``Y15T29``, ``60+`` -> ``Y_GE60`` (the SDMX CL_AGE pattern)."""
    if match := re.fullmatch(r"(\d+)-(\d+)", label):
        return f"Y{match[1]}T{match[2]}"
    if match := re.fullmatch(r"(\d+)\+", label):
        return f"Y_GE{match[1]}"
    return UNKNOWN_CODE if label == "unknown" else None


def _age_coding(field: str, values: set[str]) -> Coding:
    from crimestats.stats.fields import AGE_GROUP_LABELS

    codes: dict[str | None, str] = {}
    names: dict[str, str] = {}
    known = [label for label in AGE_GROUP_LABELS if label in values]
    for value in [*known, *sorted(values - set(known))]:
        code = _age_code(value) or _free_code(value, set(names))
        codes[value] = code
        names[code] = "Unknown" if code == UNKNOWN_CODE else f"{value} years"
    _special(codes, names)
    return _coding(field, codes, names)


def _free_code(value: str, taken: set[str]) -> str:
    """A code for a free value: itself when a valid, non-reserved id, else cleaned, unique."""
    code = value if _ID.fullmatch(value) and not value.startswith("_") else None
    if code is None:
        code = "X" + (_NOT_ID.sub("_", value).strip("_") or "")
    candidate, n = code, 1
    while candidate in taken:
        n += 1
        candidate = f"{code}-{n}"
    return candidate


def _data_coding(field: str, values: set[str]) -> Coding:
    codes: dict[str | None, str] = {}
    names: dict[str, str] = {}
    for value in sorted(values):
        code = _free_code(value, set(names))
        codes[value] = code
        names[code] = value
    _special(codes, names)
    return _coding(field, codes, names)


_CODERS: dict[CodelistKind, Callable[[str, set[str]], Coding]] = {
    CodelistKind.ICCS: _iccs_coding,
    CodelistKind.SEX: _sex_coding,
    CodelistKind.AGE: _age_coding,
    CodelistKind.VALUES: _data_coding,
}
"""The coding of each kind of codelist a field may declare."""


def field_codings(tables: Sequence[ProtectedRows]) -> dict[str, Coding]:
    """One coding per field of the tables; values are gathered across all tables."""
    values: dict[str, set[str]] = {}
    for table in tables:
        for name in table.spec.by:
            seen = values.setdefault(name, set())
            seen.update(
                str(row[name]) for row in table.rows if row[name] not in (None, TOTAL_LABEL)
            )
    codings = {
        name: _CODERS[field_concept(name).codelist](name, seen) for name, seen in values.items()
    }
    _merge_shared(codings)
    return codings


def _merge_shared(codings: dict[str, Coding]) -> None:
    """Fields sharing a codelist (ICCS levels, sexes) get one codelist with all codes."""
    by_list: dict[str, list[Coding]] = {}
    for coding in codings.values():
        by_list.setdefault(coding.codelist_id, []).append(coding)
    for group in by_list.values():
        names: dict[str, str] = {}
        parents: dict[str, str] = {}
        for coding in group:
            names.update(coding.names)
            parents.update(coding.parents)
        for coding in group:
            codings[coding.field] = Coding(
                coding.field,
                coding.dimension,
                coding.codelist_id,
                coding.codelist_name,
                coding.codes,
                names,
                parents,
            )


__all__ = [
    "BLANK_CODE",
    "OTHER_CODE",
    "TOTAL_CODE",
    "UNKNOWN_CODE",
    "Coding",
    "field_codings",
    "field_concept",
    "sdmx_id",
]
