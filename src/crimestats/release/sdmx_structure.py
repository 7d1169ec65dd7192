"""The SDMX structures of a release: codelists, concepts, one DSD and dataflow per table.

Why one data structure definition (DSD) per standard table, not one DSD for all: the
tables count different units (incidents, offences, victims) by different fields, so one
DSD would need a unit dimension plus filler codes for every field a table does not
break down by, and a reader could no longer tell "not broken down" from "total". Per
table, the dimensions are exactly the table's ``by`` fields; the tables still share one
concept scheme and one codelist per kind of field (one ICCS codelist for every ICCS
level), so codes mean the same thing in every table. Each field's concept id and name
and the kind and id of its codelist come from its entry in the registry of countable
fields (:data:`crimestats.stats.fields.FIELDS`), never from its name.

Codes (SDMX "Guidelines for the creation and management of SDMX code lists": codes
starting with ``_`` are the reserved special codes): margins (``Total``) are ``_T``,
blank field values (the record has no value at that field: no victim, coded above this
ICCS level, no period date) are ``_Z`` (not applicable), a recorded ``unknown`` is
``_U`` and ``other`` is ``_O``. Observation status and confidentiality use the codes of
the SDMX cross-domain code lists CL_OBS_STATUS (``A`` normal value, ``Q`` missing
value; suppressed) and CL_CONF_STATUS (``F`` free, ``C`` confidential statistical
information, for primary suppression, ``D`` secondary confidentiality set by the
sender, for secondary suppression); the codelists are written under the release's own
agency with those codes and names, since SDMX's own artefacts are maintained by SDMX.

pysdmx writes SDMX-ML 2.1 codelists without code parents, so the ICCS parents are added
to its output as ``<str:Parent><Ref id="..."/></str:Parent>`` (the last child of a code
in the 2.1 schema); the result is checked against the 2.1 XSD by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crimestats.iccs.classification import load_classification
from crimestats.release.table_cells import TOTAL_LABEL
from crimestats.release.tables import ProtectedRows
from crimestats.stats.fields import CodelistKind, SdmxConcept

if TYPE_CHECKING:
    from pysdmx.model import Codelist, Dataflow, DataStructureDefinition
    from pysdmx.model.message import Header

VERSION = "1.0"
TOTAL_CODE = "_T"
BLANK_CODE = "_Z"
UNKNOWN_CODE = "_U"
OTHER_CODE = "_O"
OBS_VALUE = "OBS_VALUE"
OBS_STATUS = "OBS_STATUS"
CONF_STATUS = "CONF_STATUS"
OBS_STATUS_CODES = {
    "A": "Normal value",
    "E": "Estimated value",
    "M": "Missing value; data cannot exist",
    "Q": "Missing value; suppressed",
}
CONF_STATUS_CODES = {
    "F": "Free (free for publication)",
    "C": "Confidential statistical information",
    "D": "Secondary confidentiality set by the sender, not for publication",
}
OBS_STATUS_BY_STATUS = {
    "published": "A",
    "withheld": "Q",
    "primary": "Q",
    "secondary": "Q",
    "rounded": "E",
    "not_applicable": "M",
}
"""SDMX observation status per release status; DP tables' noisy counts are ``E`` too."""
CONF_STATUS_BY_STATUS = {
    "published": "F",
    "withheld": "C",
    "primary": "C",
    "secondary": "D",
    "rounded": "F",
    "not_applicable": "F",
}
"""A release publishes only ``withheld`` (so ``C``): ``D`` would mark secondary cells
apart from primary ones, which hold 1..threshold."""
CONCEPT_SCHEME = "CS_CRIMESTATS"
ICCS_CODELIST = "CL_ICCS"

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


def _concept(field: str) -> SdmxConcept:
    """The SDMX concept and codelist of a field, from the registry of countable fields."""
    from crimestats.stats.fields import FIELDS, sdmx_concept

    known = FIELDS.get(field)
    return known.sdmx if known is not None else sdmx_concept(field)


def _coding(field: str, codes: Mapping[str | None, str], names: Mapping[str, str]) -> Coding:
    concept = _concept(field)
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
    concept = _concept(field)
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
    codings = {name: _CODERS[_concept(name).codelist](name, seen) for name, seen in values.items()}
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


def _codelist(cid: str, name: str, names: Mapping[str, str], agency: str) -> Codelist:
    from pysdmx.model import Code, Codelist

    items = [Code(id=code, name=label) for code, label in names.items()]
    return Codelist(id=cid, name=name, agency=agency, version=VERSION, items=items)


def _concept_urn(agency: str, concept: str) -> str:
    return (
        "urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept="
        f"{agency}:{CONCEPT_SCHEME}({VERSION}).{concept}"
    )


@dataclass(frozen=True, slots=True)
class Structures:
    """Everything the structure message holds, and how each table maps onto it."""

    agency: str
    codings: dict[str, Coding]
    artefacts: list[Any]
    dsds: dict[str, DataStructureDefinition]
    dataflows: dict[str, Dataflow]

    def dataflow_urn(self, table: str) -> str:
        """The short URN a data message of ``table`` refers to."""
        return f"Dataflow={self.agency}:{dataflow_id(table)}({VERSION})"


def dataflow_id(table: str) -> str:
    """``DF_`` and the table name, upper case."""
    return f"DF_{sdmx_id(table)}"


def dsd_id(table: str) -> str:
    """``DSD_`` and the table name, upper case."""
    return f"DSD_{sdmx_id(table)}"


def build_structures(tables: Sequence[ProtectedRows], agency: str) -> Structures:
    """Codelists, concept scheme, DSDs and dataflows for ``tables`` (pysdmx objects)."""
    from pysdmx.model import (
        Component,
        Components,
        Concept,
        ConceptScheme,
        Dataflow,
        DataStructureDefinition,
        DataType,
        Role,
    )

    codings = field_codings(tables)
    lists: dict[str, Codelist] = {}
    for coding in codings.values():
        lists.setdefault(
            coding.codelist_id,
            _codelist(coding.codelist_id, coding.codelist_name, coding.names, agency),
        )
    obs = _codelist("CL_OBS_STATUS", "Observation status", OBS_STATUS_CODES, agency)
    conf = _codelist("CL_CONF_STATUS", "Confidentiality status", CONF_STATUS_CODES, agency)
    concepts: dict[str, Concept] = {}
    for coding in codings.values():
        concepts[coding.dimension] = Concept(
            id=coding.dimension,
            name=_concept(coding.field).concept_name,
            description=f"crimestats field {coding.field}",
            codes=lists[coding.codelist_id],
            urn=_concept_urn(agency, coding.dimension),
        )
    concepts[OBS_VALUE] = Concept(
        id=OBS_VALUE,
        name="Observation value (a count; absent when withheld)",
        dtype=DataType.INTEGER,
        urn=_concept_urn(agency, OBS_VALUE),
    )
    statuses = (
        (OBS_STATUS, "Observation status", obs),
        (CONF_STATUS, "Confidentiality status", conf),
    )
    for cid, name, cl in statuses:
        concepts[cid] = Concept(id=cid, name=name, codes=cl, urn=_concept_urn(agency, cid))
    scheme = ConceptScheme(
        id=CONCEPT_SCHEME,
        name="Concepts of crimestats releases",
        agency=agency,
        version=VERSION,
        items=list(concepts.values()),
    )
    dsds: dict[str, DataStructureDefinition] = {}
    flows: dict[str, Dataflow] = {}
    for table in tables:
        name = table.spec.name
        components = [
            Component(
                id=codings[f].dimension,
                required=True,
                role=Role.DIMENSION,
                concept=concepts[codings[f].dimension],
                local_codes=lists[codings[f].codelist_id],
            )
            for f in table.spec.by
        ]
        components.append(
            Component(
                id=OBS_VALUE,
                required=False,
                role=Role.MEASURE,
                concept=concepts[OBS_VALUE],
                local_dtype=DataType.INTEGER,
            )
        )
        for cid, cl in ((OBS_STATUS, obs), (CONF_STATUS, conf)):
            components.append(
                Component(
                    id=cid,
                    required=True,
                    role=Role.ATTRIBUTE,
                    concept=concepts[cid],
                    local_codes=cl,
                    attachment_level="O",
                )
            )
        title = f"{table.spec.title} (number of {table.spec.unit})"
        dsd = DataStructureDefinition(
            id=dsd_id(name),
            name=title,
            agency=agency,
            version=VERSION,
            components=Components(components),
        )
        dsds[name] = dsd
        flows[name] = Dataflow(
            id=dataflow_id(name),
            name=title,
            agency=agency,
            version=VERSION,
            structure=f"DataStructure={agency}:{dsd.id}({VERSION})",
        )
    artefacts: list[Any] = [*lists.values(), obs, conf, scheme, *dsds.values(), *flows.values()]
    return Structures(agency, codings, artefacts, dsds, flows)


def _add_parents(xml: str, codelist_id: str, parents: Mapping[str, str]) -> str:
    """Insert ``<str:Parent>`` into each code of one codelist of pysdmx's SDMX-ML 2.1."""
    start = xml.find(f'<str:Codelist id="{codelist_id}"')
    if start < 0 or not parents:
        return xml
    end = xml.index("</str:Codelist>", start)
    segment = xml[start:end]

    def add(match: re.Match[str]) -> str:
        parent = parents.get(match[2])
        if parent is None:
            return match[0]
        ref = f'\n\t\t\t\t\t<str:Parent>\n\t\t\t\t\t\t<Ref id="{parent}"/>\n\t\t\t\t\t</str:Parent>'
        return f"{match[1]}{ref}{match[3]}"

    segment = re.sub(r'(<str:Code id="([^"]+)">.*?)(\s*</str:Code>)', add, segment, flags=re.S)
    return xml[:start] + segment + xml[end:]


def structure_xml(structures: Structures, header: Header) -> str:
    """The SDMX-ML 2.1 structure message, with ICCS parents."""
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format

    text = write_sdmx(structures.artefacts, Format.STRUCTURE_SDMX_ML_2_1, header=header)
    assert text is not None  # no output path: pysdmx returns the text
    parents = {c.codelist_id: c.parents for c in structures.codings.values()}
    for codelist_id, links in parents.items():
        text = _add_parents(text, codelist_id, links)
    return text
