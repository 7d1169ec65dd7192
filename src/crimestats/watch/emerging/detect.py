"""``emerging`` as one call: read the window once, build the four lists, one report.

This is the service the CLI (``crimestats emerging``) and any other interface call; it
checks the options, so that every interface refuses the same values with the same
message.
"""

from __future__ import annotations

import math
import os
from datetime import date
from typing import TYPE_CHECKING

from crimestats.errors import UsageError
from crimestats.watch.emerging.bursts import find_bursts
from crimestats.watch.emerging.new_codes import find_new_codes
from crimestats.watch.emerging.records import DEFAULT_HISTORY_DAYS, read_extract
from crimestats.watch.emerging.report import EmergingReport, Settings, UnfamiliarCluster
from crimestats.watch.emerging.shares import find_share_changes
from crimestats.watch.emerging.unfamiliar import autocoder_scorer, find_unfamiliar

if TYPE_CHECKING:
    from crimestats.iccs.autocoder import Autocoder

DEFAULT_MIN_COUNT = 5
DEFAULT_FDR = 0.05
DEFAULT_NEAR_ZERO = 1.0


def check_settings(min_count: int, fdr: float, near_zero: float) -> Settings:
    """The thresholds as :class:`Settings`, or a UsageError naming the option to fix."""
    if min_count < 1:
        raise UsageError(
            f"--min-count must be at least 1, got {min_count}",
            hint=f"use {DEFAULT_MIN_COUNT} (the default) or more",
        )
    if not 0 < fdr < 1:
        raise UsageError(f"--fdr must be between 0 and 1, got {fdr}", hint="e.g. --fdr 0.05")
    if not 0 < near_zero < math.inf:
        raise UsageError(
            f"--near-zero must be a number above 0, got {near_zero}",
            hint=f"e.g. --near-zero {DEFAULT_NEAR_ZERO} (fewer than one expected record)",
        )
    return Settings(min_count=min_count, fdr=fdr, near_zero=near_zero)


def find_emerging(
    db: str | os.PathLike[str] | None,
    *,
    since: date | None = None,
    until: date | None = None,
    history_days: int = DEFAULT_HISTORY_DAYS,
    source: str | None = None,
    min_count: int = DEFAULT_MIN_COUNT,
    fdr: float = DEFAULT_FDR,
    near_zero: float = DEFAULT_NEAR_ZERO,
    autocoder: Autocoder | None = None,
) -> EmergingReport:
    """New codes, bursting terms, new unfamiliar clusters and rising shares of a window.

    ``autocoder`` defaults to the bundled model (:meth:`Autocoder.fit_default`, cached).
    """
    settings = check_settings(min_count, fdr, near_zero)
    extract = read_extract(db, since=since, until=until, history_days=history_days, source=source)
    new_codes = find_new_codes(extract.offences, min_count=min_count, fdr=fdr, near_zero=near_zero)
    bursts = find_bursts(extract.offences, min_count=min_count, fdr=fdr)
    clusters: tuple[UnfamiliarCluster, ...] = ()
    cluster_notes: tuple[str, ...] = ()
    if extract.offences:
        if autocoder is None:
            from crimestats.iccs.autocoder import Autocoder

            autocoder = Autocoder.fit_default()
        clusters, cluster_notes = find_unfamiliar(
            extract.offences,
            autocoder_scorer(autocoder),
            min_count=min_count,
            fdr=fdr,
            near_zero=near_zero,
        )
    shares, share_notes = find_share_changes(
        extract.incidents,
        extract.offences,
        has_motive=extract.has_motive,
        min_count=min_count,
        fdr=fdr,
    )
    return EmergingReport(
        window=extract.window,
        settings=settings,
        sources=extract.sources,
        new_codes=new_codes,
        bursts=bursts,
        clusters=clusters,
        shares=shares,
        notes=(*extract.notes, *cluster_notes, *share_notes),
    )
