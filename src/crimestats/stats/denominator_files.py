"""Reading and checking denominator files: population CSVs and area GeoJSON.

A rate is only as good as its denominator, so these files are checked as a whole before
anything is stored (all or nothing, one transaction in
:mod:`crimestats.storage.denominators`): every problem is reported with the file, the
row (or feature) and the column, and the file is refused. Populations use the same sex
values as the flat v1 layout and the UNODC age groups of
:data:`crimestats.stats.fields.AGE_GROUPS`, so they join to the tables' cells.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from crimestats.errors import FileRefusedError
from crimestats.stats.fields import AGE_GROUPS

POPULATION_REQUIRED: Final[tuple[str, ...]] = ("area_code", "year", "population")
POPULATION_OPTIONAL: Final[tuple[str, ...]] = ("sex", "age_group")
POPULATION_SEXES: Final[tuple[str, ...]] = ("male", "female", "other")
POPULATION_AGE_GROUPS: Final[tuple[str, ...]] = tuple(g[0] for g in AGE_GROUPS)
YEAR_RANGE: Final[tuple[int, int]] = (1900, 2100)
_MAX_SHOWN = 10


@dataclass(frozen=True, slots=True)
class PopulationRow:
    """One denominator: the population of an area in a year (of a sex / age group)."""

    area_code: str
    year: int
    sex: str | None
    age_group: str | None
    population: float


@dataclass(frozen=True, slots=True)
class AreaRow:
    """One area with its GeoJSON geometry (as text)."""

    area_code: str
    name: str | None
    level: str
    parent_code: str | None
    geometry: str | None


def _refuse(path: Path, code: str, problems: list[str], hint: str) -> FileRefusedError:
    shown = "; ".join(problems[:_MAX_SHOWN])
    more = f" (and {len(problems) - _MAX_SHOWN} more)" if len(problems) > _MAX_SHOWN else ""
    return FileRefusedError(str(path), code, f"{shown}{more}; nothing was loaded", hint=hint)


def _folder(path: Path) -> FileRefusedError:
    return FileRefusedError(
        str(path), "file-is-a-folder", "is a folder, not a file", hint="give the file's path"
    )


def read_population_csv(path: Path) -> list[PopulationRow]:
    """Read and check a population CSV; raises FileRefusedError listing every problem."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            records = list(reader)
    except FileNotFoundError:
        from crimestats.errors import NotFoundError

        raise NotFoundError(f"no file {path}", hint="check the path") from None
    except IsADirectoryError:
        raise _folder(path) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileRefusedError(
            str(path), "file-unreadable", f"cannot read the CSV: {exc}",
            hint="save it as UTF-8 CSV with a header row",
        ) from exc  # fmt: skip
    allowed = (*POPULATION_REQUIRED, *POPULATION_OPTIONAL)
    missing = [c for c in POPULATION_REQUIRED if c not in header]
    unknown = [c for c in header if c not in allowed]
    if missing or unknown or len(set(header)) != len(header):
        parts = [f"missing column(s) {', '.join(missing)}"] if missing else []
        parts += [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        parts += ["duplicate column names"] if len(set(header)) != len(header) else []
        raise _refuse(
            path, "columns-invalid", parts,
            f"the columns are {', '.join(POPULATION_REQUIRED)} and optionally "
            f"{', '.join(POPULATION_OPTIONAL)}",
        )  # fmt: skip
    if not records:
        raise _refuse(path, "file-empty", ["no rows"], "add one row per area and year")
    problems: list[str] = []
    rows: list[PopulationRow] = []
    seen: dict[tuple[str, int, str | None, str | None], int] = {}
    for number, rec in enumerate(records, start=2):  # row 1 is the header
        row = _population_row(rec, number, problems)
        if row is None:
            continue
        key = (row.area_code, row.year, row.sex, row.age_group)
        if key in seen:
            problems.append(f"row {number}: duplicates row {seen[key]} (same area_code, year, "
                            "sex and age_group)")  # fmt: skip
            continue
        seen[key] = number
        rows.append(row)
    if problems:
        raise _refuse(
            path, "population-invalid", problems,
            f"years are whole numbers {YEAR_RANGE[0]}-{YEAR_RANGE[1]}; populations numbers "
            f">= 0; sex one of {', '.join(POPULATION_SEXES)}; age_group one of "
            f"{', '.join(POPULATION_AGE_GROUPS)} (blank for totals); one row per key",
        )  # fmt: skip
    return rows


def _population_row(rec: dict[str, Any], number: int, problems: list[str]) -> PopulationRow | None:
    """Check one CSV record; appends its problems and returns None when it has any."""
    before = len(problems)
    if None in rec:  # more cells than header columns
        problems.append(f"row {number}: more cells than columns")
        return None
    area = (rec.get("area_code") or "").strip()
    if not area:
        problems.append(f"row {number}, column area_code: blank")
    year_text = (rec.get("year") or "").strip()
    year = int(year_text) if year_text.isdigit() else None
    if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        problems.append(f"row {number}, column year: {year_text!r} is not a year "
                        f"{YEAR_RANGE[0]}-{YEAR_RANGE[1]}")  # fmt: skip
    pop_text = (rec.get("population") or "").strip()
    try:
        population = float(pop_text)
    except ValueError:
        population = math.nan
    if not math.isfinite(population) or population < 0:
        problems.append(f"row {number}, column population: {pop_text!r} is not a number >= 0")
    sex = (rec.get("sex") or "").strip().lower() or None
    if sex is not None and sex not in POPULATION_SEXES:
        problems.append(f"row {number}, column sex: {sex!r} is not one of "
                        f"{', '.join(POPULATION_SEXES)}")  # fmt: skip
    age = (rec.get("age_group") or "").strip() or None
    if age is not None and age not in POPULATION_AGE_GROUPS:
        problems.append(f"row {number}, column age_group: {age!r} is not one of "
                        f"{', '.join(POPULATION_AGE_GROUPS)}")  # fmt: skip
    if len(problems) > before or year is None:
        return None
    return PopulationRow(area, year, sex, age, population)


def read_areas_geojson(
    path: Path,
    *,
    code_property: str,
    name_property: str | None = None,
    level: str = "area",
    parent_property: str | None = None,
) -> list[AreaRow]:
    """Read a GeoJSON FeatureCollection of areas; raises FileRefusedError on any problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        from crimestats.errors import NotFoundError

        raise NotFoundError(f"no file {path}", hint="check the path") from None
    except IsADirectoryError:
        raise _folder(path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileRefusedError(
            str(path), "file-unreadable", f"not a JSON document: {exc}",
            hint="pass a GeoJSON FeatureCollection (UTF-8)",
        ) from exc  # fmt: skip
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise _refuse(path, "geojson-invalid", ["no features (not a FeatureCollection?)"],
                      "pass a GeoJSON FeatureCollection with one feature per area")  # fmt: skip
    problems: list[str] = []
    rows: list[AreaRow] = []
    seen: dict[str, int] = {}
    for i, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            problems.append(f"feature {i}: no properties")
            continue
        code = _text(props.get(code_property))
        if code is None:
            problems.append(f"feature {i}, property {code_property}: missing or blank")
            continue
        if code in seen:
            problems.append(f"feature {i}, property {code_property}: {code!r} repeats "
                            f"feature {seen[code]}")  # fmt: skip
            continue
        seen[code] = i
        geometry = feature.get("geometry")
        rows.append(
            AreaRow(
                area_code=code,
                name=_text(props.get(name_property)) if name_property else None,
                level=level,
                parent_code=_text(props.get(parent_property)) if parent_property else None,
                geometry=json.dumps(geometry, separators=(",", ":")) if geometry else None,
            )
        )
    if problems:
        raise _refuse(path, "geojson-invalid", problems,
                      f"every feature needs a unique, non-blank property {code_property!r}; "
                      "choose it with --code-property")  # fmt: skip
    return rows


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
