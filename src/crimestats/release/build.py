"""Build a release folder: protected tables, ``datapackage.json``, report and manifest.

Why: publishing is where confidentiality is won or lost, so a release is built in one
step from the store with disclosure control on by default, carries everything a reader
needs to trust it (units, ICCS version, method, audit, lineage), and is reproducible:
the same store and options give a byte-identical folder (no timestamps unless
``as_of`` is given). Only aggregates leave the store: no narrative, incident id, person
reference or exact date is ever written.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crimestats.errors import UsageError
from crimestats.privacy import DEFAULT_THRESHOLD
from crimestats.privacy.threshold import check_threshold
from crimestats.release.files import (
    MANIFEST,
    csv_text,
    json_text,
    manifest_text,
    report_html,
    write_parquet,
)
from crimestats.release.tables import (
    COUNT,
    STANDARD_TABLES,
    STATUS,
    STATUSES,
    TOTAL_LABEL,
    ProtectedRows,
    protect_standard_table,
)
from crimestats.storage.releases import ingest_lineage, record_release
from crimestats.storage.store import open_store, resolve_db_path
from crimestats.version import code_version

ICCS_VERSION = "ICCS v1.0 (UNODC 2015)"
DATAPACKAGE = "datapackage.json"
REPORT = "report.html"


@dataclass(frozen=True, slots=True)
class ReleaseResult:
    """What :func:`build_release` wrote.

    Attributes
    ----------
    directory : Path
        The release folder.
    files : list of str
        Every file written, relative to ``directory``, sorted (the manifest last).
    manifest : str
        The text of ``MANIFEST.sha256``.
    release_id : str
        The first 16 hex digits of the manifest's SHA-256 (same folder, same id).
    tables : dict
        Per table: rows written, primary and secondary cells.
    recorded : bool
        Whether the release was recorded in the store's ``releases`` table.
    """

    directory: Path
    files: list[str]
    manifest: str
    release_id: str
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    recorded: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (``--json``)."""
        return {
            "directory": str(self.directory),
            "release_id": self.release_id,
            "files": self.files,
            "tables": self.tables,
            "recorded": self.recorded,
        }


def _check_as_of(as_of: str | None) -> datetime | None:
    if as_of is None:
        return None
    try:
        return datetime.fromisoformat(as_of)
    except ValueError as exc:
        raise UsageError(
            f"--as-of {as_of!r} is not an ISO date or date-time",
            hint="write it like 2024-06-30 or 2024-06-30T12:00:00",
        ) from exc


def _prepare_folder(out: Path, *, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file, not a folder", hint="pass --out a folder path")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UsageError(
            f"{out} is not empty",
            hint="pass an empty or new folder, or --force to overwrite the release files in it",
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"cannot create {out}: {exc.strerror or exc}",
            hint="check that you may write there",
        ) from exc


def _schema(table: ProtectedRows) -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    for name in table.spec.by:
        fields.append(
            {
                "name": name,
                "type": "string",
                "description": f"{name}; '{TOTAL_LABEL}' in margin rows; blank = no value",
            }
        )
    fields.append(
        {
            "name": COUNT,
            "type": "integer",
            "description": f"number of {table.spec.unit}; blank when withheld",
            "constraints": {"minimum": 0},
        }
    )
    fields.append(
        {
            "name": STATUS,
            "type": "string",
            "description": "published, or why the count is withheld",
            "constraints": {"required": True, "enum": list(STATUSES)},
        }
    )
    return {"fields": fields, "primaryKey": list(table.spec.by), "missingValues": [""]}


def datapackage(
    tables: list[ProtectedRows],
    *,
    threshold: int,
    lineage: list[dict[str, object]],
    as_of: str | None,
) -> dict[str, Any]:
    """The Frictionless Data Package (v1) descriptor of a release, as a dict."""
    resources: list[dict[str, Any]] = []
    for table in tables:
        about = {
            "title": table.spec.title,
            "counting_unit": table.spec.unit,
            "classification": ICCS_VERSION,
            "period_basis": table.notes.get("period_basis"),
            "disclosure_control": table.disclosure,
            "statistics": table.notes,
        }
        schema = _schema(table)
        stem = table.spec.name.replace("_", "-")
        resources.append(
            {
                "profile": "tabular-data-resource",
                "name": stem,
                "path": f"{table.spec.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
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
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "crimestats-release",
        "title": "Recorded crime statistics (crimestats release)",
    }
    if as_of is not None:
        package["created"] = as_of
    package["resources"] = resources
    package["crimestats"] = {
        "classification": ICCS_VERSION,
        "disclosure_control": {
            "method": "threshold rule with secondary suppression across every margin",
            "threshold": threshold,
            "protection_width": threshold,
            "zeros": "published",
            "withheld": "blank count, status primary or secondary",
            "reference": "docs/disclosure-control.md",
        },
        "never_published": [
            "narratives",
            "incident identifiers",
            "person references",
            "exact dates (tables hold years only)",
        ],
        "lineage": {"code_version": code_version(), "ingests": lineage},
    }
    return package


def build_release(
    db: str | os.PathLike[str] | None,
    out: str | os.PathLike[str],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    as_of: str | None = None,
    force: bool = False,
    record: bool = True,
) -> ReleaseResult:
    """Write a protected, reproducible release of the standard tables into ``out``.

    Parameters
    ----------
    db : path, optional
        The store (default ``$CRIMESTATS_DB`` or ``./crimestats.duckdb``); must exist.
    out : path
        The release folder: created if missing; refused if not empty unless ``force``.
    threshold : int
        Counts ``1..threshold`` are withheld (and enough others to protect them).
    as_of : str, optional
        An ISO date or date-time written as ``created`` into ``datapackage.json``; without
        it the folder has no timestamp at all (two builds are byte-identical).
    force : bool
        Write into a non-empty folder, overwriting release files of the same names
        (other files stay, and are not in the manifest).
    record : bool
        Also add a row to the store's ``releases`` table.
    """
    threshold = check_threshold(threshold)
    stamp = _check_as_of(as_of)
    folder = Path(out)
    path = resolve_db_path(db)
    with open_store(path, read_only=True) as con:
        lineage = ingest_lineage(con)
    _prepare_folder(folder, force=force)
    tables = [protect_standard_table(path, spec, threshold=threshold) for spec in STANDARD_TABLES]
    written: list[str] = []
    try:
        for table in tables:
            csv_name = f"{table.spec.name}.csv"
            (folder / csv_name).write_text(csv_text(table), encoding="utf-8", newline="")
            parquet_name = f"{table.spec.name}.parquet"
            write_parquet(table, folder / parquet_name)
            written += [csv_name, parquet_name]
        package = datapackage(tables, threshold=threshold, lineage=lineage, as_of=as_of)
        (folder / DATAPACKAGE).write_text(json_text(package), encoding="utf-8", newline="")
        html = report_html(tables, threshold=threshold, code_version=code_version(), as_of=as_of)
        (folder / REPORT).write_text(html, encoding="utf-8", newline="")
        written += [DATAPACKAGE, REPORT]
        manifest = manifest_text(folder, written)
        (folder / MANIFEST).write_text(manifest, encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(
            f"cannot write the release into {folder}: {exc.strerror or exc}",
            hint="check the free space and that you may write there",
        ) from exc

    release_id = hashlib.sha256(manifest.encode("utf-8")).hexdigest()[:16]
    summary = {
        table.spec.name: {
            "rows": len(table.rows),
            "primary_cells": int(table.disclosure.get("primary_cells", 0)),
            "secondary_cells": int(table.disclosure.get("secondary_cells", 0)),
        }
        for table in tables
    }
    if record:
        config = {"threshold": threshold, "as_of": as_of, "tables": [t.spec.name for t in tables]}
        created = stamp if stamp is not None else datetime.now(UTC).replace(tzinfo=None)
        with open_store(path) as con:
            record_release(
                con,
                release_id=release_id,
                created_at=created,
                directory=str(folder.resolve()),
                config_json=json.dumps(config, sort_keys=True),
                manifest=manifest,
            )
    return ReleaseResult(
        directory=folder,
        files=[*sorted(written), MANIFEST],
        manifest=manifest,
        release_id=release_id,
        tables=summary,
        recorded=record,
    )


__all__ = ["DATAPACKAGE", "ICCS_VERSION", "REPORT", "ReleaseResult", "build_release"]
