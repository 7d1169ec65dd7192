"""A release's options checked before anything is read or written (step 1 of a build).

Why a module of its own: every option of :func:`crimestats.release.build_release` that
a user can get wrong (``--as-of``, ``--seed``, ``--threshold`` over the file's, a DP
release without a record, a rounding table beside another exact table) is refused here
with one :class:`~crimestats.errors.UsageError` and its fix, before the store is opened
and long before any noise is drawn; the build itself then works only with checked
values.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from crimestats.errors import UsageError
from crimestats.privacy.threshold import check_threshold
from crimestats.release.config import (
    ReleaseConfig,
    conflict_message,
    conflicting_methods,
    default_config,
)


def check_as_of(as_of: str | None) -> datetime | None:
    """The release's date (``--as-of``) as a date-time, if given."""
    if as_of is None:
        return None
    try:
        return datetime.fromisoformat(as_of)
    except ValueError as exc:
        raise UsageError(
            f"--as-of {as_of!r} is not an ISO date or date-time",
            hint="write it like 2024-06-30 or 2024-06-30T12:00:00",
        ) from exc


def check_recorded(config: ReleaseConfig, record: bool) -> None:
    """A DP release is always recorded: an unrecorded spend is invisible to the next one."""
    if not record and config.dp_tables:
        raise UsageError(
            "a release with differentially private tables must be recorded in the store "
            f"(tables {', '.join(t.name for t in config.dp_tables)})",
            hint="leave record on: its spends go to the store's privacy ledger",
        )


def resolve_config(config: ReleaseConfig | None, threshold: int | None) -> ReleaseConfig:
    """The configuration in force: the given one (or the standard release), and
    ``threshold`` (an explicit option) over the file's."""
    if threshold is not None:
        threshold = check_threshold(threshold)
    if config is None:
        return default_config(3 if threshold is None else threshold)
    if threshold is not None:
        config = dataclasses.replace(config, threshold=threshold)
    return config


def check_seed(seed: int | None) -> int | None:
    """The seed of the release's random steps (``--seed``), a whole number >= 0."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"--seed {seed!r} is not a whole number >= 0", hint="e.g. --seed 42")
    return seed


def check_methods(config: ReleaseConfig) -> None:
    """Never a rounding table beside another exact table of the release, whatever its
    unit (a configuration made in code is checked here as a file is at load)."""
    clash = conflicting_methods(config.tables)
    if clash is not None:
        problem, fix = conflict_message(*clash)
        raise UsageError(f"tables {problem}", hint=fix)


__all__ = ["check_as_of", "check_methods", "check_recorded", "check_seed", "resolve_config"]
