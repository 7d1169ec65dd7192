"""Audit entries for what people do at the command line: ingest, review, release.

Why: the audit log must hold every change to what the store says, not only API
requests; a steward who loads a file or publishes a release from a terminal is named
there as ``cli:<login>``. The entry is appended after the change committed (the change
is one transaction of its own); a crash in between leaves a change without its entry,
which ``ingests list`` and ``releases`` still show (stated in docs/governance.md).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from typing import Any

from crimestats.govern import audit_chain
from crimestats.storage.store import open_store


def operator() -> str:
    """The name of the person at the command line."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name on this system (a container's uid)
        return "cli:unknown"


def log_cli_action(
    db: str | os.PathLike[str] | None,
    action: str,
    parameters: Mapping[str, Any],
    *,
    rows_out: int = 0,
    result: str = "",
) -> None:
    """Append one ``cli`` entry for ``action`` to the store's audit log."""
    with open_store(db) as con:
        audit_chain.append(
            con,
            user_name=operator(),
            role="cli",
            action=action,
            parameters=parameters,
            rows_out=rows_out,
            result_hash=audit_chain.result_digest(result) if result else "",
        )
