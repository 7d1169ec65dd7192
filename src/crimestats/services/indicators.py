"""Indicators, attrition and MSE registration: what ``crimestats indicators``,
``attrition`` and ``mse --register`` call (and the API, later).

Thin on purpose (STYLE.md practice 6): computing lives in :mod:`crimestats.indicators`,
writing in :mod:`crimestats.storage.estimates`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crimestats.checksums import file_sha256
from crimestats.errors import UsageError
from crimestats.services.status import completeness
from crimestats.stats import StatsTable

if TYPE_CHECKING:
    from crimestats.mse import MseResult


def indicators_table(
    db: str | os.PathLike[str] | None, *, area: str | None = None, source: str | None = None
) -> StatsTable:
    """Every indicator; see :func:`crimestats.indicators.indicator_table`."""
    from crimestats.indicators import indicator_table

    table = indicator_table(db, area=area, source=source)
    table.metadata["completeness"] = completeness(db, source)
    return table


def attrition(
    db: str | os.PathLike[str] | None, *, by: str = "iccs_l1", source: str | None = None
) -> StatsTable:
    """The justice-system flow; see :func:`crimestats.indicators.attrition_table`."""
    from crimestats.indicators import attrition_table

    table = attrition_table(db, by=by, source=source)
    table.metadata["completeness"] = completeness(db, source)
    return table


def register_mse(
    db: str | os.PathLike[str] | None,
    result: MseResult,
    *,
    area: str,
    year: int,
    file: Path,
) -> dict[str, Any]:
    """Store one MSE result as the 16.2.2 estimate of ``area`` in ``year``."""
    from crimestats.storage.estimates import EstimateRecord, store_estimate

    if not area.strip():
        raise UsageError("--area is empty", hint="give the area code the lists cover")
    if not 1900 <= year <= 2100:
        raise UsageError(f"--year {year} is out of range", hint="give a year 1900-2100")
    record = EstimateRecord(
        area_code=area,
        year=year,
        method=result.method,
        observed=int(result.observed),
        total=result.total,
        hidden=result.hidden,
        ci_low=result.ci_low,
        ci_high=result.ci_high,
        terms=", ".join(result.terms),
        source_file=file.name,
        file_sha256=file_sha256(file),
    )
    counts = store_estimate(db, record)
    return {"area_code": area, "year": year, "method": result.method,
            "file_sha256": record.file_sha256, **counts}  # fmt: skip
