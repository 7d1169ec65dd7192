"""Files built from the bundled real sources that reproduce the partial-period problems of
issue 13, and the stores they make (shared by the period tests of stats and release).

* ``nypd_cut``: the bundled NYPD hate-crime file (complaints recorded 2019-01-01 to
  2023-09-30) cut after a date: its last year is partial ("a partial last year").
* ``memphis_late``: the bundled Memphis robberies of 2019 (CODE, one date per robbery)
  as a flat v1 file, where the robberies of the first days of January are recorded as
  reported ``delay`` days later, in 2020: a 2019 extract whose late reports make a year
  2020 with a few dozen incidents (the "2022 (98) and 2023 (16)" of the issue).

The expected figures are counted from these files with Python's csv module.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from tests.conftest import write_flat

from crimestats.services.demo import bundled_path, mapping_path
from crimestats.services.ingesting import ingest_files

NYPD = "nypd_hate_crimes/nypd_hate_crimes.csv.gz"
MEMPHIS = "code_memphis/memphis_robberies.csv.gz"


def _raw(relative: str) -> tuple[list[str], list[dict[str, str]]]:
    with gzip.open(bundled_path(relative), "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def nypd_day(row: dict[str, str]) -> date:
    """The report date of an NYPD row (``Record Create Date``, MM/DD/YYYY)."""
    return datetime.strptime(row["Record Create Date"], "%m/%d/%Y").date()


def nypd_cut(folder: Path, until: date) -> tuple[Path, list[dict[str, str]]]:
    """The NYPD rows recorded up to ``until``, as a CSV in the original layout."""
    header, rows = _raw(NYPD)
    kept = [r for r in rows if nypd_day(r) <= until]
    path = folder / f"nypd_until_{until.isoformat()}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(kept)
    return path, kept


def nypd_incidents_by(rows: list[dict[str, str]], key: str = "year") -> Counter[str]:
    """Incidents (distinct complaints; a complaint repeats once per arrest) by report year
    or month, counted from the raw rows."""
    first: dict[str, date] = {}
    for r in rows:
        first.setdefault(r["Full Complaint ID"], nypd_day(r))
    fmt = "%Y" if key == "year" else "%Y-%m"
    return Counter(d.strftime(fmt) for d in first.values())


def memphis_late(
    folder: Path, late: int = 40, delay: int = 400
) -> tuple[Path, list[dict[str, str]]]:
    """The Memphis robberies as flat v1 rows; the ``late`` earliest reported ``delay`` days late."""
    _, rows = _raw(MEMPHIS)
    rows.sort(key=lambda r: (r["date"], r["uid"]))
    out = []
    for i, r in enumerate(rows):
        occurred = datetime.strptime(r["date"], "%Y-%m-%dT%H:%M:%SZ")
        reported = occurred.date() + timedelta(days=delay if i < late else 0)
        out.append(
            {
                "incident_id": r["uid"],
                "reported_date": reported.isoformat(),
                "occurred_start": occurred.strftime("%Y-%m-%d %H:%M:%S"),
                "national_label": r["offense_type"],
                "lat": r["latitude"],
                "lon": r["longitude"],
            }
        )
    return write_flat(folder / "memphis_late.csv", out), out


def ingest(db: Path, path: Path, source: str, mapping: str | None = None) -> None:
    """Ingest one file (with a shipped mapping, or as flat v1); fails the test if refused."""
    result = ingest_files(
        [path], source=source, db=db, mapping=None if mapping is None else mapping_path(mapping)
    )[0]
    assert result.refused is None, result.refused
    assert result.quarantined == 0, result.issues
