"""What was rejected and why (``crimestats quarantine``): listed, or exported to CSV.

Each reason is expanded with its rule's message and fix from the catalogue, so an
exported file can be handed to the data provider as it is.
"""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path
from typing import Any, TypedDict

from crimestats.output_files import open_text
from crimestats.storage.reads import ibis_store
from crimestats.validation.catalogue import rule_by_code


class QuarantinedRow(TypedDict):
    """One quarantined row with its reasons explained, as listed and exported.

    ``line`` is the line an editor shows (the header is line 1); ``row_number`` the data
    row (header excluded). They differ by one, unless a quoted value earlier in the file
    spans several lines: DuckDB's CSV reader gives no physical line for a parsed row, so
    ``line`` then counts records, not physical lines (rows the parser rejected carry the
    reader's own line).
    """

    source: str
    file: str
    line: int | None
    row_number: int | None
    incident_id: str | None
    codes: str
    problems: str
    fixes: str
    raw: str


EXPORT_COLUMNS = tuple(QuarantinedRow.__annotations__)
"""The export's header: the row's keys, in the order declared."""


def _explain(reasons_json: str, source: str) -> tuple[str, str, str]:
    reasons = json.loads(reasons_json)
    codes, problems, fixes = [], [], []
    for r in reasons:
        code = r.get("code", "")
        codes.append(code)
        held = r.get("held_by")
        try:
            rule = rule_by_code(code)
            problems.append(rule.render(r.get("value")))
            fixes.append(rule.fix)
        except KeyError:
            problems.append(f"{code} ({r.get('value')})")
        if r.get("format"):
            problems[-1] += f" (the mapping declares the format {r['format']})"
        if held is not None:
            problems[-1] += f"; the key is held by ingest {held} ({r.get('held_by_file')})"
            fixes.append(
                f"to load this version instead: crimestats ingest FILE --source {source} "
                f"--replace; to remove ingest {held}: crimestats ingests undo {held}"
            )
    return "; ".join(codes), "; ".join(problems), "; ".join(dict.fromkeys(fixes))


def _whole(value: Any) -> int | None:
    """An integer cell that may come back as None or NaN."""
    return None if value is None or math.isnan(value) else int(value)


def quarantined_rows(
    db: str | os.PathLike[str] | None = None, *, source: str | None = None
) -> list[QuarantinedRow]:
    """Every quarantined row (optionally of one source), with its reasons explained."""
    with ibis_store(db) as con:
        q = con.table("quarantine")
        if source:
            q = q.filter(q.source == source)
        records = q.order_by(["ingest_id", "row_number"]).to_pyarrow().to_pylist()
    rows: list[QuarantinedRow] = []
    for rec in records:
        codes, problems, fixes = _explain(rec["reasons"], rec["source"])
        row_number = _whole(rec["row_number"])
        rows.append(
            {
                "source": rec["source"],
                "file": rec["file"],
                "line": None if row_number is None else row_number + 1,
                "row_number": row_number,
                "incident_id": rec.get("incident_id"),
                "codes": codes,
                "problems": problems,
                "fixes": fixes,
                "raw": rec["raw"],
            }
        )
    return rows


def export_quarantine(
    rows: list[QuarantinedRow], out: Path, *, overwrite: bool = False, option: str = "--out"
) -> None:
    """Write the rows to a UTF-8 CSV with a fixed header (atomically; an existing file
    only with ``overwrite``, see :mod:`crimestats.output_files`)."""
    with open_text(out, overwrite=overwrite, option=option) as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
