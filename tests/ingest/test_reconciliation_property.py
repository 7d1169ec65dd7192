"""Property: for any rows at all, read = accepted + quarantined + duplicates, and every
row can be found again (in the store's ledger, in quarantine, or as a duplicate)."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crimestats.services.ingesting import ingest_files

FIELDS = ["incident_id", "reported_date", "occurred_start", "national_label", "offence_seq",
          "victim_seq", "victim_age", "victim_sex", "lat", "lon", "weapon"]  # fmt: skip

cell = st.one_of(
    st.just(""),
    st.sampled_from(["A", "B", "C"]),  # few ids, so duplicates and conflicts happen
    st.sampled_from(["2024-01-01", "2024-02-30", "1850-01-01", "2999-01-01", "x"]),
    st.sampled_from(["1", "2", "0", "150", "-3", "41.9", "95", "male", "knife", "gun"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=8),
)
row = st.fixed_dictionaries(dict.fromkeys(FIELDS, cell))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=25), st.booleans())
def test_no_row_is_ever_lost(rows: list[dict[str, str]], twice: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        db = Path(tmp) / "s.duckdb"
        results = ingest_files([path] * (2 if twice else 1), source="p", db=db)
        for r in results:
            if r.refused:  # e.g. a cell with a newline cut short: nothing may load then
                assert r.read == 0
                continue
            assert r.read == r.accepted + r.quarantined + r.duplicates
        con = duckdb.connect(str(db), read_only=True)
        ledger = con.execute("SELECT count(*) FROM row_ledger").fetchone()[0]  # type: ignore[index]
        quarantined = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]  # type: ignore[index]
        con.close()
        first = results[0]
        if not first.refused:
            assert ledger == first.accepted
            assert quarantined == first.quarantined
            assert first.read == len(rows)
        if twice and not first.refused:
            assert results[1].duplicates == results[1].read  # the same file adds nothing
