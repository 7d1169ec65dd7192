"""The review queue for throughput: one row per text of a source, most records first,
the ICCS line that decides between the top candidates, and an answer that codes every
offence with that text and source.

The store is built from the bundled Chicago extract. Chicago gives each IUCR code its
own text, so to meet a force that files one wording under two codes (a recoding between
releases) the test splits the group the model could not code, "OFFENSE INVOLVING
CHILDREN: OTHER OFFENSE" (IUCR 1780, 21 records), into two national codes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from crimestats.domain.enums import IccsMethod
from crimestats.iccs.codings import Candidate, Coding
from crimestats.iccs.review_queue import ReviewGroup, deciding_rule, review_items
from crimestats.services.classifying import classify, export_review, import_review
from crimestats.services.demo import BUNDLED, bundled_path, mapping_path
from crimestats.services.ingesting import ingest_files

TEXT = "OFFENSE INVOLVING CHILDREN: OTHER OFFENSE"


def _q(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def chicago(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("queue") / "chicago.duckdb"
    (item,) = [b for b in BUNDLED if b.source == "chicago"]
    ingest_files(
        [bundled_path(item.file)], source="chicago", db=db, mapping=mapping_path(item.mapping)
    )
    classify(db)
    # one wording under two national codes: 1780 keeps the odd records, 1780B the rest
    _q(
        db,
        "UPDATE offences SET national_code = '1780B' WHERE national_code = '1780' AND "
        "incident_id IN (SELECT incident_id FROM offences WHERE national_code = '1780' "
        "ORDER BY incident_id LIMIT 8)",
    )
    classify(db)
    return db


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_identical_texts_are_one_row_and_one_answer_codes_them_all(
    chicago: Path, tmp_path: Path
) -> None:
    groups = dict(
        _q(
            chicago,
            "SELECT national_code, count(*) FROM offences WHERE needs_review "
            "GROUP BY 1 ORDER BY 2 DESC",
        )
    )
    assert groups == {"1780": 13, "1780B": 8}  # the split, both still for review
    queue = tmp_path / "queue.csv"
    assert export_review(chicago, queue) == 1
    (row,) = _rows(queue)
    assert (row["national_code"], row["other_codes"], row["offences"]) == ("1780", "1780B", "21")
    assert row["text"] == TEXT
    assert row["review_reason"]  # why a person must look
    row["iccs_code"] = "02"  # a reviewer's answer for the row
    with queue.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    result = import_review(chicago, queue, reviewer="tester")
    assert (result["answers"], result["national_codes"], result["offences_updated"]) == (1, 2, 21)
    coded = _q(
        chicago,
        "SELECT national_code, iccs_code, iccs_method, count(*) FROM offences "
        "WHERE national_code IN ('1780', '1780B') GROUP BY ALL ORDER BY 1",
    )
    assert coded == [("1780", "02", "manual", 13), ("1780B", "02", "manual", 8)]
    entries = _q(chicago, "SELECT national_code, iccs_code FROM correspondence ORDER BY 1")
    assert entries == [("1780", "02"), ("1780B", "02")]
    classify(chicago)  # a rerun keeps both answers
    assert _q(chicago, "SELECT count(*) FROM offences WHERE needs_review") == [(0,)]


def _coding(text: str, *codes: str, rules: tuple[str, ...] = ()) -> Coding:
    return Coding(
        text=text,
        code=codes[0],
        confidence=0.5,
        method=IccsMethod.MODEL,
        top3=tuple(Candidate(c, c, 0.5) for c in codes),
        explanation=(),
        similar=(),
        needs_review=True,
        rules=rules,
    )


def test_rows_are_ordered_by_records_and_grouped_by_normal_text() -> None:
    groups = [
        ReviewGroup("a", "k1", None, "Theft - other", 5),
        ReviewGroup("a", "k2", None, "THEFT OTHER", 7),
        ReviewGroup("b", "k1", None, "Theft - other", 9),  # another source: its own row
        ReviewGroup("a", "k3", None, "Arson", 10),
    ]
    codings = [_coding(g.text, "0502") for g in groups]
    items = review_items(groups, codings)
    assert [(i.source, i.first.key, i.offences) for i in items] == [
        ("a", "k2", 12),
        ("a", "k3", 10),
        ("b", "k1", 9),
    ]
    assert [g.key for g in items[0].groups] == ["k2", "k1"]


def test_the_deciding_rule_is_the_classifications_own_line() -> None:
    # no scope rule separates burglary from damage; ICCS 0501's exclusions do
    # (iccs_v1_codes.csv, read by hand)
    assert deciding_rule(_coding("break in, window smashed", "0501", "0504")) == (
        "ICCS 0501 excludes 'property damage (0504)'"
    )
    # a scope rule that separates the two comes first
    assert deciding_rule(_coding("bunco", "0502", "0701")).startswith("rule deceit-is-fraud:")
    by_rule = deciding_rule(_coding("burglary from car", "0501", "050222"))
    assert by_rule.startswith("rule burglary-needs-premises: excluded from 0501")
    fired = _coding("x", "050222", rules=("rule burglary-needs-premises ('car'): 0501 -> 050222",))
    assert deciding_rule(fired) == fired.rules[0]
    assert deciding_rule(_coding("x", "0502")) == ""
