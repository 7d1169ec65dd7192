"""A source listed for whole review sends every autocoder coding of it to the queue.

Two sources hold the same offence texts (made up for this test, in no bundled table, so
the autocoder codes them). Without a policy the two are coded alike; with one on
``penal``, every model coding of ``penal`` needs review and its review rows name the
policy, ``police`` is unchanged, the policy survives the next ``classify``, and ``--off``
gives back the threshold's decision. Expected values come from the run without a policy
(the same model codes the same text alike), not from the code under test.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import duckdb
from tests.conftest import base_row, run_cli

from crimestats.errors import NotFoundError, UsageError
from crimestats.services.classifying import classify, export_review
from crimestats.services.ingesting import IngestResult

TEXTS = (
    "Theft of a pedal cycle from outside a house",
    "Murder of a shopkeeper",
    "Possession of cannabis for personal use",
    "Breach of trust by a clerk of the court",
)


def _rows(prefix: str) -> list[dict[str, str]]:
    return [
        base_row(incident_id=f"{prefix}{i}", offence_seq="1", national_label=text)
        for i, text in enumerate(TEXTS)
    ]


def _review_flags(db: Path, source: str) -> dict[str, bool]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT national_label, needs_review FROM offences "
            "WHERE source = ? AND iccs_method = 'model'",
            [source],
        ).fetchall()
    finally:
        con.close()
    return {str(label): bool(flag) for label, flag in rows}


def test_a_whole_source_policy_reviews_every_model_coding_of_it_only(
    ingest_rows: Callable[..., IngestResult], db: Path, tmp_path: Path
) -> None:
    ingest_rows(_rows("P"), source="penal")
    ingest_rows(_rows("Q"), source="police")
    classify(db)
    threshold = _review_flags(db, "police")
    assert _review_flags(db, "penal") == threshold  # same texts, same model: coded alike
    assert set(threshold) == set(TEXTS)
    assert not all(threshold.values())  # some text is auto-coded: the policy has work

    code, out, _ = run_cli(
        "review", "whole-source", "penal", "--reason", "a penal code", "--db", str(db)
    )
    assert code == 0, out
    assert _review_flags(db, "penal") == threshold  # nothing changes before classify
    classify(db)
    classify(db)  # and a second run keeps it: the policy is in the store
    assert _review_flags(db, "penal") == dict.fromkeys(TEXTS, True)
    assert _review_flags(db, "police") == threshold

    queue = tmp_path / "queue.csv"
    export_review(db, queue)
    with queue.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    penal = [r for r in rows if r["source"] == "penal"]
    assert sorted(r["national_label"] for r in penal) == sorted(TEXTS)
    policy = "source 'penal' is reviewed whole: a penal code"
    assert all(policy in r["review_reason"] for r in penal)
    assert not any("reviewed whole" in r["review_reason"] for r in rows if r["source"] != "penal")

    code, out, _ = run_cli("review", "whole-source", "penal", "--off", "--db", str(db))
    assert code == 0, out
    classify(db)
    assert _review_flags(db, "penal") == threshold


def test_a_policy_needs_a_known_source_and_a_reason(
    ingest_rows: Callable[..., IngestResult], db: Path
) -> None:
    ingest_rows(_rows("P"), source="penal")
    code, _, exc = run_cli("review", "whole-source", "penl", "--reason", "x", "--db", str(db))
    assert code != 0
    assert isinstance(exc, NotFoundError)
    assert "no offences of source 'penl'" in str(exc)
    assert "penal" in (exc.hint or "")  # the hint lists the sources there are
    code, _, exc = run_cli("review", "whole-source", "penal", "--db", str(db))
    assert code != 0
    assert isinstance(exc, UsageError)
    assert "say why" in str(exc)


def test_hostile_source_names_and_options_are_refused(
    ingest_rows: Callable[..., IngestResult], db: Path
) -> None:
    """A source name carrying SQL is a value that names no source (ingest never allows
    such a name), refused with the sources there are; ``--off`` with a reason and a blank
    reason are refused; ``--off`` of a source without a policy says so."""
    ingest_rows(_rows("H"), source="penal")
    hostile = "penal'); DROP TABLE offences; --"
    code, _, exc = run_cli("review", "whole-source", hostile, "--reason", "x", "--db", str(db))
    assert code != 0
    assert isinstance(exc, NotFoundError)
    classify(db)
    assert set(_review_flags(db, "penal")) == set(TEXTS)  # the offences are all there
    code, _, exc = run_cli(
        "review", "whole-source", "penal", "--off", "--reason", "x", "--db", str(db)
    )
    assert code != 0
    assert isinstance(exc, UsageError)
    code, _, exc = run_cli("review", "whole-source", "penal", "--reason", "   ", "--db", str(db))
    assert code != 0
    assert isinstance(exc, UsageError)
    code, out, _ = run_cli("review", "whole-source", "penal", "--off", "--db", str(db))
    assert code == 0
    assert "had no review policy" in " ".join(out.split())
