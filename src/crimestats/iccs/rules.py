"""ICCS scope rules as data: the conditions that separate neighbouring codes.

The autocoder learns codes from wordings, so it misses what the classification says in
words: ICCS burglary needs premises, a con-trick is fraud whatever the amount, robbery
needs force or threat against a person, an attempt is a tag and not a code. Those
conditions live in ``data/iccs_rules/rules.yaml``, one rule each, with the ICCS text they
rest on; this module loads them and applies them to a coded text *after* scoring, so
that a rule can move a code ICCS excludes, send it to review, or only explain (see
docs/iccs-rules.md). The explanation names every rule that fired.

Rules are matched on whole words of the normalised text (the form the autocoder codes,
plus the raw normalised words, so attempt words the scorer ignores are still seen).

The file is read through :class:`RulesFileSchema` (pydantic, on
:class:`crimestats.config_schema.Schema`: strict, closed, frozen), like every YAML file
crimestats reads: a malformed rule is refused with one message naming its key path
(``rules.yaml: rules[3].action: unknown action 'jump'``) and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated, ClassVar, Final

import yaml
from pydantic import AfterValidator, Field, PlainValidator, model_validator

from crimestats.config_schema import ConfigValueError, Fix, OneOf, Schema, kind, validate
from crimestats.domain.iccs_codes import is_iccs_code
from crimestats.errors import UsageError

MAX_MOVES = 3
"""At most this many rules move one coding (rules are applied in file order, once)."""


class RuleAction(StrEnum):
    """What a rule does when it fires."""

    MOVE = "move"
    REVIEW = "review"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class ScopeRule:
    """One ICCS scope condition (a row of ``rules.yaml``)."""

    id: str
    separates: tuple[str, ...]
    if_chosen: tuple[str, ...]
    all_of: tuple[re.Pattern[str], ...]
    none_of: re.Pattern[str] | None
    action: RuleAction
    to: str | None
    reason: str

    def applies(self, code: str | None) -> bool:
        """Whether the rule concerns a coding with ``code`` (before matching text)."""
        if not self.if_chosen:
            return True
        return code is not None and code.startswith(self.if_chosen)

    def matched(self, words: str) -> tuple[str, ...] | None:
        """The phrase each ``all_of`` group matched in ``words`` (space-padded normal
        text), or None when a group does not match or a ``none_of`` phrase does."""
        found: list[str] = []
        for group in self.all_of:
            hit = group.search(words)
            if hit is None:
                return None
            found.append(hit.group(0).strip())
        if self.none_of is not None and self.none_of.search(words):
            return None
        return tuple(found)


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that fired on one text: what it matched, the code before and after."""

    rule: ScopeRule
    matched: tuple[str, ...]
    before: str | None
    after: str | None

    def describe(self) -> str:
        """The sentence the explanation and the review queue show."""
        words = ", ".join(f"'{m}'" for m in self.matched)
        if self.rule.action is RuleAction.MOVE:
            return (
                f"rule {self.rule.id} ({words}): {self.before} -> {self.after}: {self.rule.reason}"
            )
        if self.rule.action is RuleAction.REVIEW:
            return f"rule {self.rule.id} ({words}): {self.before} needs review: {self.rule.reason}"
        return f"rule {self.rule.id} ({words}): {self.rule.reason}"


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """The code after the rules, what fired, and whether a rule wants review."""

    code: str | None
    findings: tuple[Finding, ...]
    decided_by: str = ""
    """The id of the last rule that moved the code ("" when none did)."""
    review: bool = False


def _pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    """One regex matching any phrase on word boundaries (trailing ``*``: any ending)."""
    parts = []
    for phrase in phrases:
        words = phrase.casefold().split()
        body = r"\s+".join(re.escape(w.rstrip("*")) for w in words)
        parts.append(body + (r"\w*" if phrase.endswith("*") else ""))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


_CODE_FIX: Final = 'write an ICCS v1.0 code in quotes, e.g. "0502"'
_ID: Final = re.compile(r"[a-z0-9][a-z0-9\-]{0,79}")


def _iccs_code(value: str) -> str:
    if not is_iccs_code(value):
        raise ConfigValueError(f"{value[:40]!r} is not an ICCS code", _CODE_FIX)
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise ConfigValueError("the text is empty", "write it, or leave the key out")
    return " ".join(value.split())


def _rule_id(value: object) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        shown = repr(value) if isinstance(value, str) else kind(value)
        raise ConfigValueError(
            f"{shown[:80]} is not a rule id", "lower-case words joined by -, e.g. deceit-is-fraud"
        )
    return value


IccsCode = Annotated[str, AfterValidator(_iccs_code), Fix(_CODE_FIX)]
Phrase = Annotated[str, AfterValidator(_text), Fix("write a phrase (quote yes, no, on, off)")]
Phrases = Annotated[list[Phrase], Field(min_length=1)]


class RuleSchema(Schema):
    """One rule of ``rules.yaml`` as written (the file's header lists every key)."""

    SHAPE: ClassVar[str] = "{id: NAME, all_of: [[phrase, ...]], action: note, reason: TEXT}"
    id: Annotated[str, PlainValidator(_rule_id), Fix("write id: a-short-name")]
    separates: list[IccsCode] = Field(default_factory=list)
    if_chosen: list[IccsCode] = Field(default_factory=list)
    all_of: Annotated[
        list[Phrases], Field(min_length=1), Fix("give trigger phrases: all_of: [[phrase, ...]]")
    ]
    none_of: list[Phrase] = Field(default_factory=list)
    action: Annotated[str, OneOf(tuple(a.value for a in RuleAction))]
    to: IccsCode | None = None
    reason: Annotated[str, AfterValidator(_text), Fix("quote the ICCS text the rule rests on")]

    @model_validator(mode="after")
    def _to_with_move(self) -> RuleSchema:
        if self.action == RuleAction.MOVE and self.to is None:
            raise ConfigValueError(f"rule {self.id} moves to no ICCS code", "set to: <code>")
        if self.action != RuleAction.MOVE and self.to is not None:
            raise ConfigValueError(
                f"to is only for a move rule (this one is a {self.action})",
                "remove to:, or write action: move",
                at=("to",),
            )
        return self

    def rule(self) -> ScopeRule:
        """The rule with its phrases compiled."""
        return ScopeRule(
            id=self.id,
            separates=tuple(self.separates),
            if_chosen=tuple(self.if_chosen),
            all_of=tuple(_pattern(group) for group in self.all_of),
            none_of=_pattern(self.none_of) if self.none_of else None,
            action=RuleAction(self.action),
            to=self.to,
            reason=self.reason,
        )


class RulesFileSchema(Schema):
    """``rules.yaml``: a list of rules (``rules[3]`` is the fourth), each id once."""

    SHAPE: ClassVar[str] = "- id: NAME ..."
    rules: list[RuleSchema]

    @classmethod
    def prepare(cls, data: object) -> object:
        """The file is a bare list; an empty file holds no rule."""
        if data is None or isinstance(data, list):
            return {"rules": data or []}
        raise ConfigValueError(
            f"expected a list of rules, got {kind(data)}", "write each rule as - id: ..."
        )

    @model_validator(mode="after")
    def _ids_once(self) -> RulesFileSchema:
        seen: dict[str, int] = {}
        for i, rule in enumerate(self.rules):
            if rule.id in seen:
                raise ConfigValueError(
                    f"id {rule.id!r} is also rules[{seen[rule.id]}]'s",
                    "give each rule its own id",
                    at=("rules", i, "id"),
                )
            seen[rule.id] = i
        return self


def _rule(raw: object, where: str) -> ScopeRule:
    """One rule checked on its own (``where`` names it in the message)."""
    return validate(RuleSchema, raw, where=where, error=UsageError).rule()


def parse_rules(doc: object, *, where: str = "rules.yaml") -> tuple[ScopeRule, ...]:
    """A parsed rules document checked by :class:`RulesFileSchema`, or ONE ``UsageError``
    ``<where>: rules[i].<key>: <problem>`` with a fix."""
    checked = validate(RulesFileSchema, doc, where=where, error=UsageError)
    return tuple(r.rule() for r in checked.rules)


@cache
def load_rules() -> tuple[ScopeRule, ...]:
    """The bundled rules, in file order (parsed once)."""
    resource = resources.files("crimestats") / "data" / "iccs_rules" / "rules.yaml"
    return parse_rules(yaml.safe_load(resource.read_text(encoding="utf-8")))


def apply_rules(
    words: str, code: str | None, rules: Sequence[ScopeRule] | None = None
) -> RuleOutcome:
    """Apply ``rules`` (default: the bundled ones) in order to a text's normal ``words``
    coded ``code``. Each rule fires at most once; a move changes the code the later
    rules see."""
    padded = f" {words} "
    findings: list[Finding] = []
    decided_by = ""
    review = False
    moves = 0
    for rule in rules if rules is not None else load_rules():
        if not rule.applies(code):
            continue
        hit = rule.matched(padded)
        if hit is None:
            continue
        after = code
        if rule.action is RuleAction.MOVE and moves < MAX_MOVES and rule.to != code:
            after, decided_by, moves = rule.to, rule.id, moves + 1
        elif rule.action is RuleAction.REVIEW:
            review = True
        findings.append(Finding(rule, hit, code, after))
        code = after
    return RuleOutcome(code, tuple(findings), decided_by, review)
