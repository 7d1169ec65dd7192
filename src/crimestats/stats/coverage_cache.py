"""The store's coverage kept per store state (:mod:`crimestats.stats.store_cache`).

Why: every table with a period field lists its partial periods (issue 13), and the facts
behind them (:func:`crimestats.stats.coverage_facts.scan_coverage`) take one grouped scan
of the incidents that reads two date columns: at ten million incidents 0.8-2 s, several
times the 0.1-0.3 s of the table's own group-by (issue 19). Kept as
``<store>.cache/coverage-<basis>.json``; this module says how the facts go to JSON and back.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import date
from typing import Any, Final

from crimestats.stats.coverage_facts import MonthCount, SourceCoverage, scan_coverage
from crimestats.stats.fields import PeriodBasis
from crimestats.stats.store_cache import CACHE_SUFFIX, kept

__all__ = ["CACHE_SUFFIX", "cached_coverage"]

CACHE_FORMAT: Final = 1
"""Bump when :class:`SourceCoverage` or the scan changes, so old files are not read."""


def cached_coverage(con: Any, basis: PeriodBasis) -> tuple[SourceCoverage, ...]:
    """Every source's coverage on ``basis``: kept per store state, else one scan."""
    return kept(
        con,
        f"coverage-{basis.value}",
        lambda: scan_coverage(con, basis),
        lambda coverage: [_to_dict(c) for c in coverage],
        lambda data: tuple(_from_dict(s) for s in data),
        CACHE_FORMAT,
    )


_DATES = ("first", "last", "covered_from", "covered_to")


def _to_dict(cov: SourceCoverage) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclass_fields(cov):
        if not f.init:
            continue  # the gaps are derived again from the months
        value = getattr(cov, f.name)
        if f.name in _DATES:
            value = None if value is None else value.isoformat()
        elif f.name == "months":
            value = [[m.month.isoformat(), m.incidents, m.late, m.known] for m in value]
        out[f.name] = value
    return out


def _from_dict(data: dict[str, Any]) -> SourceCoverage:
    values = dict(data)
    for name in _DATES:
        values[name] = None if values[name] is None else date.fromisoformat(values[name])
    values["basis"] = PeriodBasis(values["basis"])
    values["months"] = tuple(
        MonthCount(date.fromisoformat(m), int(n), int(late), int(known))
        for m, n, late, known in values["months"]
    )
    return SourceCoverage(**values)
