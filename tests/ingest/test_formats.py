"""CSV, gzip CSV and Parquet of the same rows load to the same store."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from tests.conftest import base_row, write_flat

from crimestats.services.ingesting import ingest_files

ROWS = [
    base_row(incident_id="P1", victim_age="30", lat="51.5", lon="-0.1"),
    base_row(incident_id="P2", offence_seq="1", national_label="Theft"),
    base_row(incident_id="P2", offence_seq="2", national_label="Robbery"),
    base_row(incident_id="P3", reported_date="2024-02-30"),
]


def _dump(db: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT i.incident_id, i.reported_date, i.lat, o.offence_seq, o.national_label "
            "FROM incidents i JOIN offences o USING (source, incident_id) ORDER BY 1, 4"
        ).fetchall()
    finally:
        con.close()


def test_csv_gzip_and_parquet_agree(tmp_path: Path) -> None:
    plain = write_flat(tmp_path / "rows.csv", ROWS)
    gz = tmp_path / "rows.csv.gz"
    with plain.open("rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    fields = [*list(ROWS[0].keys()), "victim_age", "lat", "lon", "offence_seq"]
    columns = {f: [r.get(f) or None for r in ROWS] for f in dict.fromkeys(fields)}
    columns["victim_age"] = [30, None, None, None]  # typed Parquet columns are fine too
    parquet = tmp_path / "rows.parquet"
    pq.write_table(pa.table(columns), parquet)
    dumps = []
    for i, path in enumerate((plain, gz, parquet)):
        db = tmp_path / f"s{i}.duckdb"
        result = ingest_files([path], source="s", db=db)[0]
        assert (result.read, result.accepted, result.quarantined) == (4, 3, 1), path
        dumps.append(_dump(db))
    assert dumps[0] == dumps[1] == dumps[2]
    assert [row[0] for row in dumps[0]] == ["P1", "P2", "P2"]
