"""What was rejected and why (``crimestats quarantine``): listed, or exported to CSV.

Each reason is expanded with its rule's message and fix from the catalogue, so an
exported file can be handed to the data provider as it is.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

from crimestats.output_files import open_text
from crimestats.storage.reads import ibis_store
from crimestats.validation.catalogue import rule_by_code

EXPORT_COLUMNS = ("source", "file", "row_number", "codes", "problems", "fixes", "raw")


def _explain(reasons_json: str) -> tuple[str, str, str]:
    reasons = json.loads(reasons_json)
    codes, problems, fixes = [], [], []
    for r in reasons:
        code = r.get("code", "")
        codes.append(code)
        try:
            rule = rule_by_code(code)
            problems.append(rule.render(r.get("value")))
            fixes.append(rule.fix)
        except KeyError:
            problems.append(f"{code} ({r.get('value')})")
    return "; ".join(codes), "; ".join(problems), "; ".join(dict.fromkeys(fixes))


def quarantined_rows(
    db: str | os.PathLike[str] | None = None, *, source: str | None = None
) -> list[dict[str, Any]]:
    """Every quarantined row (optionally of one source), with its reasons explained."""
    with ibis_store(db) as con:
        q = con.table("quarantine")
        if source:
            q = q.filter(q.source == source)
        records = q.order_by(["ingest_id", "row_number"]).to_pyarrow().to_pylist()
    rows = []
    for rec in records:
        codes, problems, fixes = _explain(rec["reasons"])
        rows.append(
            {
                "source": rec["source"],
                "file": rec["file"],
                "row_number": None
                if rec["row_number"] != rec["row_number"]
                else int(rec["row_number"]),
                "codes": codes,
                "problems": problems,
                "fixes": fixes,
                "raw": rec["raw"],
            }
        )
    return rows


def export_quarantine(
    rows: list[dict[str, Any]], out: Path, *, overwrite: bool = False, option: str = "--out"
) -> None:
    """Write the rows to a UTF-8 CSV with a fixed header (atomically; an existing file
    only with ``overwrite``, see :mod:`crimestats.output_files`)."""
    with open_text(out, overwrite=overwrite, option=option) as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
