"""The JSON documents of privacy and services, pinned byte for byte.

Why: these modules moved from ``dict[str, Any]`` to typed structures (TypedDicts,
frozen dataclasses); the standard says every byte a command, API answer or release
writes stays the same. The expected files in ``tests/tidy4/data/`` were written by
running this module as a script (``python tests/tidy4/test_tidy4_json_pinned.py
[case...]``) against the UNCHANGED code at ``main`` 7cbb695 (``PYTHONPATH`` at
``git archive 7cbb695 src``), before the typing work, and were not edited by hand.
Each document is serialised as ``crimestats --json`` prints it (``json.dumps(indent=2,
default=str, ensure_ascii=False)``), so key order counts.

Documents: ``crimestats status`` (store_status, completeness) over the bundled Memphis
robberies with a victims file; an ingest summary and a sources summary built from fixed
records; a protected table's disclosure record (suppression, rounding); linked tables'
metadata with their joint audit; the cross-unit audit record of a passing and a failing
repair; quarantined rows as listed and as exported to CSV; a classify summary.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crimestats.privacy import protect_rows, protect_table
from crimestats.privacy.cross_repair import protect_across_units, table_record
from crimestats.privacy.cross_unit import UnitTable, build_cross_system, cross_audit
from crimestats.privacy.joint import Hierarchy
from crimestats.privacy.linked import LinkedTable, protect_linked
from crimestats.services.classifying import ClassifyResult
from crimestats.services.demo import bundled_path, mapping_path
from crimestats.services.ingesting import (
    IngestResult,
    ingest_files,
    sources_summary,
    summarise,
)
from crimestats.services.quarantine import export_quarantine, quarantined_rows
from crimestats.services.status import completeness, store_status
from crimestats.storage.sources import IngestRecord

DATA = Path(__file__).resolve().parent / "data"
MEMPHIS = "code_memphis/memphis_robberies.csv.gz"


def _dump(document: Any) -> str:
    """As ``crimestats.cli.output.print_json`` writes it."""
    return json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n"


def _load(db: Path, source: str, name: str, lines: list[str]) -> None:
    """Write ``lines`` as a flat v1 CSV next to the store and ingest it."""
    path = db.parent / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest_files([path], source=source, db=db)


def _status(tmp: Path) -> Any:
    db = tmp / "s.duckdb"
    mapping = mapping_path("code_memphis_robberies.yaml")
    for _ in range(2):  # a no-op re-ingest: counted once
        ingest_files([bundled_path(MEMPHIS)], source="memphis", db=db, mapping=mapping)
    lines = [
        "incident_id,reported_date,national_label,victim_seq,victim_age,victim_sex,"
        "suspect_seq,suspect_age",
        "A,2024-01-01,Theft,1,30,female,1,",
        "B,2024-01-02,Theft,1,,unknown,1,40",
        "C,2024-03-03,Theft,1,,male,1,",
    ]
    _load(db, "p", "p.csv", lines)
    return {"status": store_status(db), "completeness": completeness(db)}


def _ingest_summaries(_tmp: Path) -> Any:
    results = [
        IngestResult(
            file="a.csv", source="s", read=10, accepted=7, quarantined=2, duplicates=1,
            warnings=3, issues={"date-bad": 2, "age-bad": 1}, ingest_id=4, replaced=[1, 2],
            conflicts_held_by=[{"ingest_id": 1, "file": "old.csv", "rows": 5}],
            profile=[{"code": "skew", "field": "age", "detail": "all 30"}],
        ),
        IngestResult(
            file="b.csv", source="s",
            refused={"code": "file-empty", "message": "empty", "fix": "give rows"},
        ),
        IngestResult(file="c.csv", source="s", read=1, accepted=1, issues={"age-bad": 4}),
    ]  # fmt: skip
    records = [
        IngestRecord(1, "s", "incidents", "a.csv", "aa", "2024-01-01", 5, 5, 0, 0,
                     "superseded", 3),
        IngestRecord(2, "t", "incidents", "b.csv", "bb", "2024-01-02", 2, 1, 1, 0, "active",
                     None),
        IngestRecord(3, "s", "incidents", "a2.csv", "cc", "2024-01-03", 6, 4, 1, 1, "active",
                     None),
        IngestRecord(4, "s", "incidents", "a2.csv", "cc", "2024-01-04", 6, 0, 0, 6, "active",
                     None),
    ]  # fmt: skip
    return {"summary": summarise(results), "sources": sources_summary(records)}


def _protected(_tmp: Path) -> Any:
    rows = [
        {"area": a, "year": y, "count": n}
        for (a, y), n in {
            ("N", 2020): 2, ("N", 2021): 9, ("S", 2020): 7, ("S", 2021): 8,
            ("E", 2020): 12, ("E", 2021): 1,
        }.items()
    ]  # fmt: skip
    out, protected = protect_rows(rows, ["area", "year"], threshold=3)
    _, rounded = protect_rows(rows, ["area", "year"], protection="round", base=5)
    table = protect_table(np.array([[2, 0], [0, 4]]), threshold=3)
    return {
        "rows": out,
        "suppressed": protected.metadata(),
        "rounded": rounded.metadata(),
        "small": table.metadata(),
        "parameters": protected.parameters,
    }


def _linked(_tmp: Path) -> Any:
    by_l1 = [
        {"year": y, "l1": c, "count": n}
        for (y, c), n in {
            (2020, "01"): 5,
            (2020, "02"): 2,
            (2021, "01"): 6,
            (2021, "02"): 9,
        }.items()
    ]
    by_l2 = [
        {"year": y, "l2": c, "count": n}
        for (y, c), n in {
            (2020, "0101"): 4, (2020, "0102"): 1, (2020, "0201"): 2,
            (2021, "0101"): 3, (2021, "0102"): 3, (2021, "0201"): 9,
        }.items()
    ]  # fmt: skip
    hierarchy = Hierarchy("l2", "l1", {"0101": "01", "0102": "01", "0201": "02"})
    found = protect_linked(
        [LinkedTable(["year", "l1"], by_l1), LinkedTable(["year", "l2"], by_l2)],
        hierarchies=[hierarchy],
    )
    return [{"rows": rows, "metadata": meta} for rows, meta in found]


INC = ("source", "year", "iccs_l1")
OFF = ("source", "iccs_l2")


def _cross(_tmp: Path) -> Any:
    """The red team's case of tests/privacy/test_privacy_cross_unit.py, as counts."""
    inc = [
        {"source": s, "year": "2020", "iccs_l1": c, "count": n}
        for (s, c), n in {("x", "01"): 1922, ("y", "01"): 41, ("y", "02"): 20}.items()
    ]
    off = [
        {"source": s, "iccs_l2": c, "count": n}
        for (s, c), n in {("x", "0101"): 1914, ("x", "0103"): 8, ("y", "0101"): 40,
                          ("y", "0103"): 1, ("y", "0202"): 20}.items()
    ]  # fmt: skip
    truth = {"inc": (INC, inc), "off": (OFF, off)}

    def run(extra: Mapping[str, list[dict[str, Any]]]) -> list[UnitTable]:
        tables = []
        for name, unit in (("inc", "incidents"), ("off", "offences")):
            fields, rows = truth[name]
            published, _ = protect_rows(rows, list(fields), threshold=3, forced=extra.get(name))
            withheld = [{f: r[f] for f in fields} for r in published if r["status"] != "published"]
            tables.append(UnitTable(name, unit, fields, rows, withheld))
        return tables

    final, system, report = protect_across_units(run({}), run, protection_width=3.0)
    mask = system.mask(final)
    passing = [table_record(system, report, t, mask) for t in range(len(final))]
    first = run({})
    raw = build_cross_system(first)
    raw_mask = raw.mask(first)
    wide = cross_audit(raw, raw_mask, 50.0)  # a width nothing meets: the failing record
    failing = [table_record(raw, wide, t, raw_mask) for t in range(len(first))]
    return {"passing": passing, "failing": failing}


def _quarantine(tmp: Path) -> Any:
    """Quarantined rows of a file with a bad date, a duplicate key and a blank id, as
    ``crimestats quarantine --json`` lists them and ``--out`` writes them (the store's
    temporary path replaced by ``TMP``)."""
    db = tmp / "q.duckdb"
    lines = [
        "incident_id,reported_date,national_label",
        "A,2024-01-01,Theft",
        "B,2024-13-45,Theft",
        "A,2024-01-02,Burglary",
        ",2024-01-03,Theft",
        'C,2024-02-30,"Theft, ""minor"""',
    ]
    _load(db, "q", "q.csv", lines)
    rows = quarantined_rows(db, source="q")
    out = tmp / "q_out.csv"
    export_quarantine(rows, out)
    text = out.read_text(encoding="utf-8")
    document = {"rows": rows, "csv": text}  # line ends included
    return json.loads(json.dumps(document, default=str).replace(str(tmp), "TMP"))


def _classify(_tmp: Path) -> Any:
    """``crimestats classify --json`` of a fixed result (by_method sorted on output)."""
    result = ClassifyResult(
        groups=3,
        offences=12,
        by_method={"table": 7, "model": 4, "people": 1},
        distinct_texts_modelled=2,
        needs_review=1,
        store_summary={"coded": 11, "uncoded": 1},
    )
    return result.to_dict()


CASES: dict[str, Callable[[Path], Any]] = {
    "classify": _classify,
    "quarantine": _quarantine,
    "status": _status,
    "ingest_summaries": _ingest_summaries,
    "protected": _protected,
    "linked": _linked,
    "cross_unit": _cross,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_is_byte_for_byte_as_before(name: str, tmp_path: Path) -> None:
    expected = (DATA / f"{name}.json").read_text(encoding="utf-8")
    assert _dump(CASES[name](tmp_path)) == expected


if __name__ == "__main__":  # write the expected files (only from the unchanged code)
    import tempfile

    for case, make in CASES.items():
        if len(sys.argv) > 1 and case not in sys.argv[1:]:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            (DATA / f"{case}.json").write_text(_dump(make(Path(tmp))), encoding="utf-8")
