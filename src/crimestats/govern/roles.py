"""The four roles and what each may do (issue 16, docs/governance.md).

Why an ordered enumeration: every permission in crimestats is "at least this role";
a steward may do what an analyst may, an admin what a steward may. One comparison
says it, so no endpoint keeps its own list of who may call it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from crimestats.errors import UsageError


class Role(StrEnum):
    """A user's role, weakest first."""

    PUBLIC = "public"
    """No token: protected release tables, ICCS and metadata only."""
    ANALYST = "analyst"
    """Aggregates of the store; never an incident row, a person or a narrative."""
    STEWARD = "steward"
    """Loads sources, reviews codes, makes releases."""
    ADMIN = "admin"
    """Manages users and reads the audit log."""

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def may(self, needed: Role) -> bool:
        """This role may do what ``needed`` may."""
        return self.rank >= needed.rank


_RANKS: Final[dict[Role, int]] = {role: rank for rank, role in enumerate(Role)}

GRANTABLE: Final = tuple(role for role in Role if role is not Role.PUBLIC)
"""The roles a token can carry (public needs none)."""


def parse_role(text: str) -> Role:
    """The grantable role named ``text`` or one message naming the choices."""
    try:
        role = Role(text.strip().lower())
    except ValueError:
        role = None
    if role is None or role is Role.PUBLIC:
        choices = ", ".join(r.value for r in GRANTABLE)
        raise UsageError(f"unknown role {text!r}", hint=f"use one of: {choices}")
    return role
