"""The catalogue of row rules, modelled on the FBI NIBRS data-quality edits.

Each rule has a stable code; mapping files may raise or lower a rule's severity
(``severity: {coordinates-outside-bbox: error}``) but never invent codes. Codes name the
field and the fault, so a quarantine export reads on its own. Rules that need the whole
file or the store (duplicates, conflicts, limits) are here too, with a group ``kind``.

NIBRS references are to the FBI's NIBRS Technical Specification (2019+), section
"Error Numbers and Messages" (e.g. 115 = record fields missing, 170 = incident date
after submission date, 451 = duplicate victim sequence, 450 = spousal victim under 10).
"""

from __future__ import annotations

from crimestats.domain.enums import (
    Injury,
    JusticeStage,
    Motive,
    Relationship,
    Sex,
    TriState,
    VictimType,
    Weapon,
    values,
)
from crimestats.validation.group_rules import DEFAULT_LIMITS, GROUP_RULES, PROFILE_RULES
from crimestats.validation.problems import Check, Rule, Severity

E, W = Severity.ERROR, Severity.WARNING

__all__ = [
    "DEFAULT_LIMITS",
    "GROUP_RULES",
    "INCIDENT_RULES",
    "JUSTICE_RULES",
    "all_rules",
    "rule_by_code",
]

MAX_TEXT = 1000
MAX_NARRATIVE = 100_000
TEXT_FIELDS = (
    "incident_id",
    "area_code",
    "location_type",
    "national_code",
    "national_label",
    "description",
    "motive_detail",
    "victim_citizenship",
    "suspect_person_ref",
    "suspect_citizenship",
)


def _enum(code: str, fld: str, allowed: tuple[str, ...], nibrs: str | None = None) -> Rule:
    return Rule(
        code,
        E,
        fld,
        Check("enum", {"allowed": allowed}),
        f"{fld} is not one of the allowed values",
        f"use one of: {', '.join(allowed)} (or map the source's values in the mapping file)",
        nibrs,
    )


def _date_rules(fld: str, stem: str, *, required: bool) -> tuple[Rule, ...]:
    rules = [
        Rule(
            f"{stem}-unparseable",
            E,
            fld,
            Check("date_unparseable"),
            f"{fld} is not a date",
            "write dates as YYYY-MM-DD (or declare the source's format under the field's "
            "'format' in the mapping)",
            "105",
        ),
        Rule(
            f"{stem}-impossible",
            E,
            fld,
            Check("date_impossible"),
            f"{fld} is shaped like a date but no such day exists",
            "check the day and month (e.g. 2023-02-30 does not exist; month and day swapped?)",
            "105",
        ),
        Rule(
            f"{stem}-future",
            E,
            fld,
            Check("date_future"),
            f"{fld} is in the future",
            "check the year and the date format (day/month order)",
            "170",
        ),
        Rule(
            f"{stem}-before-1900",
            E,
            fld,
            Check("date_before", {"year": 1900}),
            f"{fld} is before 1900",
            "check the year; two-digit years need a format such as %d/%m/%y",
        ),
    ]
    if required:
        rules.insert(
            0,
            Rule(
                f"{stem}-missing",
                E,
                fld,
                Check("required"),
                f"{fld} is required but blank",
                f"every row needs a {fld}; map the source column that holds it",
                "115",
            ),
        )
    return tuple(rules)


def _age_rules(fld: str, stem: str) -> tuple[Rule, ...]:
    return (
        Rule(
            f"{stem}-not-integer",
            E,
            fld,
            Check("integer"),
            f"{fld} is not a whole number of years",
            "write ages as whole years (0-120); map ranges or words to a number or blank",
            "404",
        ),
        Rule(
            f"{stem}-out-of-range",
            E,
            fld,
            Check("integer_range", {"min": 0, "max": 120}),
            f"{fld} is outside 0-120",
            "check the value; leave unknown ages blank rather than 999 or -1",
            "410",
        ),
    )


def _seq_rule(fld: str, stem: str) -> Rule:
    return Rule(
        f"{stem}-invalid",
        E,
        fld,
        Check("positive_integer"),
        f"{fld} is not a positive whole number",
        f"number each record of an incident 1, 2, 3 ... in {fld}",
        "451",
    )


FILTERED_BY_MAPPING = Rule(
    "filtered-by-mapping",
    E,
    None,
    Check("mapping_filter"),
    "the mapping's where: sets this row aside (it is kept in quarantine, not loaded)",
    "nothing to fix if the filter is meant; otherwise change the mapping's where:",
)
"""Rows a mapping's ``where:`` sets aside: quarantined (never lost), in both layouts."""


INCIDENT_RULES: tuple[Rule, ...] = (
    FILTERED_BY_MAPPING,
    Rule(
        "incident-id-missing",
        E,
        "incident_id",
        Check("required"),
        "incident_id is required but blank",
        "map the source's record number; for sources without one use "
        "'if_empty: {generate: file_row}'",
        "115",
    ),
    *_date_rules("reported_date", "reported-date", required=True),
    *_date_rules("occurred_start", "occurred-start", required=False),
    *_date_rules("occurred_end", "occurred-end", required=False),
    Rule(
        "occurred-after-reported",
        E,
        "occurred_start",
        Check("date_order", {"earlier": "occurred_start", "later": "reported_date"}),
        "occurred_start is after reported_date: an offence cannot be reported before it happens",
        "check which source column is the report date and which the occurrence date",
        "170",
    ),
    Rule(
        "occurred-end-before-start",
        E,
        "occurred_end",
        Check("date_order", {"earlier": "occurred_start", "later": "occurred_end"}),
        "occurred_end is before occurred_start",
        "swap the two columns in the mapping, or check the source",
        "153",
    ),
    Rule(
        "reported-long-after-occurred",
        W,
        "reported_date",
        Check("date_long_delay", {"earlier": "occurred_start", "later": "reported_date"}),
        "reported more than 50 years after it occurred",
        "fine for historical cases; otherwise check the occurrence year",
    ),
    Rule(
        "offence-missing",
        E,
        None,
        Check(
            "one_of_required",
            {"fields": ("national_code", "national_label", "description", "iccs_code")},
        ),
        "the row names no offence (national_code, national_label, description and iccs_code "
        "are all blank)",
        "map at least one of the source's offence columns",
        "201",
    ),
    _seq_rule("offence_seq", "offence-seq"),
    _seq_rule("victim_seq", "victim-seq"),
    _seq_rule("suspect_seq", "suspect-seq"),
    Rule(
        "lat-not-number",
        E,
        "lat",
        Check("decimal"),
        "lat is not a number",
        "write WGS84 decimal degrees (e.g. 41.8781); projected coordinates need converting",
    ),
    Rule(
        "lon-not-number",
        E,
        "lon",
        Check("decimal"),
        "lon is not a number",
        "write WGS84 decimal degrees (e.g. -87.6298); projected coordinates need converting",
    ),
    Rule(
        "lat-outside-world",
        E,
        "lat",
        Check("decimal_range", {"min": -90, "max": 90}),
        "lat is outside -90..90",
        "latitude and longitude swapped? projected (metre) coordinates?",
    ),
    Rule(
        "lon-outside-world",
        E,
        "lon",
        Check("decimal_range", {"min": -180, "max": 180}),
        "lon is outside -180..180",
        "latitude and longitude swapped? projected (metre) coordinates?",
    ),
    Rule(
        "coordinates-half-missing",
        W,
        "lat",
        Check("pair", {"fields": ("lat", "lon")}),
        "only one of lat and lon is given",
        "give both or neither",
    ),
    Rule(
        "coordinates-null-island",
        W,
        "lat",
        Check("null_island"),
        "lat and lon are both 0: almost always a missing location written as zero",
        "map 0,0 to blank in the mapping (e.g. a value map {'0': ''})",
    ),
    Rule(
        "coordinates-outside-bbox",
        W,
        "lat",
        Check("bbox"),
        "the point lies outside the source's declared bounding box",
        "check the coordinates, or widen 'bbox' in the mapping if the source covers more",
    ),
    _enum("cyber-related-invalid", "cyber_related", values(TriState)),
    _enum("weapon-invalid", "weapon", values(Weapon), "504"),
    _enum("attempted-invalid", "attempted", values(TriState), "251"),
    _enum("motive-invalid", "motive", values(Motive)),
    _enum("victim-type-invalid", "victim_type", values(VictimType), "404"),
    _enum("victim-sex-invalid", "victim_sex", values(Sex), "404"),
    _enum("suspect-sex-invalid", "suspect_sex", values(Sex), "504"),
    _enum("victim-relationship-invalid", "victim_relationship", values(Relationship), "404"),
    _enum("victim-injury-invalid", "victim_injury", values(Injury), "404"),
    Rule(
        "iccs-code-unknown",
        E,
        "iccs_code",
        Check("iccs_code"),
        "iccs_code is not a code of ICCS v1.0",
        "use a code from 'crimestats iccs search', zero-padded (e.g. 0101, 020111)",
    ),
    *_age_rules("victim_age", "victim-age"),
    *_age_rules("suspect_age", "suspect-age"),
    Rule(
        "suspect-age-under-10",
        W,
        "suspect_age",
        Check("integer_below", {"limit": 10}),
        "suspect_age is under 10, below the minimum age of criminal responsibility "
        "in most countries",
        "check the age; record children under that age per national rules",
    ),
    Rule(
        "relationship-age-inconsistent",
        E,
        "victim_relationship",
        Check("relationship_age", {"relationship": "intimate_partner", "min_age": 10}),
        "an intimate-partner relationship with a victim or suspect under 10",
        "check the relationship code and the ages",
        "450",
    ),
    Rule(
        "nonperson-victim-has-person-fields",
        E,
        "victim_type",
        Check("nonperson_person_fields"),
        "a victim that is not a person has an age, sex, relationship or injury",
        "set victim_type to person, or clear the person fields",
        "458",
    ),
    Rule(
        "text-too-long",
        W,
        None,
        Check("max_length", {"fields": TEXT_FIELDS, "max": MAX_TEXT}),
        f"a text field is longer than {MAX_TEXT} characters",
        "check that columns are not shifted; long text belongs in narrative",
    ),
    Rule(
        "narrative-too-long",
        W,
        "narrative",
        Check("max_length", {"fields": ("narrative",), "max": MAX_NARRATIVE}),
        f"narrative is longer than {MAX_NARRATIVE} characters",
        "check the source export",
    ),
    Rule(
        "text-control-characters",
        W,
        None,
        Check("control_chars", {"fields": TEXT_FIELDS}),
        "a text field holds control characters",
        "check the file's encoding and export",
    ),
)
"""Rules evaluated on each row on its own, for the incident layout."""

JUSTICE_RULES: tuple[Rule, ...] = (
    FILTERED_BY_MAPPING,
    Rule(
        "justice-subject-missing",
        E,
        None,
        Check("one_of_required", {"fields": ("incident_id", "person_ref")}),
        "a justice event names neither an incident nor a person",
        "map the crime reference (incident_id) or the person reference (person_ref)",
    ),
    Rule(
        "stage-missing",
        E,
        "stage",
        Check("required"),
        "stage is required but blank",
        "map the outcome column to a stage with a value map",
    ),
    _enum("stage-invalid", "stage", values(JusticeStage)),
    *_date_rules("event_date", "event-date", required=True),
    Rule(
        "unsentenced-invalid",
        E,
        "unsentenced",
        Check("enum", {"allowed": ("true", "false")}),
        "unsentenced is not true or false",
        "write true, false or leave blank",
    ),
    Rule(
        "text-too-long",
        W,
        None,
        Check("max_length", {"fields": ("incident_id", "person_ref", "detail"), "max": MAX_TEXT}),
        f"a text field is longer than {MAX_TEXT} characters",
        "check that columns are not shifted",
    ),
)
"""Rules evaluated on each row on its own, for the justice-event layout."""


def all_rules() -> tuple[Rule, ...]:
    """Every rule, each code once (rules shared by both layouts appear once)."""
    seen: dict[str, Rule] = {}
    for rule in (*INCIDENT_RULES, *JUSTICE_RULES, *GROUP_RULES, *PROFILE_RULES):
        seen.setdefault(rule.code, rule)
    return tuple(seen.values())


def rule_by_code(code: str) -> Rule:
    """Look a rule up by its code (``KeyError`` if none)."""
    for rule in all_rules():
        if rule.code == code:
            return rule
    raise KeyError(code)
