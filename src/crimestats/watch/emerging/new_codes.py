"""List (a): national codes, ICCS codes and descriptions new in the current period.

A code is *new* when the history window holds none of it, and *grows from near zero*
when the history share of it predicts fewer than ``near_zero`` records in the current
period (``history * current_total / history_total``). Either way it is reported only
with at least ``min_count`` current records and when the rise is significant after
false discovery rate control.

The test is the conditional binomial test of two rates (Przyborowski & Wilenski 1940):
given the ``n = current + history`` records of a code, under "its share of offences did
not change" the current ones are Binomial(n, current_total / (current_total +
history_total)); the one-sided p-value is the chance of at least as many. Shares of the
source's offences (for a national code) or of all compared offences (ICCS codes,
descriptions) are compared, not counts per day, so that a source loading more records
lately does not make every code "grow".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from crimestats.watch.emerging.fdr import q_values
from crimestats.watch.emerging.records import OffenceCount
from crimestats.watch.emerging.report import CodeKind, NewCode, Novelty, Tested
from crimestats.watch.scrub import scrub


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: CodeKind
    code: str
    label: str
    source: str | None
    current: int
    history: int
    current_total: int
    history_total: int
    coded_by: str | None


def rise_p_value(current: int, history: int, current_total: int, history_total: int) -> float:
    """One-sided p-value that a code's share rose: the conditional binomial test.

    >>> round(rise_p_value(5, 0, 100, 900), 6)  # (100 / 1000) ** 5
    1e-05
    """
    from scipy.stats import binomtest

    n = current + history
    if n == 0 or current_total == 0:
        return 1.0
    share = current_total / (current_total + history_total)
    return float(binomtest(current, n, share, alternative="greater").pvalue)


def expected_from_history(history: int, current_total: int, history_total: int) -> float:
    """The current count the history share of a code predicts."""
    return history * current_total / history_total if history_total else 0.0


def find_new_codes(
    offences: Sequence[OffenceCount], *, min_count: int, fdr: float, near_zero: float
) -> tuple[NewCode, ...]:
    """New and near-zero-grown national codes, ICCS codes and descriptions, q <= ``fdr``."""
    candidates = [
        c
        for c in (*_national(offences), *_iccs(offences), *_descriptions(offences))
        if c.current >= min_count
        and expected_from_history(c.history, c.current_total, c.history_total) < near_zero
    ]
    ps = [rise_p_value(c.current, c.history, c.current_total, c.history_total) for c in candidates]
    found = [
        NewCode(
            kind=c.kind,
            code=c.code,
            label=c.label,
            source=c.source,
            novelty=Novelty.NEW if c.history == 0 else Novelty.FROM_NEAR_ZERO,
            counts=Tested(c.current, c.history, c.current_total, c.history_total, p, q),
            expected_from_history=expected_from_history(
                c.history, c.current_total, c.history_total
            ),
            coded_by=c.coded_by,
        )
        for c, p, q in zip(candidates, ps, q_values(ps), strict=True)
        if q <= fdr
    ]
    order = list(CodeKind)
    found.sort(key=lambda f: (order.index(f.kind), f.counts.q_value, -f.counts.current, f.code))
    return tuple(found)


def _totals(rows: Iterable[OffenceCount]) -> tuple[int, int]:
    current = history = 0
    for r in rows:
        if r.current:
            current += r.records
        else:
            history += r.records
    return current, history


def _most(counter: Counter[str]) -> str:
    return counter.most_common(1)[0][0] if counter else ""


def _coding(rows: Iterable[OffenceCount]) -> str | None:
    """The ICCS code and method of most of the current records, e.g. ``0502 by model``."""
    counts: Counter[str] = Counter()
    for r in rows:
        if r.current and r.iccs_code:
            counts[f"{r.iccs_code} by {r.iccs_method}"] += r.records
    return _most(counts) or None


def _grouped(
    rows: Iterable[OffenceCount], key: Callable[[OffenceCount], str | None]
) -> dict[str, list[OffenceCount]]:
    """Rows by ``key`` (rows whose key is missing are left out)."""
    out: dict[str, list[OffenceCount]] = {}
    for r in rows:
        k = key(r)
        if k is not None:
            out.setdefault(k, []).append(r)
    return out


def _national(offences: Sequence[OffenceCount]) -> list[_Candidate]:
    by_source = _grouped(offences, lambda r: r.source)
    out = []
    for source, rows in by_source.items():
        current_total, history_total = _totals(rows)
        for code, group in _grouped(rows, lambda r: r.national_code).items():
            current, history = _totals(group)
            labels: Counter[str] = Counter()  # the description if any, else the label
            for r in group:
                labels[r.text or r.national_label or ""] += r.records
            out.append(
                _Candidate(
                    CodeKind.NATIONAL_CODE,
                    scrub(code),
                    scrub(_most(labels)),
                    source,
                    current,
                    history,
                    current_total,
                    history_total,
                    _coding(group),
                )
            )
    return out


def _iccs(offences: Sequence[OffenceCount]) -> list[_Candidate]:
    from crimestats.iccs.classification import load_classification

    classification = load_classification()
    current_total, history_total = _totals(offences)
    out = []
    for code, group in _grouped(offences, lambda r: r.iccs_code).items():
        current, history = _totals(group)
        methods: Counter[str] = Counter()
        for r in group:
            if r.current and r.iccs_method:
                methods[r.iccs_method] += r.records
        try:
            label = classification.get(code).label
        except LookupError:
            label = ""
        coded = ", ".join(f"by {m} ({n})" for m, n in methods.most_common())
        out.append(
            _Candidate(
                CodeKind.ICCS_CODE,
                code,
                label,
                None,
                current,
                history,
                current_total,
                history_total,
                coded or None,
            )
        )
    return out


def _descriptions(offences: Sequence[OffenceCount]) -> list[_Candidate]:
    """Descriptions across sources. One whose records all carry one national code of one
    source is left to the national-code list (which shows it as the code's label), so
    that a new code is not reported twice; the list is for texts without a code of their
    own (CODE's Memphis file) or shared by several codes or sources."""
    current_total, history_total = _totals(offences)
    out = []
    for text, group in _grouped(offences, lambda r: r.text).items():
        coded = {(r.source, r.national_code) for r in group}
        if len(coded) == 1 and next(iter(coded))[1] is not None:
            continue
        current, history = _totals(group)
        sources = sorted({r.source for r in group})
        out.append(
            _Candidate(
                CodeKind.DESCRIPTION,
                scrub(text),
                "",
                ", ".join(sources),
                current,
                history,
                current_total,
                history_total,
                _coding(group),
            )
        )
    return out
