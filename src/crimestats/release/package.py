"""The release's ``datapackage.json``: a Frictionless Data Package describing every file.

Why: a reader (or ``frictionless validate``) must find, for each file, its schema, the
counting unit, the ICCS version, the period basis, how it was protected and where the
data came from, without reading our code. The package profile is ``data-package``: the
tables are tabular resources, but the Parquet copies, the SDMX messages and the map are
not CSV tables, so ``tabular-data-package`` (which demands only tabular resources) would
not fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from crimestats.release.descriptors import ResourceDescriptor, csv_dialect
from crimestats.release.method import Method
from crimestats.release.protection import protection_of
from crimestats.release.public_notes import PublicNotesJson
from crimestats.release.table_schema import ThresholdRule, threshold_rule
from crimestats.release.tables import ProtectedRows, public_disclosure, public_lineage
from crimestats.version import code_version

if TYPE_CHECKING:
    from crimestats.release.dp_files import DpPackageBlock
    from crimestats.release.map_metadata import MapMetadata

ICCS_VERSION = "ICCS v1.0 (UNODC 2015)"
DATAPACKAGE = "datapackage.json"


class PackageNotes(TypedDict, total=False):
    """What a table's protection adds to its ``crimestats`` record (a DP table: that it
    is not reproducible; :meth:`~crimestats.release.protection.Protection.package_notes`)."""

    reproducible: bool


class TableAbout(PackageNotes):
    """A table's ``crimestats`` record in its CSV resource: what it counts, classified
    how, protected how. ``disclosure_control`` is the privacy layer's public record,
    whose keys differ by method and audit (:func:`~crimestats.release.tables.
    public_disclosure`), so it stays a ``dict``."""

    title: str
    counting_unit: str
    classification: str
    period_basis: str | None
    disclosure_control: dict[str, Any]
    statistics: PublicNotesJson


class SeedNote(TypedDict):
    """The seed given for the release's random steps, and what it does not seed."""

    value: int
    note: str


class PackageLineage(TypedDict):
    """Where the data came from: the code, and each ingest as :func:`~crimestats.release.
    tables.public_lineage` publishes it (its keys are the store's lineage columns)."""

    code_version: str
    ingests: list[dict[str, object]]


class ReleaseRecord(TypedDict):
    """The package's own ``crimestats`` record: classification, disclosure control,
    what is never published, lineage, and the DP, seed and map records when used."""

    classification: str
    disclosure_control: ThresholdRule | dict[str, object]
    never_published: list[str]
    lineage: PackageLineage
    differential_privacy: NotRequired[DpPackageBlock]
    seed: NotRequired[SeedNote]
    geographic_masking: NotRequired[MapMetadata]


class _Created(TypedDict, total=False):
    created: str


class DataPackage(_Created):
    """``datapackage.json`` (Frictionless Data Package v1, profile ``data-package``);
    ``created`` only when the release is given ``as_of``."""

    profile: str
    name: str
    title: str
    resources: list[ResourceDescriptor]
    crimestats: ReleaseRecord


def datapackage(
    tables: list[ProtectedRows],
    *,
    threshold: int,
    lineage: list[dict[str, object]],
    as_of: str | None,
    privacy: DpPackageBlock | None = None,
    seed: int | None = None,
) -> DataPackage:
    """The Frictionless Data Package (v1) descriptor of a release, as a dict.

    ``privacy`` is the release-level DP record (:func:`crimestats.release.dp_tables.
    dp_package_block`), given when the release has DP tables.
    """
    resources: list[ResourceDescriptor] = []
    for table in tables:
        protection = protection_of(table.method)
        about: TableAbout = {
            "title": table.spec.title,
            "counting_unit": table.spec.unit,
            "classification": ICCS_VERSION,
            "period_basis": table.notes.period_basis,
            "disclosure_control": public_disclosure(table.disclosure),
            "statistics": table.notes.to_dict(),
            **protection.package_notes(),
        }
        schema = protection.schema(table)
        stem = table.spec.name.replace("_", "-")
        resources.append(
            {
                "profile": "tabular-data-resource",
                "name": stem,
                "path": f"{table.spec.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": csv_dialect(),
                "schema": schema,
                "crimestats": about,
            }
        )
        resources.append(
            {
                "profile": "data-resource",
                "name": f"{stem}-parquet",
                "path": f"{table.spec.name}.parquet",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "schema": schema,
                "description": f"the same table as {table.spec.name}.csv, in Parquet",
            }
        )
    record: ReleaseRecord = {
        "classification": ICCS_VERSION,
        "disclosure_control": disclosure_summary(tables, threshold),
        "never_published": [
            "narratives",
            "incident identifiers",
            "person references",
            "exact dates (tables hold years only)",
        ],
        "lineage": {
            "code_version": code_version(),
            "ingests": public_lineage(lineage, dp=privacy is not None),
        },
    }
    if privacy is not None:
        record["differential_privacy"] = privacy
    if seed is not None:
        record["seed"] = {
            "value": seed,
            "note": "seeds the release's random steps; OpenDP noise cannot be seeded",
        }
    created: _Created = {} if as_of is None else {"created": as_of}
    return {
        "profile": "data-package",
        "name": "crimestats-release",
        "title": "Recorded crime statistics (crimestats release)",
        **created,
        "resources": resources,
        "crimestats": record,
    }


def disclosure_summary(
    tables: Sequence[ProtectedRows], threshold: int
) -> ThresholdRule | dict[str, object]:
    """The release-level method record; unchanged from the first version when all tables
    use the threshold rule, else one entry per method used, each written by its
    protection (:meth:`~crimestats.release.protection.Protection.summary_entry`)."""
    by_method: dict[Method, list[ProtectedRows]] = {}
    for table in tables:
        by_method.setdefault(table.method, []).append(table)
    if set(by_method) <= {Method.THRESHOLD}:
        return threshold_rule(threshold)
    # one entry per method used, each named and written by its protection: open keys
    block: dict[str, object] = {"methods": {t.spec.name: t.method for t in tables}}
    for method, members in by_method.items():
        key, value = protection_of(method).summary_entry(members, threshold)
        block[key] = value
    return block


def sdmx_resources(files: list[str]) -> list[ResourceDescriptor]:
    """Resource descriptors for the SDMX files (docs/sdmx.md)."""
    out: list[ResourceDescriptor] = []
    for name in sorted(files):
        stem = name.rsplit("/", 1)[-1]
        if stem.endswith(".sdmx.csv"):
            fmt, media, what = "csv", "application/vnd.sdmx.data+csv;version=1.0.0", "SDMX-CSV"
        elif stem.startswith("sdmx-structure"):
            fmt, media, what = "xml", "application/vnd.sdmx.structure+xml;version=2.1", "DSD"
        else:
            fmt, media, what = (
                "xml",
                "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
                "SDMX-ML 2.1 structure-specific data",
            )
        slug = "".join(c if c.isalnum() else "-" for c in stem.lower()).strip("-")
        out.append(
            {
                "profile": "data-resource",
                "name": f"sdmx-{slug}",
                "path": name,
                "format": fmt,
                "mediatype": media,
                "description": f"{what} (docs/sdmx.md)",
            }
        )
    return out


__all__ = [
    "DATAPACKAGE",
    "ICCS_VERSION",
    "DataPackage",
    "PackageNotes",
    "ReleaseRecord",
    "TableAbout",
    "datapackage",
    "disclosure_summary",
    "sdmx_resources",
]
