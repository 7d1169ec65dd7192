"""A source's versions (issue 13 item 2): a mistaken mapping is fixed by ``ingest
--replace``, one ingest is removed by ``ingests undo``, and ``sources`` lists them.

Real data: the bundled Memphis robberies (CODE), counted independently with the csv module.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from tests.conftest import big_label_file, reopen_after_crash, table_counts

from crimestats.services.demo import bundled_path, mapping_path
from crimestats.services.ingesting import ingest_files

MEMPHIS = "code_memphis/memphis_robberies.csv.gz"
EVENT_TABLES = ("incidents", "offences", "victims", "suspects", "quarantine", "row_ledger")


def _raw() -> list[dict[str, str]]:
    with gzip.open(bundled_path(MEMPHIS), "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _mistaken_mapping(tmp_path: Path) -> Path:
    """The shipped mapping with one mistake: the label read from the date column."""
    text = mapping_path("code_memphis_robberies.yaml").read_text(encoding="utf-8")
    wrong = tmp_path / "mistaken.yaml"
    wrong.write_text(
        text.replace("national_label: offense_type", "national_label: date"), encoding="utf-8"
    )
    return wrong


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crimestats", *args], capture_output=True, text=True, check=False
    )


def _labels(db: Path) -> Counter[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT national_label FROM offences").fetchall()
    finally:
        con.close()
    return Counter(str(r[0]) for r in rows)


def test_mistaken_mapping_is_fixed_by_replace(tmp_path: Path) -> None:
    raw = _raw()
    ids = {r["uid"] for r in raw}
    db = tmp_path / "s.duckdb"
    file = bundled_path(MEMPHIS)
    (first,) = ingest_files([file], source="memphis", db=db, mapping=_mistaken_mapping(tmp_path))
    assert first.accepted == len(ids)
    assert _labels(db) == Counter(r["date"] for r in raw)  # the mistake is in the store

    right = mapping_path("code_memphis_robberies.yaml")
    (again,) = ingest_files([file], source="memphis", db=db, mapping=right)
    # Without --replace every changed row conflicts with the store, and says who holds it.
    assert again.accepted == 0
    assert again.quarantined == len(raw)
    assert again.conflicts_held_by == [
        {"ingest_id": first.ingest_id, "file": str(file.resolve()), "rows": len(raw)}
    ]

    proc = _cli("ingest", str(file), "--source", "memphis", "--mapping", str(right),
                "--db", str(db), "--replace", "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)["files"][0]
    assert out["accepted"] == len(ids)
    assert out["quarantined"] == 0
    assert sorted(out["replaced"]) == sorted([first.ingest_id, again.ingest_id])
    assert _labels(db) == Counter(r["offense_type"] for r in raw)
    # Only the new version counts; the old one is kept for lineage, not counted.
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM incidents").fetchone() == (len(ids),)
        assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)
        kept = con.execute(
            "SELECT count(*) FROM superseded_rows WHERE table_name = 'incidents'"
        ).fetchone()
        assert kept == (len(ids),)
    finally:
        con.close()

    listed = _cli("sources", "--db", str(db), "--json")
    assert listed.returncode == 0, listed.stderr
    (entry,) = json.loads(listed.stdout)["sources"]
    assert entry["version"] == 2
    assert entry["active_ingests"] == [out["ingest_id"]]
    states = [(i["ingest_id"], i["state"]) for i in entry["ingests"]]
    assert states == [
        (first.ingest_id, "superseded"), (again.ingest_id, "superseded"),
        (out["ingest_id"], "active"),
    ]  # fmt: skip

    # Undoing the replace brings the mistaken version back, rows and quarantine alike.
    undone = _cli("ingests", "undo", str(out["ingest_id"]), "--db", str(db), "--json")
    assert undone.returncode == 0, undone.stderr
    assert json.loads(undone.stdout)["restored"] == [first.ingest_id, again.ingest_id]
    assert _labels(db) == Counter(r["date"] for r in raw)
    assert table_counts(db, ("incidents", "quarantine", "superseded_rows")) == (
        len(ids), len(raw), 0,
    )  # fmt: skip


def test_undo_removes_one_ingest_and_keeps_its_record(tmp_path: Path) -> None:
    raw = _raw()
    db = tmp_path / "s.duckdb"
    mapping = mapping_path("code_memphis_robberies.yaml")
    small = tmp_path / "extra.csv"
    small.write_text(
        "incident_id,reported_date,national_label,victim_age\nX1,2024-01-01,Theft,30\n"
        "X2,2024-01-02,Theft,999\n",
        encoding="utf-8",
    )
    ingest_files([bundled_path(MEMPHIS)], source="memphis", db=db, mapping=mapping)
    before = table_counts(db, EVENT_TABLES)
    (extra,) = ingest_files([small], source="flat", db=db)
    assert extra.accepted == 1
    assert extra.quarantined == 1
    assert table_counts(db, EVENT_TABLES) != before

    proc = _cli("ingests", "undo", str(extra.ingest_id), "--db", str(db), "--json")
    assert proc.returncode == 0, proc.stderr
    removed = json.loads(proc.stdout)["removed"]
    assert removed["incidents"] == 1
    assert removed["quarantine"] == 1
    assert table_counts(db, EVENT_TABLES) == before
    assert table_counts(db, ("incidents",)) == (len({r["uid"] for r in raw}),)

    again = _cli("ingests", "undo", str(extra.ingest_id), "--db", str(db))
    assert again.returncode == 1
    assert "already undone" in again.stderr
    missing = _cli("ingests", "undo", "999", "--db", str(db))
    assert missing.returncode == 1
    assert "fix:" in missing.stderr
    listed = json.loads(_cli("ingests", "list", "--db", str(db), "--json").stdout)["ingests"]
    assert [i["state"] for i in listed] == ["active", "undone"]

    # The undone file loads again in full (not counted as duplicates of itself).
    (back,) = ingest_files([small], source="flat", db=db)
    assert (back.accepted, back.quarantined, back.duplicates) == (1, 1, 0)


def test_undo_refuses_to_orphan_a_later_ingests_records(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    head = "incident_id,reported_date,national_label,offence_seq\n"
    one = tmp_path / "one.csv"
    one.write_text(head + "A1,2024-01-01,Theft,1\n", encoding="utf-8")
    two = tmp_path / "two.csv"
    two.write_text(head + "A1,2024-01-01,Theft,1\nA1,2024-01-01,Assault,2\n", encoding="utf-8")
    (first,) = ingest_files([one], source="s", db=db)
    (second,) = ingest_files([two], source="s", db=db)
    assert second.accepted == 1
    proc = _cli("ingests", "undo", str(first.ingest_id), "--db", str(db))
    assert proc.returncode == 1
    assert f"undo ingests {second.ingest_id} first" in proc.stderr
    assert table_counts(db, ("incidents", "offences")) == (1, 2)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [3.0, 4.0, 5.0])
def test_kill_minus_9_mid_replace_keeps_the_old_version(tmp_path: Path, delay: float) -> None:
    rows = 200_000
    db = tmp_path / "s.duckdb"
    cli = [sys.executable, "-m", "crimestats", "ingest", "--db", str(db), "--source", "x", "--json"]
    subprocess.run([*cli, str(big_label_file(tmp_path / "v1.csv", rows, "Theft"))], check=True,
                   capture_output=True)  # fmt: skip
    new = big_label_file(tmp_path / "v2.csv", rows, "Burglary")
    proc = subprocess.Popen([*cli, "--replace", str(new)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reopen_after_crash(db)
    labels = _labels(db)
    # Either the old version counts whole, or the new one does: never a mix, never none.
    assert labels in (Counter({"Theft": rows}), Counter({"Burglary": rows}))


# The ingest profile (issue 13 item 3): warnings on distributions that look like mistakes.


def _issues(db: Path, ingest_id: int | None) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT code, value FROM ingest_issues WHERE ingest_id = ? AND code LIKE 'profile-%'",
            [ingest_id],
        ).fetchall()
    finally:
        con.close()
    return {str(c): str(v) for c, v in rows}


def _flat(path: Path, raw: list[dict[str, str]], age: dict[int, str] | None = None) -> Path:
    """Memphis rows in the flat v1 layout, with a victim whose age is given per row."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["incident_id", "reported_date", "national_label", "victim_seq",
                         "victim_age", "lat", "lon"])  # fmt: skip
        for i, r in enumerate(raw):
            writer.writerow([r["uid"], r["date"][:10], r["offense_type"], 1,
                             (age or {}).get(i, str(18 + int(r["uid"]) % 60)),
                             r["latitude"], r["longitude"]])  # fmt: skip
    return path


def test_profile_warns_on_a_sentinel_age(tmp_path: Path) -> None:
    raw = _raw()
    sentinel = dict.fromkeys(range(0, len(raw), 4), "99")  # 99 meant 'unknown' in this export
    db = tmp_path / "s.duckdb"
    (result,) = ingest_files([_flat(tmp_path / "m.csv", raw, sentinel)], source="m", db=db)
    ages = Counter(sentinel.get(i, str(18 + int(r["uid"]) % 60)) for i, r in enumerate(raw))
    assert ages.most_common(1)[0][0] == "99"
    detail = _issues(db, result.ingest_id)["profile-age-spike"]
    assert f"age 99 holds {ages['99'] / len(raw):.0%} of {len(raw):,} known victim ages" in detail
    assert [w["code"] for w in result.profile] == ["profile-age-spike"]
    (clean,) = ingest_files([_flat(tmp_path / "c.csv", raw)], source="c", db=db)
    assert clean.profile == []


def test_profile_warns_on_a_batch_date_a_blank_column_and_a_recoding(tmp_path: Path) -> None:
    raw = _raw()
    half = len(raw) // 2
    db = tmp_path / "s.duckdb"
    (first,) = ingest_files([_flat(tmp_path / "a.csv", raw[:half])], source="m", db=db)
    assert first.profile == []
    later = [dict(r) for r in raw[half:]]
    for i, r in enumerate(later):
        r["latitude"] = r["longitude"] = ""  # the export lost its coordinates
        if i % 3 == 0:
            r["date"] = "2019-12-31"  # a batch date instead of the report date
        if i % 2 == 0:
            r["offense_type"] = "business robbery"  # the source recoded
    (second,) = ingest_files([_flat(tmp_path / "b.csv", later)], source="m", db=db)
    issues = _issues(db, second.ingest_id)
    days = Counter(r["date"][:10] for r in later)
    top = days["2019-12-31"]
    assert issues["profile-date-spike"].startswith(
        f"2019-12-31 holds {top / len(later):.0%} of {len(later):,} incidents ({top:,})"
    )
    assert "lat is blank in 100%" in issues["profile-field-blank"]
    recoded = sum(1 for r in later if r["offense_type"] == "business robbery")
    assert f"{recoded / len(later):.0%} of this ingest's" in issues["profile-category-shift"]


def test_a_release_lineage_lists_only_the_ingests_that_still_count(tmp_path: Path) -> None:
    """A replaced or undone ingest adds nothing to the tables, so a release's lineage
    (datapackage.json) does not list it: one file replaced by another leaves one input."""
    from crimestats.storage.releases import ingest_lineage
    from crimestats.storage.store import open_store

    db = tmp_path / "s.duckdb"
    old = tmp_path / "old.csv"
    old.write_text("incident_id,reported_date,national_label\nA1,2024-01-01,Theft\n")
    new = tmp_path / "new.csv"
    new.write_text("incident_id,reported_date,national_label\nA1,2024-01-01,Robbery\n")
    ingest_files([old], source="s", db=db)
    ingest_files([new], source="s", db=db, replace=True)
    with open_store(db, read_only=True) as con:
        lineage = ingest_lineage(con)
        sha = con.execute("SELECT file_sha256 FROM ingests ORDER BY ingest_id").fetchall()
    assert len(sha) == 2
    assert [entry["sha256"] for entry in lineage] == [sha[1][0]]


def test_profile_warns_on_age_zero_below_a_spike(tmp_path: Path) -> None:
    """Age 0 on one victim in twenty (5%: above the 3% of profile-age-zero, far below the
    15% of a spike) is 'age 0 meaning unknown' more often than babies: warned, not loaded
    silently into the 0-14 group."""
    raw = _raw()
    zeros = dict.fromkeys(range(0, len(raw), 20), "0")
    db = tmp_path / "s.duckdb"
    (result,) = ingest_files([_flat(tmp_path / "z.csv", raw, zeros)], source="z", db=db)
    share = len(zeros) / len(raw)
    assert 0.03 < share < 0.15
    assert [w["code"] for w in result.profile] == ["profile-age-zero"]
    assert "profile-age-zero" in _issues(db, result.ingest_id)
