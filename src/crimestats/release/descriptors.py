"""The Frictionless descriptors a release writes into ``datapackage.json``, as types.

Why: a table's CSV resource, its Parquet copy, the SDMX messages and the map files are
described by the same few JSON shapes (a resource, its table schema, a field, the CSV
dialect), written by four modules (:mod:`~crimestats.release.package`,
:mod:`~crimestats.release.table_schema`, :mod:`~crimestats.release.dp_files`,
:mod:`~crimestats.release.map_metadata`). Declared once here as ``TypedDict``\\s (the
JSON is written as it is built, so a dict that mypy checks is the form that costs
nothing and keeps every key in its place), a misspelt key or a missing one is a type
error, not a silently different ``datapackage.json``. The key order of each literal is
the order of the file: the types say which keys, the builders say in which order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NotRequired, TypedDict


class FieldConstraints(TypedDict, total=False):
    """A Frictionless field's ``constraints`` (only those a release uses)."""

    required: bool
    minimum: int
    enum: list[str]


class FieldDescriptor(TypedDict):
    """One column of a tabular resource (Frictionless Table Schema ``fields[]``)."""

    name: str
    type: str
    description: str
    constraints: NotRequired[FieldConstraints]


class TableSchemaDescriptor(TypedDict):
    """A Frictionless Table Schema: the columns, the key, and what a blank means."""

    fields: list[FieldDescriptor]
    primaryKey: list[str]
    missingValues: NotRequired[list[str]]


class CsvDialect(TypedDict):
    """How every CSV file of a release is written."""

    delimiter: str
    lineTerminator: str
    header: bool


class ResourceDescriptor(TypedDict):
    """One file of the release (Frictionless ``resources[]``).

    ``crimestats`` is this project's own record of the file (a table's
    :class:`~crimestats.release.package.TableAbout`, a map's
    :class:`~crimestats.release.map_metadata.MapSummary`).
    """

    profile: str
    name: str
    path: str
    format: str
    mediatype: str
    encoding: NotRequired[str]
    dialect: NotRequired[CsvDialect]
    schema: NotRequired[TableSchemaDescriptor]
    description: NotRequired[str]
    crimestats: NotRequired[Mapping[str, object]]


def csv_dialect() -> CsvDialect:
    """The dialect of every CSV file a release writes (``csv.writer``, ``\\n`` lines)."""
    return {"delimiter": ",", "lineTerminator": "\n", "header": True}


def field_descriptor(name: str, kind: str, description: str) -> FieldDescriptor:
    """A field without constraints."""
    return {"name": name, "type": kind, "description": description}


__all__ = [
    "CsvDialect",
    "FieldConstraints",
    "FieldDescriptor",
    "ResourceDescriptor",
    "TableSchemaDescriptor",
    "csv_dialect",
    "field_descriptor",
]
