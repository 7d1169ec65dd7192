"""Recording a release in the store: its row in ``releases``, its DP spends in
``privacy_ledger`` and its withheld cells in ``release_withheld``, in one transaction.

Why apart from :mod:`crimestats.release.build`: recording is the one step that writes to
the store, and the one that must undo the folder when it fails (an unrecorded privacy
spend must not be published).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crimestats.release.config import ReleaseConfig
from crimestats.release.files import MANIFEST
from crimestats.release.linked_tables import withheld_of
from crimestats.release.tables import ProtectedRows
from crimestats.storage.releases import PrivacySpend, WithheldCell, record_release
from crimestats.storage.store import open_store


def privacy_spends(tables: list[ProtectedRows], config: ReleaseConfig) -> list[PrivacySpend]:
    if config.dp is None:
        return []
    return [
        PrivacySpend(
            table_name=t.spec.name,
            privacy_unit=config.dp.privacy_unit,
            epsilon=float(t.disclosure["epsilon"]),
            mechanism=str(t.disclosure["mechanism"]),
            sensitivity=int(t.disclosure["sensitivity_l1"]),
            alpha=config.dp.alpha,
            release_epsilon=config.dp.epsilon,
        )
        for t in tables
        if t.method == "dp"
    ]


def record_in_store(
    path: Path,
    folder: Path,
    release_id: str,
    manifest: str,
    config: ReleaseConfig,
    as_of: str | None,
    stamp: datetime | None,
    seed: int | None,
    tables: list[ProtectedRows],
    written: list[str],
) -> None:
    """Add the release to the store; if a DP release cannot be recorded, remove its files
    (an unrecorded spend must not be published)."""
    record: dict[str, Any] = {
        "threshold": config.threshold,
        "as_of": as_of,
        "tables": [t.spec.name for t in tables],
    }
    if config.source != "(defaults)" or seed is not None:
        record["config"] = config.to_dict()
        record["seed"] = seed
    created = stamp if stamp is not None else datetime.now(UTC).replace(tzinfo=None)
    spends = privacy_spends(tables, config)
    try:
        with open_store(path) as con:
            record_release(
                con,
                release_id=release_id,
                created_at=created,
                directory=str(folder.resolve()),
                config_json=json.dumps(record, sort_keys=True),
                manifest=manifest,
                spends=spends,
                withheld=[
                    WithheldCell(t.spec.name, tuple(t.spec.by), cell)
                    for t in tables
                    if t.method == "threshold"
                    for cell in withheld_of(t)
                ],
                published=[cell for t in tables for cell in t.published_cells()],
            )
    except BaseException:
        if spends:
            for name in [*written, MANIFEST]:
                (folder / name).unlink(missing_ok=True)
            for sub in {(folder / name).parent for name in written} - {folder}:
                if sub.is_dir() and not any(sub.iterdir()):
                    sub.rmdir()
        raise


__all__ = ["privacy_spends", "record_in_store"]
