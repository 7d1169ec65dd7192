"""What a release wrote, as :func:`crimestats.release.build_release` returns it.

The publisher's summary (``crimestats release --json``) is a fixed JSON shape, typed
here (:class:`ReleaseResultJson`, :class:`TableSummary`): it is private (primary and
secondary cell counts are never published, finding 8), but a script reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from crimestats.release.method import Method
from crimestats.release.protection import protection_of
from crimestats.release.tables import ProtectedRows


class MethodFigures(TypedDict, total=False):
    """What a table's protection adds to its summary (a DP table: its epsilon;
    :meth:`crimestats.release.protection.Protection.describe`)."""

    epsilon: float


class TableSummary(MethodFigures):
    """One table in the publisher's summary: rows written, cells withheld by each rule
    (never published), the method, and what the method adds."""

    rows: int
    primary_cells: int
    secondary_cells: int
    method: Method


class ReleaseResultJson(TypedDict):
    """:meth:`ReleaseResult.to_dict`: what ``crimestats release --json`` prints."""

    directory: str
    release_id: str
    files: list[str]
    tables: dict[str, TableSummary]
    recorded: bool
    privacy: NotRequired[dict[str, Any]]
    seed: NotRequired[int]
    warnings: NotRequired[list[str]]


@dataclass(frozen=True, slots=True)
class ReleaseResult:
    """What :func:`build_release` wrote.

    Attributes
    ----------
    directory : Path
        The release folder.
    files : list of str
        Every file written, relative to ``directory``, sorted (the manifest last).
    manifest : str
        The text of ``MANIFEST.sha256``.
    release_id : str
        The first 16 hex digits of the manifest's SHA-256 (same folder, same id).
    tables : dict
        Per table: rows written, primary and secondary cells.
    recorded : bool
        Whether the release was recorded in the store's ``releases`` table (and its DP
        spends in ``privacy_ledger``).
    privacy : dict or None
        The privacy ledger of the release's DP tables (``PrivacyLedger.to_dict()``), if any.
    seed : int or None
        The seed given for the release's random steps (OpenDP noise does not use it).
    """

    directory: Path
    files: list[str]
    manifest: str
    release_id: str
    tables: dict[str, TableSummary] = field(default_factory=dict)
    recorded: bool = False
    privacy: dict[str, Any] | None = None
    seed: int | None = None
    warnings: list[str] = field(default_factory=list)
    summary_lines: list[str] = field(default_factory=list)
    """One line per table for the publisher (each protection's own words; not in JSON)."""

    def to_dict(self) -> ReleaseResultJson:
        """JSON-ready summary (``--json``)."""
        out: ReleaseResultJson = {
            "directory": str(self.directory),
            "release_id": self.release_id,
            "files": self.files,
            "tables": self.tables,
            "recorded": self.recorded,
        }
        if self.privacy is not None:
            out["privacy"] = self.privacy
        if self.seed is not None:
            out["seed"] = self.seed
        if self.warnings:
            out["warnings"] = self.warnings
        return out


def table_summary(table: ProtectedRows) -> TableSummary:
    """``table`` in the publisher's summary (private: cells withheld by each rule)."""
    return {
        "rows": len(table.rows),
        "primary_cells": table.by_rule.primary,
        "secondary_cells": table.by_rule.secondary,
        "method": table.method,
        **protection_of(table.method).describe(table),
    }


def publisher_warnings(tables: list[ProtectedRows]) -> list[str]:
    """What a publisher must know before sharing the folder (also in the metadata)."""
    out: list[str] = []
    for table in tables:
        cross = table.disclosure.get("cross_unit_audit")
        if isinstance(cross, dict) and cross.get("passed") is False:
            out.append(
                f"{table.spec.name}: the joint audit with the other unit's table found "
                f"{cross.get('narrow_cells', 'some')} withheld cells that could be bounded "
                "more tightly than the protection width (docs/disclosure-control.md, "
                "section 7); publish one of the two tables, or check them by hand"
            )
    return out


__all__ = [
    "MethodFigures",
    "ReleaseResult",
    "ReleaseResultJson",
    "TableSummary",
    "publisher_warnings",
    "table_summary",
]
