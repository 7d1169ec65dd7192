"""rules.yaml is read through its pydantic model (``RulesFileSchema``): the bundled file
reads as written, and a malformed document is refused with ONE message naming the key
path (``rules[i].<key>``, ``rules[0]`` the first rule) and a fix, in our words."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest
import yaml

from crimestats.errors import UsageError
from crimestats.iccs.rules import RuleAction, load_rules, parse_rules

BUNDLED: list[dict[str, Any]] = yaml.safe_load(
    (resources.files("crimestats") / "data" / "iccs_rules" / "rules.yaml").read_text("utf-8")
)


def test_the_bundled_file_reads_as_written() -> None:
    rules = load_rules()
    assert [r.id for r in rules] == [raw["id"] for raw in BUNDLED]
    first = rules[0]  # burglary-needs-premises, copied from the file by hand
    assert (first.separates, first.if_chosen) == (("0501", "050222"), ("0501",))
    assert (first.action, first.to) == (RuleAction.MOVE, "050222")
    assert first.none_of is not None
    assert first.reason.startswith("excluded from 0501: no premises mentioned (ICCS 0501")
    assert all(r.to is None for r in rules if r.action is RuleAction.NOTE)


def edited(index: int, key: str, value: object) -> list[dict[str, Any]]:
    doc = copy.deepcopy(BUNDLED)
    if value is None:
        del doc[index][key]
    else:
        doc[index][key] = value
    return doc


@pytest.mark.parametrize(
    ("doc", "message", "fix"),
    [
        (edited(3, "action", "jump"), "rules[3].action: unknown action 'jump'",
         "use one of: move, review, note"),
        (edited(0, "none_off", ["x"]), "rules[0]: unknown key(s) ['none_off']",
         "use only: id, separates, if_chosen, all_of, none_of, action, to, reason"),
        (edited(0, "separates", [501]), "rules[0].separates[0]: expected text, got int 501",
         'write an ICCS v1.0 code in quotes, e.g. "0502"'),
        (edited(0, "to", "9999"), "rules[0].to: '9999' is not an ICCS code",
         'write an ICCS v1.0 code in quotes, e.g. "0502"'),
        (edited(0, "to", None), "rules[0]: rule burglary-needs-premises moves to no ICCS code",
         "set to: <code>"),
        (edited(8, "to", "0101"), "rules[8].to: to is only for a move rule (this one is a note)",
         "remove to:, or write action: move"),
        # YAML reads an unquoted no as false: a phrase must be text
        (edited(0, "all_of", [["car", False]]),
         "rules[0].all_of[0][1]: expected text, got a true/false (False)",
         "write a phrase (quote yes, no, on, off)"),
        (edited(0, "all_of", [[]]), "rules[0].all_of[0]: the list is empty",
         "give trigger phrases: all_of: [[phrase, ...]]"),
        (edited(2, "all_of", None), "rules[2]: all_of is missing",
         "give trigger phrases: all_of: [[phrase, ...]]"),
        (edited(1, "id", BUNDLED[0]["id"]),
         "rules[1].id: id 'burglary-needs-premises' is also rules[0]'s",
         "give each rule its own id"),
        ({"rules": BUNDLED}, "top level: expected a list of rules, got a mapping",
         "write each rule as - id: ..."),
    ],
)  # fmt: skip
def test_a_malformed_document_gets_one_message_with_its_key_path(
    doc: object, message: str, fix: str
) -> None:
    with pytest.raises(UsageError) as caught:
        parse_rules(doc)
    assert caught.value.message == f"rules.yaml: {message}"
    assert caught.value.hint == fix
    assert "Input should" not in str(caught.value)
    assert "validation error" not in str(caught.value)


def test_an_empty_document_holds_no_rule() -> None:
    assert parse_rules(None) == ()
