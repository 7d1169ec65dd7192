"""What a release wrote, as :func:`crimestats.release.build_release` returns it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    recorded: bool = False
    privacy: dict[str, Any] | None = None
    seed: int | None = None
    warnings: list[str] = field(default_factory=list)
    summary_lines: list[str] = field(default_factory=list)
    """One line per table for the publisher (each protection's own words; not in JSON)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (``--json``)."""
        out: dict[str, Any] = {
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
