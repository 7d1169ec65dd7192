"""Writing registered estimates: multiple systems estimates of hidden victims (16.2.2).

``crimestats mse FILE --register --area CODE --year YYYY`` stores the chosen MSE result
here, so that ``crimestats indicators`` can put the estimated total of victims of
trafficking beside the detected count. One estimate per (area, year, method): registering
again replaces it (a corrected list file supersedes the old one), in one transaction.
The file's SHA-256 is kept as lineage.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from crimestats.errors import StoreError
from crimestats.storage.store import open_store


@dataclass(frozen=True, slots=True)
class EstimateRecord:
    """One row of ``mse_estimates`` (see migration 3)."""

    area_code: str
    year: int
    method: str
    observed: int
    total: float | None
    hidden: float | None
    ci_low: float | None
    ci_high: float | None
    terms: str
    source_file: str
    file_sha256: str


def store_estimate(db: str | os.PathLike[str] | None, record: EstimateRecord) -> dict[str, int]:
    """Insert ``record``, replacing a stored estimate of the same area, year and method."""
    key = [record.area_code, record.year, record.method]
    with open_store(db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            row = con.execute(
                "SELECT count(*) FROM mse_estimates WHERE area_code = ? AND year = ? "
                "AND method = ?",
                key,
            ).fetchone()
            replaced = int(row[0]) if row else 0
            con.execute(
                "DELETE FROM mse_estimates WHERE area_code = ? AND year = ? AND method = ?", key
            )
            con.execute(
                "INSERT INTO mse_estimates (area_code, year, method, observed, total, hidden, "
                "ci_low, ci_high, terms, source_file, file_sha256, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    *key,
                    record.observed,
                    record.total,
                    record.hidden,
                    record.ci_low,
                    record.ci_high,
                    record.terms,
                    record.source_file,
                    record.file_sha256,
                    datetime.now(UTC).replace(tzinfo=None),
                ],
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"storing the MSE estimate failed: {exc}") from exc
    return {"rows": 1, "replaced": replaced}
