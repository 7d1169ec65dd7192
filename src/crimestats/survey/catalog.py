"""Surveys loaded beside a store: ``<store>.surveys/<NAME>/``.

Why beside the store and not in it: survey microdata are wide tables whose columns each
design declares (hundreds of NCVS items, 96 RECS replicate weights), and they are not
events -- putting them into the event store would need a new table schema per survey and a
migration for every design change. So each loaded survey is a folder next to the store
file: one Parquet file per table (with the analysis weight and PSU columns already built),
the design file exactly as given, and ``manifest.json`` (when, from which files with their
SHA-256, how many rows, the PSU-to-stratum map). Loading again under the same name
replaces the folder whole (written to a temporary folder, then renamed), so a failed load
leaves the old survey intact.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crimestats.errors import NotFoundError, StoreError, UsageError
from crimestats.storage.store import resolve_db_path
from crimestats.survey.design import SurveyDesign, load_design
from crimestats.survey.microdata import Survey, read_survey

MANIFEST = "manifest.json"
DESIGN_FILE = "design.yaml"


@dataclass(frozen=True, slots=True)
class LoadedSurvey:
    """What ``survey list`` shows of one loaded survey."""

    name: str
    title: str
    year: int | None
    loaded_at: str
    rows: dict[str, int]
    files: dict[str, str]


def survey_root(db: str | Path | None) -> Path:
    """The folder of every survey loaded beside the store."""
    path = resolve_db_path(db)
    if not path.name or path.name in {".", ".."}:
        raise UsageError(
            f"the store path {str(db)!r} names a folder, not a store file",
            hint="give --db a file, e.g. --db crimestats.duckdb",
        )
    return path.with_name(path.name + ".surveys")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_survey(
    db: str | Path | None, name: str, files: Sequence[Path], design_path: Path
) -> LoadedSurvey:
    """Read the files as the design says and keep them beside the store under ``name``."""
    design = load_design(design_path)
    if design.name != name:
        raise UsageError(
            f"the design file names the survey {design.name!r}, not {name!r}",
            hint=f"use crimestats survey load {design.name} ..., or change name: in the file",
        )
    survey = read_survey(design, files)
    root = survey_root(db)
    target, tmp = root / name, root / f".{name}.loading"
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for table, frame in survey.frames.items():
            frame.to_parquet(tmp / f"{table}.parquet", index=False)
        shutil.copyfile(design_path, tmp / DESIGN_FILE)
        manifest: dict[str, Any] = {
            "name": name,
            "title": design.title,
            "year": design.year,
            "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "rows": {t: len(f) for t, f in survey.frames.items()},
            "files": {Path(f).name: _sha256(Path(f)) for f in files},
            "psu_strata": survey.psu_strata.tolist(),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise StoreError(f"cannot write survey {name} under {root}: {exc}",
                         hint="give --db a store in a folder you may write") from None  # fmt: skip
    return _entry(manifest)


def _entry(m: dict[str, Any]) -> LoadedSurvey:
    return LoadedSurvey(m["name"], m["title"], m["year"], m["loaded_at"], m["rows"], m["files"])


def list_surveys(db: str | Path | None) -> list[LoadedSurvey]:
    """Every survey loaded beside the store, by name."""
    root = survey_root(db)
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(root.iterdir()):
        manifest = folder / MANIFEST
        if folder.is_dir() and not folder.name.startswith(".") and manifest.is_file():
            out.append(_entry(json.loads(manifest.read_text(encoding="utf-8"))))
    return out


def open_survey(db: str | Path | None, name: str) -> Survey:
    """A loaded survey, ready to estimate from."""
    folder = survey_root(db) / name
    if not (folder / MANIFEST).is_file():
        known = ", ".join(s.name for s in list_surveys(db)) or "none"
        raise NotFoundError(
            f"no survey {name!r} is loaded beside {resolve_db_path(db)} (loaded: {known})",
            hint="load it: crimestats survey load NAME FILE... --design DESIGN.yaml",
        )
    design: SurveyDesign = load_design(folder / DESIGN_FILE)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    frames = {t.name: pd.read_parquet(folder / f"{t.name}.parquet") for t in design.tables}
    return Survey(design, frames, np.asarray(manifest["psu_strata"], dtype=np.int64))
