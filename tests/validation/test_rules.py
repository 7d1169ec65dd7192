"""Every validation rule, triggered by a row written by hand for it.

For each code, the expected outcome (quarantined or loaded with a warning) follows from
the rule's definition, not from running the code: the cases are the specification.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.conftest import base_row

from crimestats.services.ingesting import IngestResult
from crimestats.validation.catalogue import INCIDENT_RULES, all_rules
from crimestats.validation.problems import Severity

R = base_row
# code -> rows of one file; the last row is the one that must carry the code
CASES: dict[str, list[dict[str, Any]]] = {
    "incident-id-missing": [R(incident_id="")],
    "reported-date-missing": [R(reported_date="")],
    "reported-date-unparseable": [R(reported_date="10 Jan 2024")],
    "reported-date-impossible": [R(reported_date="2023-02-30")],
    "reported-date-future": [R(reported_date="2999-01-01", occurred_start="")],
    "reported-date-before-1900": [R(reported_date="1850-05-01", occurred_start="")],
    "occurred-start-unparseable": [R(occurred_start="yesterday")],
    "occurred-start-impossible": [R(occurred_start="2024-13-45")],
    "occurred-start-future": [R(occurred_start="2999-01-01")],
    "occurred-start-before-1900": [R(occurred_start="1800-01-01")],
    "occurred-end-unparseable": [R(occurred_end="soon")],
    "occurred-end-impossible": [R(occurred_end="2024-02-31")],
    "occurred-end-future": [R(occurred_end="2999-01-01")],
    "occurred-end-before-1900": [R(occurred_start="", occurred_end="1899-12-31")],
    "occurred-after-reported": [R(occurred_start="2024-01-11 08:00:00")],
    "occurred-end-before-start": [R(occurred_end="2024-01-09 21:00:00")],
    "reported-long-after-occurred": [R(occurred_start="1960-01-01")],
    "offence-missing": [R(national_label="")],
    "offence-seq-invalid": [R(offence_seq="0")],
    "victim-seq-invalid": [R(victim_seq="two")],
    "suspect-seq-invalid": [R(suspect_seq="-1")],
    "lat-not-number": [R(lat="41,88", lon="-87.6")],
    "lon-not-number": [R(lat="41.88", lon="west")],
    "lat-outside-world": [R(lat="95.1", lon="-87.6")],
    "lon-outside-world": [R(lat="41.8", lon="187.6")],
    "coordinates-half-missing": [R(lat="41.8")],
    "coordinates-null-island": [R(lat="0", lon="0")],
    "cyber-related-invalid": [R(cyber_related="maybe")],
    "weapon-invalid": [R(weapon="gun")],
    "attempted-invalid": [R(attempted="partly")],
    "motive-invalid": [R(motive="greed")],
    "victim-type-invalid": [R(victim_type="animal")],
    "victim-sex-invalid": [R(victim_sex="x")],
    "suspect-sex-invalid": [R(suspect_sex="q")],
    "victim-relationship-invalid": [R(victim_relationship="enemy")],
    "victim-injury-invalid": [R(victim_injury="bad")],
    "iccs-code-unknown": [R(iccs_code="0199")],
    "victim-age-not-integer": [R(victim_age="about 30")],
    "victim-age-out-of-range": [R(victim_age="150")],
    "suspect-age-not-integer": [R(suspect_age="3.5")],
    "suspect-age-out-of-range": [R(suspect_age="-2")],
    "suspect-age-under-10": [R(suspect_age="8")],
    "relationship-age-inconsistent": [R(victim_relationship="intimate_partner", victim_age="7")],
    "nonperson-victim-has-person-fields": [R(victim_type="legal_entity", victim_age="40")],
    "text-too-long": [R(location_type="x" * 1001)],
    "narrative-too-long": [R(narrative="y" * 100_001)],
    "text-control-characters": [R(area_code="A\x07B")],
    "key-conflict-in-file": [R(national_label="Assault"), R(national_label="Robbery")],
    "incident-fields-conflict": [
        R(offence_seq="1"),
        R(offence_seq="2", reported_date="2024-01-11", national_label="Robbery"),
    ],
    "offence-fields-conflict": [
        R(victim_seq="1", national_label="Assault"),
        R(victim_seq="2", national_label="Theft"),
    ],
    "victim-fields-conflict": [
        R(offence_seq="1", victim_seq="1", victim_age="30"),
        R(offence_seq="2", national_label="Theft", victim_seq="1", victim_age="31"),
    ],
    "suspect-fields-conflict": [
        R(offence_seq="1", suspect_seq="1", suspect_sex="male"),
        R(offence_seq="2", national_label="Theft", suspect_seq="1", suspect_sex="female"),
    ],
    "too-many-offences": [R(offence_seq=str(i), national_label=f"O{i}") for i in range(1, 12)],
    "incident-has-rejected-rows": [
        R(offence_seq="2", national_label="Theft", victim_age="500"),
        R(offence_seq="1"),
    ],
}

STORE_CASES = {"key-conflict-with-store", "incident-conflict-with-store"}
NOT_ROW_RULES = {
    "row-malformed",  # parser: tests/ingest/test_bad_files.py
    "too-many-victims",  # limit 999: tested with a lowered limit in test_mapping.py
    "coordinates-outside-bbox",  # needs a mapping bbox: test_mapping.py
    "filtered-by-mapping",  # needs a mapping where: tests/ingest/test_real_source_mappings.py
    "column-unknown",  # file-level: test_bad_files.py
    "profile-age-spike",  # whole-ingest shapes: tests/ingest/test_source_lifecycle.py
    "profile-age-zero",
    "profile-date-spike",
    "profile-field-blank",
    "profile-category-shift",
    "file-no-final-newline",  # file-level: test_bad_files.py
    "justice-incident-unknown",  # justice layout: tests/ingest/test_justice.py
    "justice-subject-missing",
    "stage-missing",
    "stage-invalid",
    "event-date-missing",
    "event-date-unparseable",
    "event-date-impossible",
    "event-date-future",
    "event-date-before-1900",
    "unsentenced-invalid",
}


def _issues_of_last_row(db: Path, result: IngestResult, rows: int) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute(
            "SELECT code, severity FROM ingest_issues WHERE ingest_id = ? AND row_number = ?",
            [result.ingest_id, rows],
        ).fetchall()
    finally:
        con.close()
    return dict(found)


def test_catalogue_has_at_least_30_rules_with_unique_codes() -> None:
    codes = [r.code for r in all_rules()]
    assert len(codes) == len(set(codes))
    assert len(codes) >= 30
    for rule in all_rules():
        assert rule.message, rule.code
        assert rule.fix, rule.code


def test_every_rule_has_a_case() -> None:
    covered = set(CASES) | STORE_CASES | NOT_ROW_RULES
    assert {r.code for r in all_rules()} <= covered


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_on_its_case(
    code: str, ingest_rows: Callable[..., IngestResult], db: Path
) -> None:
    rows = CASES[code]
    result = ingest_rows(rows)
    assert result.read == len(rows)
    assert result.read == result.accepted + result.quarantined + result.duplicates
    issues = _issues_of_last_row(db, result, len(rows))
    assert code in issues, issues
    rule = next(r for r in all_rules() if r.code == code)
    assert issues[code] == rule.severity.value
    if rule.severity is Severity.WARNING and len(issues) == 1:
        assert result.accepted == len(rows)  # warnings never reject
    if rule.severity is Severity.ERROR:
        assert result.quarantined >= 1


def test_a_clean_row_raises_nothing(ingest_rows: Callable[..., IngestResult]) -> None:
    result = ingest_rows([base_row(victim_age="30", victim_sex="Female", weapon="KNIFE")])
    assert (result.accepted, result.quarantined, result.issues) == (1, 0, {})


def test_quarantine_keeps_raw_text_and_every_reason(
    ingest_rows: Callable[..., IngestResult], db: Path
) -> None:
    ingest_rows([base_row(reported_date="2023-02-30", victim_age="150", weapon="gun")])
    con = duckdb.connect(str(db), read_only=True)
    raw, reasons = con.execute("SELECT raw, reasons FROM quarantine").fetchone()  # type: ignore[misc]
    con.close()
    assert json.loads(raw)["reported_date"] == "2023-02-30"
    codes = {r["code"] for r in json.loads(reasons)}
    assert codes == {"reported-date-impossible", "victim-age-out-of-range", "weapon-invalid"}


@pytest.mark.parametrize("code", ["key-conflict-with-store", "incident-conflict-with-store"])
def test_conflicts_with_the_store(code: str, ingest_rows: Callable[..., IngestResult]) -> None:
    first = ingest_rows([base_row()])
    assert first.accepted == 1
    changed = (
        base_row(national_label="Robbery")
        if code == "key-conflict-with-store"
        else base_row(offence_seq="2", national_label="Theft", reported_date="2024-01-12")
    )
    second = ingest_rows([changed])
    assert second.quarantined == 1
    assert code in second.issues


def test_incident_rules_are_all_row_checks() -> None:
    kinds = {r.check.kind for r in INCIDENT_RULES}
    assert "parser" not in kinds
