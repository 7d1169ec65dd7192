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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

import yaml

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
        words = str(phrase).casefold().split()
        body = r"\s+".join(re.escape(w.rstrip("*")) for w in words)
        parts.append(body + (r"\w*" if str(phrase).endswith("*") else ""))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def _rule(raw: dict[str, object], where: str) -> ScopeRule:
    try:
        action = RuleAction(str(raw["action"]))
        groups = raw.get("all_of") or []
        none_of = raw.get("none_of") or []
        rule = ScopeRule(
            id=str(raw["id"]),
            separates=tuple(str(c) for c in raw.get("separates") or []),  # type: ignore[attr-defined]
            if_chosen=tuple(str(c) for c in raw.get("if_chosen") or []),  # type: ignore[attr-defined]
            all_of=tuple(_pattern(g) for g in groups),  # type: ignore[attr-defined]
            none_of=_pattern(none_of) if none_of else None,  # type: ignore[arg-type]
            action=action,
            to=str(raw["to"]) if raw.get("to") is not None else None,
            reason=" ".join(str(raw["reason"]).split()),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise UsageError(
            f"{where}: a malformed rule ({exc})", hint="see docs/iccs-rules.md"
        ) from None
    if not rule.all_of:
        raise UsageError(f"{where}: rule {rule.id} has no all_of", hint="give trigger phrases")
    if action is RuleAction.MOVE and not (rule.to and is_iccs_code(rule.to)):
        raise UsageError(f"{where}: rule {rule.id} moves to no ICCS code", hint="set to: <code>")
    return rule


@cache
def load_rules() -> tuple[ScopeRule, ...]:
    """The bundled rules, in file order (parsed once)."""
    resource = resources.files("crimestats") / "data" / "iccs_rules" / "rules.yaml"
    raw = yaml.safe_load(resource.read_text(encoding="utf-8")) or []
    rules = tuple(_rule(r, f"rules.yaml rule {i + 1}") for i, r in enumerate(raw))
    if len({r.id for r in rules}) != len(rules):
        raise UsageError("rules.yaml repeats a rule id", hint="give each rule its own id")
    return rules


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
