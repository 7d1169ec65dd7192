"""Recording a release in the store: its row in ``releases``, its DP spends in
``privacy_ledger`` and its withheld cells in ``release_withheld``, in one transaction.

Why apart from :mod:`crimestats.release.build`: recording is the one step that writes to
the store. It comes after every file is written (the release id is the manifest's hash)
and before the folder is published (:mod:`crimestats.release.folder`), so a release that
cannot be recorded is never published, and its noise never leaves the staging folder.
:func:`check_recordable` proves the store writable at the start, before any noise is
drawn: a read-only store, or one another process holds, refuses the release then.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import NotRequired, TypedDict

from crimestats.errors import CrimestatsError, StoreError, StoreLockedError
from crimestats.release.config import ConfigRecord, ReleaseConfig
from crimestats.release.protection import protection_of
from crimestats.release.tables import ProtectedRows, withheld_of
from crimestats.storage.releases import PrivacySpend, WithheldCell, record_release
from crimestats.storage.store import open_store


class RecordedConfig(TypedDict):
    """``releases.config_json``: what a release was made with. The whole configuration
    and the seed only when they are not the defaults; written with sorted keys."""

    threshold: int
    as_of: str | None
    tables: list[str]
    config: NotRequired[ConfigRecord]
    seed: NotRequired[int | None]


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
        if protection_of(t.method).spends_budget
    ]


def check_recordable(path: Path) -> None:
    """Prove now that the release can be recorded at its end: open the store for writing
    (another process's lock, read-only or not, refuses it) and check that the file and
    its folder (DuckDB's write-ahead log) may be written.

    Raises
    ------
    StoreError
        With what to do; called before anything is counted or noised.
    """
    fix = "give write access to the store and its folder, or release from a writable copy"
    try:
        with open_store(path):
            pass
    except StoreLockedError:
        raise
    except StoreError as exc:
        raise StoreError(_not_writable(path, exc.message), hint=fix) from exc
    for where in (path, path.absolute().parent):
        if not os.access(where, os.W_OK):
            raise StoreError(_not_writable(path, f"{where} is read-only"), hint=fix)


def _not_writable(path: Path, why: str) -> str:
    return (
        f"the store {path} cannot be written ({why}), and a release is always recorded in "
        "its store before it is published; nothing was counted or noised"
    )


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
) -> None:
    """Add the release to the store (``folder`` is where it will be published).

    Raises
    ------
    StoreError
        (or :class:`StoreLockedError`) if it cannot be recorded: the caller then publishes
        nothing, so no privacy spend goes unrecorded.
    """
    record: RecordedConfig = {
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
                    if protection_of(t.method).carries_history
                    for cell in withheld_of(t)
                ],
                published=[
                    cell
                    for t in tables
                    if protection_of(t.method).carries_history
                    for cell in t.published_cells()
                ],
            )
    except StoreLockedError as exc:
        raise StoreLockedError(_not_recorded(path, exc.message), hint=exc.hint) from exc
    except CrimestatsError as exc:
        raise StoreError(_not_recorded(path, exc.message), hint=exc.hint) from exc
    except Exception as exc:  # DuckDB's own errors: only crimestats.storage imports it
        raise StoreError(
            _not_recorded(path, str(exc).splitlines()[0]),
            hint="check the free space and that you may write the store, then release again",
        ) from exc


def _not_recorded(path: Path, why: str) -> str:
    return (
        f"the release could not be recorded in the store {path} ({why}); nothing was "
        "published, so no privacy spend goes unrecorded"
    )


__all__ = ["RecordedConfig", "check_recordable", "privacy_spends", "record_in_store"]
