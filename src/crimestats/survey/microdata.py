"""Reading survey files as the design says: joins, out-of-scope rows, series weights.

Why here and once: every estimate must start from the same analysis weights. A child
table (incidents) gets its parent's fields and design variables by a join on the declared
keys -- an incident whose household is missing is refused, since it would have no PSU --
then out-of-scope rows are dropped (``drop_when``: that is the survey's scope, not a
domain), and the series rule multiplies the weight. The result is one pandas frame per
table with three added columns: ``_w`` (the analysis weight), ``_psu_id`` (the row's PSU,
Taylor designs) and ``_pw`` (the parent's weight, to carry replicate weights to a child).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from crimestats.errors import FileRefusedError, UsageError
from crimestats.survey.design import DesignType, SeriesRule, SurveyDesign, TableSpec

WEIGHT = "_w"
PSU_ID = "_psu_id"
PARENT_WEIGHT = "_pw"


@dataclass(frozen=True)
class Survey:
    """A loaded survey: its design and one frame per table (see the module docstring).

    ``psu_strata`` holds the stratum index of each PSU (PSU ids index it); every PSU of the
    design table is there, so PSUs with no incident still count in a variance.
    """

    design: SurveyDesign
    frames: dict[str, pd.DataFrame]
    psu_strata: np.ndarray
    replicate_cache: dict[str, np.ndarray] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )
    """Replicate weights as one matrix per table, built on first use (see ``domains``)."""


def match_files(design: SurveyDesign, files: Sequence[Path]) -> dict[str, Path]:
    """The file of each table: the one whose name starts with the declared ``file``."""
    out: dict[str, Path] = {}
    for spec in design.tables:
        hits = [f for f in files if Path(f).name.startswith(Path(spec.file).name)]
        if len(hits) != 1:
            given = ", ".join(Path(f).name for f in files) or "none"
            raise UsageError(
                f"table {spec.name} needs one file named {spec.file}*; given: {given}",
                hint=f"pass the {spec.name} file (its name starting {spec.file}) to survey load",
            )
        out[spec.name] = Path(hits[0])
    return out


def _read(path: Path, spec: TableSpec) -> pd.DataFrame:
    try:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            # keys as text: a 25-digit id read as a number loses digits, and joins go wrong
            frame = pd.read_csv(path, low_memory=False, dtype=dict.fromkeys(spec.keys, str))
    except (OSError, ValueError) as exc:
        hint = "give a CSV (optionally .gz/.xz) or Parquet file"
        raise FileRefusedError(str(path), "survey-file-unreadable", str(exc), hint=hint) from None
    need = {*spec.keys, spec.weight}
    missing = sorted(need - set(frame.columns))
    if missing:
        raise FileRefusedError(
            str(path), "survey-field-missing", f"has no field {', '.join(missing)} ({spec.name})",
            hint="fix the design file's keys/weight, or give the right file",
        )  # fmt: skip
    return frame


def _in(frame: pd.DataFrame, field: str, values: tuple[float, ...]) -> pd.Series:
    if field not in frame.columns:
        raise UsageError(f"field {field} is not in the data", hint="fix the design file")
    return pd.to_numeric(frame[field], errors="coerce").isin(values)


def series_factor(frame: pd.DataFrame, rule: SeriesRule) -> np.ndarray:
    """How many incidents each record counts for (1 unless a series)."""
    single = np.zeros(len(frame), dtype=bool)
    for field, values in rule.not_series_when:
        single |= _in(frame, field, values).to_numpy()
    count = pd.to_numeric(frame[rule.count], errors="coerce").to_numpy(dtype=float)
    unknown = np.isnan(count) | np.isin(count, rule.unknown_codes)
    n = np.where(unknown, rule.unknown_count, np.minimum(count, rule.cap))
    return np.where(single, 1.0, n)


def _psu_ids(frame: pd.DataFrame, design: SurveyDesign) -> tuple[np.ndarray, np.ndarray]:
    d = design.design
    assert d.strata is not None
    assert d.psu is not None
    for field in (d.strata, d.psu):
        if field not in frame.columns or frame[field].isna().any():
            raise UsageError(
                f"design field {field} is missing or blank in table {d.table}",
                hint="every row of the design table needs a stratum and a PSU",
            )
    groups = frame.groupby([d.strata, d.psu], sort=True)
    codes = groups.ngroup().to_numpy()
    first = groups.size().index.get_level_values(0)
    strata = pd.factorize(first, sort=True)[0]
    return codes.astype(np.int64), np.asarray(strata, dtype=np.int64)


def declared_fields(design: SurveyDesign) -> dict[str, set[str]]:
    """The fields the design names in each table's own file."""
    need = {t.name: {*t.keys, t.weight} for t in design.tables}
    for t in design.tables:
        need[t.name].update(f for f, _ in t.drop_when)
        if t.series is not None:
            need[t.name].update({t.series.count, *(f for f, _ in t.series.not_series_when)})
    d = design.design
    need[d.table].update(f for f in (d.strata, d.psu, *d.replicates) if f is not None)
    if design.crime_types is not None:
        need[design.crime_types.table].add(design.crime_types.field)
    return need


def check_fields(design: SurveyDesign, raw: dict[str, pd.DataFrame]) -> None:
    """Every field the design names is in its table's file (one message for all)."""
    missing = []
    for table, fields in declared_fields(design).items():
        lacking = sorted(fields - set(raw[table].columns))
        if lacking:
            shown = ", ".join(lacking[:8]) + (" ..." if len(lacking) > 8 else "")
            missing.append(f"{table} lacks {shown}")
    if missing:
        raise UsageError(
            f"the files lack fields the design names: {'; '.join(missing)}",
            hint="give the right files, or fix the field names in the design file",
        )


def build_survey(design: SurveyDesign, raw: dict[str, pd.DataFrame]) -> Survey:
    """Frames with analysis weights and design columns, from the raw files."""
    check_fields(design, raw)
    frames: dict[str, pd.DataFrame] = {}
    psu_strata = np.zeros(0, dtype=np.int64)
    order = sorted(design.tables, key=lambda t: t.parent is not None)
    for spec in order:
        frame = raw[spec.name]
        added = {WEIGHT: pd.to_numeric(frame[spec.weight], errors="coerce").fillna(0.0)}
        if spec.name == design.design.table and design.design.type is DesignType.TAYLOR:
            added[PSU_ID], psu_strata = _psu_ids(frame, design)
        # one concat, not column by column: a wide file would fragment (and warn)
        frames[spec.name] = pd.concat([frame, pd.DataFrame(added, index=frame.index)], axis=1)
    for spec in order:
        frame = frames[spec.name]
        if spec.parent is not None:
            frame = _join_parent(spec, frame, frames[spec.parent], design)
        for field, values in spec.drop_when:
            frame = frame[~_in(frame, field, values)]
        if spec.series is not None:
            frame[WEIGHT] = frame[WEIGHT] * series_factor(frame, spec.series)
        frames[spec.name] = frame.reset_index(drop=True)
    return Survey(design, frames, psu_strata)


def _join_parent(
    spec: TableSpec, frame: pd.DataFrame, parent: pd.DataFrame, design: SurveyDesign
) -> pd.DataFrame:
    carry = [c for c in parent.columns if c not in frame.columns or c in (*spec.keys, WEIGHT)]
    right = parent[carry].rename(columns={WEIGHT: PARENT_WEIGHT})
    if right.duplicated(list(spec.keys)).any():
        raise UsageError(
            f"table {spec.parent} has repeated keys {', '.join(spec.keys)}",
            hint=f"the keys of {spec.name} must name one {spec.parent} row each",
        )
    for key in spec.keys:  # keys read as numbers in one file and text in another
        if frame[key].dtype != right[key].dtype:
            frame = frame.assign(**{key: frame[key].astype(str)})
            right = right.assign(**{key: right[key].astype(str)})
    joined = frame.merge(right, on=list(spec.keys), how="left", indicator=True)
    orphans = int((joined["_merge"] != "both").sum())
    if orphans:
        raise UsageError(
            f"{orphans} {spec.name} rows have no {spec.parent} row with the same "
            f"{', '.join(spec.keys)}",
            hint=f"give the complete {spec.parent} file, or fix keys: in the design",
        )
    return joined.drop(columns="_merge")


def read_survey(design: SurveyDesign, files: Sequence[Path]) -> Survey:
    """Read the files of every table and build the survey."""
    paths = match_files(design, files)
    return build_survey(design, {t.name: _read(paths[t.name], t) for t in design.tables})
