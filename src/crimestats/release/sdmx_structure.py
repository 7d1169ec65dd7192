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

The codes of each field (``_T`` for a margin, ``_Z`` for a blank, ICCS codes with their
parents) are :mod:`crimestats.release.sdmx_codes`. Observation status and
confidentiality use the codes of the SDMX cross-domain code lists CL_OBS_STATUS (``A``
normal value, ``Q`` missing value; suppressed) and CL_CONF_STATUS (``F`` free, ``C``
confidential statistical information, for primary suppression, ``D`` secondary
confidentiality set by the sender, for secondary suppression); the codelists are
written under the release's own agency with those codes and names, since SDMX's own
artefacts are maintained by SDMX.

pysdmx writes SDMX-ML 2.1 codelists without code parents, so the ICCS parents are added
to its output as ``<str:Parent><Ref id="..."/></str:Parent>`` (the last child of a code
in the 2.1 schema); the result is checked against the 2.1 XSD by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crimestats.release.sdmx_codes import Coding, field_codings, field_concept, sdmx_id
from crimestats.release.tables import ProtectedRows

if TYPE_CHECKING:
    from pysdmx.model import Codelist, Dataflow, DataStructureDefinition
    from pysdmx.model.message import Header

VERSION = "1.0"
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
            name=field_concept(coding.field).concept_name,
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


__all__ = [
    "CONCEPT_SCHEME",
    "CONF_STATUS",
    "CONF_STATUS_BY_STATUS",
    "CONF_STATUS_CODES",
    "ICCS_CODELIST",
    "OBS_STATUS",
    "OBS_STATUS_BY_STATUS",
    "OBS_STATUS_CODES",
    "OBS_VALUE",
    "VERSION",
    "Coding",
    "Structures",
    "build_structures",
    "dataflow_id",
    "dsd_id",
    "field_codings",
    "sdmx_id",
    "structure_xml",
]
