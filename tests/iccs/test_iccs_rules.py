"""The ICCS scope rules as data: each cites the classification, and each decides the
cases the ICCS text decides (the expected codes are read from the ICCS inclusions and
exclusions quoted in each test, not from the autocoder)."""

from __future__ import annotations

import re

import pytest

from crimestats.errors import UsageError
from crimestats.iccs.classification import load_classification
from crimestats.iccs.rules import RuleAction, _rule, apply_rules, load_rules
from crimestats.iccs.text import with_glossary


def _words(text: str) -> str:
    return with_glossary(text)


def test_every_rule_is_well_formed_and_quotes_the_classification() -> None:
    rules = load_rules()
    codes = {c.code for c in load_classification()}
    iccs_text = " ".join(
        f"{c.description} {c.inclusions} {c.exclusions}" for c in load_classification()
    ).casefold()
    assert len(rules) >= 8
    for rule in rules:
        assert all(c in codes for c in rule.separates), rule.id
        if rule.action is RuleAction.MOVE:
            assert rule.to in codes, rule.id
        for quote in re.findall(r"'([^']+)'", rule.reason):
            for piece in quote.split("..."):
                assert piece.strip().casefold() in iccs_text, (rule.id, piece)


@pytest.mark.parametrize(
    ("text", "model", "expected", "rule"),
    [
        # 0501: access to "a building/dwelling or other premises"; a vehicle is not one
        ("BURGLARY FROM VEHICLE", "0501", "050222", "burglary-needs-premises"),
        ("Burglary of motor vehicle", "05019", "050222", "burglary-needs-premises"),
        # 0502 includes "theft where entry was lawfully gained"
        ("Theft from shop", "0501", "0502", "theft-without-entry-is-not-burglary"),
        # 0502 excludes deceit (0701), whatever the amount
        ("BUNCO, GRAND THEFT", "0502", "0701", "deceit-is-fraud"),
        ("Theft by deception", "0502", "0701", "deceit-is-fraud"),
        # 0401 needs force or threat; "pick pocketing" is 0502
        ("Theft from person - pickpocketing", "0401", "0502", "robbery-needs-force-or-threat"),
        # 05021 excludes "robbery of a car or vehicle (040121)"
        ("Vehicle taken by carjacking", "050211", "040121", "vehicle-taken-by-force-is-robbery"),
        # 050211 excludes personal property from a motor vehicle
        (
            "THEFT FROM MOTOR VEHICLE",
            "050211",
            "050222",
            "theft-from-vehicle-is-not-theft-of-vehicle",
        ),
        # 0502 includes "theft of a bicycle"; not a motorised vehicle
        ("BIKE - STOLEN", "07049", "050229", "bicycle-theft-is-theft"),
        ("Bicycle theft", "050211", "050229", "bicycle-theft-is-theft"),
        # 0101 excludes "attempted intentional homicide (0102)"
        ("Attempted murder", "0101", "0102", "attempted-homicide-has-its-own-code"),
        # 07019 includes "identity theft"; 0502 excludes deceit (0701); "ID" is identity
        ("Identity theft", "0502", "07019", "identity-theft-is-fraud"),
        ("THEFT - ID THEFT CREDIT", "050229", "07019", "identity-theft-is-fraud"),
        # 11021 includes "selling alcohol or tobacco to minors"
        (
            "Selling alcohol to minors",
            "060212",
            "11021",
            "alcohol-or-tobacco-and-minors-is-a-status-offence",
        ),
        (
            "Underage drinking",
            "06021",
            "11021",
            "alcohol-or-tobacco-and-minors-is-a-status-offence",
        ),
        # 08021 excludes "exploitation of prostitutes (0302)"; 03021 includes "pimping"
        (
            "Pimping - prostitution",
            "08021",
            "03021",
            "exploiting-prostitution-is-sexual-exploitation",
        ),
        ("Keeping a brothel", "0802", "03021", "exploiting-prostitution-is-sexual-exploitation"),
        # 0201 excludes "using force to take property (04)"
        (
            "Robbery with grievous bodily harm",
            "020111",
            "0401",
            "force-to-take-property-is-robbery",
        ),
        ("Robo con lesiones graves", "020111", "0401", "force-to-take-property-is-robbery"),
        # 1101 includes "rape associated with armed conflict" and the killing of civilians
        ("War crime--rape", "03011", "1101", "war-crimes-are-acts-under-universal-jurisdiction"),
        (
            "War crimes: wilful killing",
            "0101",
            "1101",
            "war-crimes-are-acts-under-universal-jurisdiction",
        ),
        (
            "Crime against humanity--enslavement",
            "02031",
            "1101",
            "war-crimes-are-acts-under-universal-jurisdiction",
        ),
        ("Genocidio", "0101", "1101", "war-crimes-are-acts-under-universal-jurisdiction"),
    ],
)
def test_a_rule_moves_a_code_icc_excludes(text: str, model: str, expected: str, rule: str) -> None:
    outcome = apply_rules(f"{text.lower()} {_words(text)}", model)
    assert (outcome.code, outcome.decided_by) == (expected, rule)
    (finding,) = [f for f in outcome.findings if f.rule.id == rule]
    assert f"{model} -> {expected}" in finding.describe()


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("Burglary - residential", "0501"),  # premises named
        ("BURGLARY, VEHICLE GARAGE", "0501"),  # a garage is premises
        ("Armed robbery", "0401"),  # force
        ("Robbery - purse snatch", "0401"),  # the word robbery says force
        ("Theft of motor vehicle", "050211"),  # the vehicle itself
        ("Fraud - cheque", "0701"),  # already fraud
        ("Murder", "0101"),
        ("Motorcycle stolen", "050211"),  # motorised: not a bicycle
        ("Theft of identity card", "0502"),  # the card is property: not identity theft
        ("Liquor license violation", "060212"),  # no minor
        ("Prostitution - soliciting", "08021"),  # 08021 includes offering sexual services
        ("Purchasing prostitution", "08021"),  # 08021 includes procuring sexual services
        ("Assault with injury", "02011"),  # no property taken
        ("War crime--pillaging", "110132"),  # already under 1101: its finer code stays
        ("Desertion (not amounting to war crimes)", "0904"),  # 0904's own wording
        ("Warehouse crime", "0501"),  # whole words only: not a war crime
    ],
)
def test_a_rule_leaves_codes_icc_allows(text: str, model: str) -> None:
    outcome = apply_rules(f"{text.lower()} {_words(text)}", model)
    assert outcome.code == model
    assert outcome.decided_by == ""


def test_tags_and_values_only_explain() -> None:
    outcome = apply_rules(_words("THEFT-GRAND ($950.01 & OVER), ATTEMPTED, hate"), "0502")
    assert outcome.code == "0502"
    fired = {f.rule.id for f in outcome.findings}
    assert {"value-does-not-change-the-code", "motive-is-a-tag"} <= fired
    attempt = apply_rules("burglary attempted", "0501")
    assert [f.rule.id for f in attempt.findings] == ["attempt-is-a-tag"]
    assert attempt.code == "0501"


def test_a_malformed_rule_is_refused_with_a_fix() -> None:
    with pytest.raises(UsageError, match="moves to no ICCS code"):
        _rule({"id": "x", "action": "move", "all_of": [["a"]], "reason": "r"}, "test")
    with pytest.raises(UsageError, match="test: action: unknown action 'jump'"):
        _rule({"id": "x", "action": "jump", "all_of": [["a"]], "reason": "r"}, "test")
