"""The release as SDMX: a structure message, and each table as SDMX-ML 2.1 and SDMX-CSV.

Why SDMX: it is how international crime statistics are exchanged (the UN-CTS and
most statistical offices publish SDMX), so a release should load into any SDMX tool
without a hand-made mapping. Files written (see docs/sdmx.md):

* ``sdmx-structure.xml``: SDMX-ML 2.1 structure message: codelists (the full ICCS v1.0
  with parents, sources, sex, age group, years, observation and confidentiality
  status), one concept scheme, one DSD and one dataflow per table;
* ``<table>.sdmx.xml``: the table as an SDMX-ML 2.1 structure-specific data message
  (observations keyed by every dimension, ``dimensionAtObservation="AllDimensions"``);
* ``<table>.sdmx.csv``: the same observations as SDMX-CSV 1.0.

Byte-identical for the same input: pysdmx would stamp each message with a random id and
the current time, so the header's ``Prepared`` is ``prepared`` (or the Unix epoch) and
its ``ID`` is a digest of the message itself. Every cell of a table is one observation:
a withheld count has no ``OBS_VALUE``, ``OBS_STATUS`` ``Q`` and ``CONF_STATUS`` ``C``
(primary and secondary alike: telling them apart would say which hold 1..3); a
published one ``A`` and ``F``; a structural zero (a category its source cannot have,
status ``not_applicable``) has no ``OBS_VALUE``, ``OBS_STATUS`` ``M`` (missing value;
data cannot exist) and ``CONF_STATUS`` ``F``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crimestats.errors import UsageError
from crimestats.release.protection import protection_of
from crimestats.release.sdmx_codes import sdmx_id
from crimestats.release.sdmx_structure import (
    CONF_STATUS,
    CONF_STATUS_BY_STATUS,
    OBS_STATUS,
    OBS_STATUS_BY_STATUS,
    OBS_VALUE,
    Structures,
    build_structures,
    dataflow_id,
    structure_xml,
)
from crimestats.release.table_cells import COUNT, STATUS
from crimestats.release.tables import ProtectedRows

if TYPE_CHECKING:
    from pysdmx.io.pd import PandasDataset
    from pysdmx.model.message import Header

STRUCTURE_FILE = "sdmx-structure.xml"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PLACEHOLDER = "CRIMESTATS_MESSAGE_ID_PLACEHOLDER"
_AGENCY = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


def data_file(table: str) -> str:
    """The SDMX-ML data file of a table."""
    return f"{table}.sdmx.xml"


def csv_file(table: str) -> str:
    """The SDMX-CSV file of a table."""
    return f"{table}.sdmx.csv"


def _prepared(prepared: str | None) -> datetime:
    if prepared is None:
        return EPOCH
    try:
        stamp = datetime.fromisoformat(prepared)
    except ValueError as exc:
        raise UsageError(
            f"{prepared!r} is not an ISO date or date-time",
            hint="write it like 2024-06-30 or 2024-06-30T12:00:00",
        ) from exc
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _header(agency: str, prepared: datetime) -> Header:
    from pysdmx.model import Organisation
    from pysdmx.model.message import Header

    return Header(id=_PLACEHOLDER, prepared=prepared, sender=Organisation(id=agency))


def _stamp(text: str, prefix: str) -> str:
    """Replace the placeholder message id by a digest of the message (same text, same id)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16].upper()
    return text.replace(_PLACEHOLDER, f"{prefix}_{digest}", 1)


def _dataset(table: ProtectedRows, structures: Structures) -> PandasDataset:
    """One row per cell: codes of the dimensions, the count (absent when withheld), status."""
    import pyarrow as pa
    from pysdmx.io.pd import PandasDataset
    from pysdmx.model import Schema

    codings = [structures.codings[name] for name in table.spec.by]
    columns: dict[str, list[str | int | None]] = {c.dimension: [] for c in codings}
    columns.update({OBS_VALUE: [], OBS_STATUS: [], CONF_STATUS: []})
    estimates = protection_of(table.method).estimates
    for row in table.rows:
        for coding in codings:
            columns[coding.dimension].append(coding.code(row[coding.field]))
        count = row[COUNT]
        columns[OBS_VALUE].append(None if count is None else int(count))
        status = OBS_STATUS_BY_STATUS[row[STATUS]]
        noisy = estimates and row[STATUS] == "published"
        columns[OBS_STATUS].append("E" if noisy else status)
        columns[CONF_STATUS].append(CONF_STATUS_BY_STATUS[row[STATUS]])
    dsd = structures.dsds[table.spec.name]
    schema = Schema(
        context="dataflow",
        agency=structures.agency,
        id=dataflow_id(table.spec.name),
        components=dsd.components,
        version=dsd.version,
        name=dsd.name,
    )
    # pyarrow builds the frame (pysdmx wants pandas; pyarrow keeps nulls as nulls)
    types = {name: pa.int64() if name == OBS_VALUE else pa.string() for name in columns}
    frame = pa.table({name: pa.array(v, type=types[name]) for name, v in columns.items()})
    return PandasDataset(structure=schema, data=frame.to_pandas())


def _data_xml(dataset: PandasDataset, header: Header, flow: str) -> str:
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format

    text = write_sdmx(
        [dataset],
        Format.DATA_SDMX_ML_2_1_STR,
        header=header,
        dimension_at_observation="AllDimensions",
    )
    if text is None:  # pragma: no cover - pysdmx returns the text without a path
        raise RuntimeError("pysdmx wrote no SDMX-ML")
    # pysdmx puts the dataflow's id into ss:dataScope; the 2.1 schema wants the kind
    return text.replace(f'ss:dataScope="{flow}"', 'ss:dataScope="Dataflow"')


def _data_csv(dataset: PandasDataset) -> str:
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format

    text = write_sdmx([dataset], Format.DATA_SDMX_CSV_1_0_0)
    if text is None:  # pragma: no cover - pysdmx returns the text without a path
        raise RuntimeError("pysdmx wrote no SDMX-CSV")
    return text.replace("\r\n", "\n")


def write_sdmx(
    folder: Path,
    tables: Sequence[ProtectedRows],
    *,
    agency: str = "CRIMESTATS",
    prepared: str | None = None,
) -> list[str]:
    """Write structure + data files into folder, return the file names written (relative).

    Parameters
    ----------
    folder : Path
        An existing folder; files of the same names are overwritten.
    tables : sequence of ProtectedRows
        The protected standard tables (only published counts are written).
    agency : str
        The maintenance agency of every artefact and the sender of every message.
    prepared : str, optional
        ISO date or date-time for the messages' ``Prepared``; default the Unix epoch,
        so two runs give the same bytes.
    """
    if not _AGENCY.fullmatch(agency):
        raise UsageError(
            f"{agency!r} is not a valid SDMX agency id",
            hint="use letters, digits, '_' and '-', starting with a letter, e.g. CRIMESTATS",
        )
    stamp = _prepared(prepared)
    try:
        import pysdmx.io  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the extra is installed for the tests
        raise UsageError(
            "SDMX output needs pysdmx, which is not installed",
            hint="pip install 'pysdmx[data,xml]' (the SDMX extra of crimestats)",
        ) from exc
    structures = build_structures(tables, agency)
    texts: dict[str, str] = {
        STRUCTURE_FILE: _stamp(structure_xml(structures, _header(agency, stamp)), "STRUCTURE")
    }
    for table in tables:
        name = table.spec.name
        dataset = _dataset(table, structures)
        xml = _data_xml(dataset, _header(agency, stamp), dataflow_id(name))
        texts[data_file(name)] = _stamp(xml, sdmx_id(name))
        texts[csv_file(name)] = _data_csv(dataset)
    for file_name, text in texts.items():
        (folder / file_name).write_text(text, encoding="utf-8", newline="")
    return list(texts)


__all__ = ["STRUCTURE_FILE", "csv_file", "data_file", "write_sdmx"]
