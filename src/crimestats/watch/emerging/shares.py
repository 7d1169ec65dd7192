"""Shares rising: cyber-related incidents and offences by motive, then and now.

Why shares and not counts: a cyber-related crime rising faster than crime as a whole is
what "emerging" means for UN reporting (the ICCS tags Cyb and Mot); counts alone rise
with every extra record loaded. Each share is among records where the field is known
(``cyber_related`` true or false; a motive other than unknown), so a source that starts
recording the field does not look like a rise of its values; how many were unknown is
in the totals a reader sees.

Test: the two-proportion z-test, one-sided (current share larger), with the pooled
variance (statsmodels ``proportions_ztest``; Agresti 2013, section 3.1), then
Benjamini-Hochberg over every share tested. A share is tested when its value has at
least ``min_count`` current records; it is reported as rising when q <= ``fdr``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from crimestats.domain.enums import TriState
from crimestats.watch.emerging.fdr import q_values
from crimestats.watch.emerging.records import UNKNOWN_MOTIVES, IncidentCount, OffenceCount
from crimestats.watch.emerging.report import ShareChange, Tested
from crimestats.watch.scrub import scrub


@dataclass(frozen=True, slots=True)
class _Share:
    measure: str
    value: str
    current: int
    history: int
    current_known: int
    history_known: int


def rise_z(
    current: int, current_known: int, history: int, history_known: int
) -> tuple[float, float]:
    """z statistic and one-sided p-value that the current share is the larger.

    >>> z, p = rise_z(30, 100, 20, 100)
    >>> round(z, 4), round(p, 4)
    (1.633, 0.0512)
    """
    from statsmodels.stats.proportion import proportions_ztest

    if current_known == 0 or history_known == 0:
        return 0.0, 1.0
    pooled = (current + history) / (current_known + history_known)
    if pooled in (0.0, 1.0):
        return 0.0, 1.0
    z, p = proportions_ztest(
        [current, history], [current_known, history_known], alternative="larger"
    )
    return float(z), float(p)


def _cyber(incidents: Sequence[IncidentCount]) -> tuple[list[_Share], list[str]]:
    known = {True: 0, False: 0}
    yes = {True: 0, False: 0}
    unknown = 0
    for row in incidents:
        if row.cyber_related == TriState.UNKNOWN:
            unknown += row.records
            continue
        known[row.current] += row.records
        if row.cyber_related == TriState.TRUE:
            yes[row.current] += row.records
    if not known[True] or not known[False]:
        total = unknown + known[True] + known[False]
        return [], [
            "the cyber-related share is not reported: whether an incident is cyber-related "
            f"is unknown for {unknown} of the {total} incidents compared"
            + ("" if unknown == total else ", and known in one period only")
        ]
    share = _Share("cyber_related", "true", yes[True], yes[False], known[True], known[False])
    return [share], []


def _motives(offences: Sequence[OffenceCount], measure: str) -> list[_Share]:
    values: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    for row in offences:
        value = row.motive if measure == "motive" else row.motive_detail
        if value is None or value in UNKNOWN_MOTIVES:
            continue
        values[row.current][value] += row.records
    known = {period: sum(c.values()) for period, c in values.items()}
    if not known[True] or not known[False]:
        return []
    return [
        _Share(measure, scrub(v), values[True][v], values[False][v], known[True], known[False])
        for v in sorted(values[True].keys() | values[False].keys())
    ]


def find_share_changes(
    incidents: Sequence[IncidentCount],
    offences: Sequence[OffenceCount],
    *,
    has_motive: bool,
    min_count: int,
    fdr: float,
) -> tuple[tuple[ShareChange, ...], tuple[str, ...]]:
    """Every share tested (``rising`` says which rose, q <= ``fdr``), and notes on those
    that could not be computed."""
    shares, notes = _cyber(incidents)
    if has_motive:
        motive = _motives(offences, "motive")
        if not motive:
            notes.append(
                "motive shares are not reported: no offence of one period has a known motive"
            )
        shares += motive + _motives(offences, "motive_detail")
    shares = [s for s in shares if s.current >= min_count]
    tests = [rise_z(s.current, s.current_known, s.history, s.history_known) for s in shares]
    qs = q_values([p for _, p in tests])
    out = [
        ShareChange(
            measure=s.measure,
            value=s.value,
            counts=Tested(s.current, s.history, s.current_known, s.history_known, p, q),
            z=z,
            rising=q <= fdr and z > 0,
        )
        for s, (z, p), q in zip(shares, tests, qs, strict=True)
    ]
    out.sort(key=lambda c: (not c.rising, c.counts.q_value, c.measure, c.value))
    return tuple(out), tuple(notes)
