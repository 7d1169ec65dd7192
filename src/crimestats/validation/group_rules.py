"""Rules that need several rows, the whole file, or the store (duplicates, conflicts, limits).

Row rules live in ``catalogue.py``; these are evaluated by ``crimestats.storage``'s group
checks and file inspection. Codes are stable, like every rule's.
"""

from __future__ import annotations

from crimestats.validation.problems import Check, Rule, Severity

E, W = Severity.ERROR, Severity.WARNING

GROUP_RULES: tuple[Rule, ...] = (
    Rule(
        "column-unknown",
        W,
        None,
        Check("file"),
        "a column of a flat v1 file is not a field of the layout and is not loaded",
        "rename it to a flat v1 field ('crimestats schema'), or use a mapping file",
    ),
    Rule(
        "file-no-final-newline",
        W,
        None,
        Check("file"),
        "the file does not end with a line break, so its last row may have been cut short",
        "check that the last row is complete; re-export the file if it is not",
    ),
    Rule(
        "row-malformed",
        E,
        None,
        Check("parser"),
        "the row could not be split into the header's columns",
        "check for a missing or extra delimiter or an unbalanced quote on that line",
        "005",
    ),
    Rule(
        "key-conflict-in-file",
        E,
        None,
        Check("key_conflict"),
        "two rows of the file have the same key (incident_id, offence_seq, victim_seq, "
        "suspect_seq) but different values",
        "give each offence, victim and suspect of an incident its own sequence number",
        "451",
    ),
    Rule(
        "key-conflict-with-store",
        E,
        None,
        Check("store_key_conflict"),
        "the store already holds this key with different values; corrections are not applied "
        "silently",
        "load corrections as a new source version, or fix the file",
        "056",
    ),
    Rule(
        "incident-fields-conflict",
        E,
        "incident_id",
        Check("incident_conflict"),
        "rows of the same incident disagree on incident-level fields (dates, place, weapon, ...)",
        "repeat the same incident-level values on every row of an incident",
        "073",
    ),
    Rule(
        "incident-conflict-with-store",
        E,
        "incident_id",
        Check("store_incident_conflict"),
        "the store holds this incident with different incident-level fields",
        "check whether the incident id was reused, or load corrections as a new source",
        "056",
    ),
    Rule(
        "offence-fields-conflict",
        E,
        "offence_seq",
        Check("entity_conflict", {"entity": "offence"}),
        "rows with the same offence_seq of an incident describe different offences",
        "number each offence of an incident with its own offence_seq",
        "251",
    ),
    Rule(
        "victim-fields-conflict",
        E,
        "victim_seq",
        Check("entity_conflict", {"entity": "victim"}),
        "rows with the same victim_seq of an incident describe different victims",
        "number each victim of an incident with its own victim_seq",
        "451",
    ),
    Rule(
        "suspect-fields-conflict",
        E,
        "suspect_seq",
        Check("entity_conflict", {"entity": "suspect"}),
        "rows with the same suspect_seq of an incident describe different suspects",
        "number each suspect of an incident with its own suspect_seq",
        "551",
    ),
    Rule(
        "too-many-offences",
        E,
        "offence_seq",
        Check("too_many", {"entity": "offence", "limit_key": "max_offences_per_incident"}),
        "the incident has more offences than the limit (NIBRS allows 10)",
        "check for a runaway join in the export, or raise limits.max_offences_per_incident",
        "201",
    ),
    Rule(
        "too-many-victims",
        E,
        "victim_seq",
        Check("too_many", {"entity": "victim", "limit_key": "max_victims_per_incident"}),
        "the incident has more victims than the limit (NIBRS allows 999)",
        "check the export, or raise limits.max_victims_per_incident",
        "401",
    ),
    Rule(
        "incident-has-rejected-rows",
        E,
        "incident_id",
        Check("incident_atomic"),
        "another row of this incident was rejected, so the incident is held back whole",
        "fix the other rows of the incident (see their reasons) and load the file again",
    ),
    Rule(
        "justice-incident-unknown",
        W,
        "incident_id",
        Check("justice_incident_unknown"),
        "the justice event refers to an incident the store does not hold for this source",
        "load the incident file of the same source first (outcomes may refer to older crimes)",
    ),
)
"""Rules that need several rows, the whole file, or the store."""

PROFILE_RULES: tuple[Rule, ...] = (
    Rule(
        "profile-age-spike",
        W,
        "age",
        Check("profile"),
        "one age holds more than 15% of the ingest's known victim or suspect ages",
        "check whether the source writes a sentinel (e.g. 99 or 0) for an unknown age; list "
        "it under missing_values in the mapping",
    ),
    Rule(
        "profile-age-zero",
        W,
        "age",
        Check("profile"),
        "age 0 holds more than 3% of the ingest's known victim or suspect ages",
        "check whether 0 means 'unknown' in this source; list it under missing_values in "
        "the mapping",
    ),
    Rule(
        "profile-date-spike",
        W,
        "reported_date",
        Check("profile"),
        "one reported date holds more than 10% of the ingest's incidents (and over 5 times "
        "the average day)",
        "check that reported_date reads the report date, not an extraction or batch date",
    ),
    Rule(
        "profile-field-blank",
        W,
        None,
        Check("profile"),
        "a field is blank far more often than in the source's earlier ingests (25 points "
        "more, and over twice the share)",
        "check the mapping and the export: a renamed or dropped column reads as blank",
    ),
    Rule(
        "profile-category-shift",
        W,
        "national_label",
        Check("profile"),
        "an offence label's share differs by more than 15 points from the source's earlier ingests",
        "check the mapping of national_label/national_code and whether the source recoded",
    ),
)
"""Warnings on the shape of an ingest as a whole (``crimestats.storage.ingest_profile``
runs them): age-spike, age-zero, date-spike, field-blank, category-shift, in that order."""

DEFAULT_LIMITS: dict[str, int] = {
    "max_offences_per_incident": 10,
    "max_victims_per_incident": 999,
}
