"""List (b): terms and phrases of offence texts whose frequency bursts against their history.

Method: Dunning's log-likelihood ratio G2 on a two-period 2x2 table per term (Dunning
1993, "Accurate methods for the statistics of surprise and coincidence", Computational
Linguistics 19(1); the keyness statistic of corpus linguistics, Rayson & Garside 2000).
For a term, the table is

    ===============  ===============  ===============
                     current period   history window
    with the term    a                b
    without it       N_c - a          N_h - b
    ===============  ===============  ===============

where a record is one offence and a term counts once per record. G2 = 2 * sum(O ln(O/E))
over the four cells, E the counts expected if the term's share is the same in both
periods; under that hypothesis G2 is asymptotically chi-square with one degree of
freedom, unlike Pearson's X2 still good for the rare terms that matter here. A term is
reported when its share rose, it is in at least ``min_count`` current records and its
Benjamini-Hochberg q-value is at most ``fdr`` (the family: every term in at least
``min_count`` records over both periods; terms found in exactly the same texts, such as
"anti", "social" and "anti social behaviour", are one test and one finding).

Why G2 and not Kleinberg's burst automaton (Kleinberg 2002): the question asked is
"is this term more common now than in its own history", a two-period comparison; G2
answers it with a p-value, so the false discovery rate over thousands of terms can be
controlled, while the automaton marks burst intervals by a cost minimisation whose
scale ``s`` and cost ``gamma`` must be chosen and which yields no p-value to control.

Texts are scrubbed (:func:`crimestats.watch.scrub.scrub`) before they are split, at
each tag, and normalised with the ICCS text normaliser
(:func:`crimestats.iccs.text.normalise`: case, accents, police abbreviations); terms
are words (not function words or bare numbers) and pairs of adjacent words.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from crimestats.iccs.text import normalise
from crimestats.watch.emerging.fdr import q_values
from crimestats.watch.emerging.records import OffenceCount
from crimestats.watch.emerging.report import Burst, Tested
from crimestats.watch.scrub import TAGS, scrub

STOP_WORDS = frozenset(
    {
        "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "by", "for", "from",
        "with", "without", "not", "no", "than", "other", "others", "over", "under", "into",
        "onto", "as", "is", "are", "be", "per", "any", "all", "de", "del", "la", "el", "los",
        "las", "y", "en",
    }
)  # fmt: skip
"""Function words: never a term alone (a phrase may hold one, "theft of")."""

_TAG_SPLIT = re.compile("|".join(re.escape(t) for t in sorted(TAGS)))


@lru_cache(maxsize=65536)
def terms(text: str) -> frozenset[str]:
    """The words and adjacent-word pairs of a text, after scrubbing and normalising.

    >>> sorted(terms("THEFT OF MOTOR VEHICLE"))
    ['motor', 'motor vehicle', 'of motor', 'theft', 'theft of', 'vehicle']
    """
    out: set[str] = set()
    for segment in _TAG_SPLIT.split(scrub(text)):
        words = normalise(segment).split()
        out.update(w for w in words if w not in STOP_WORDS and not w.isdigit() and len(w) > 1)
        out.update(
            f"{x} {y}"
            for x, y in itertools.pairwise(words)
            if not (x in STOP_WORDS and y in STOP_WORDS)
        )
    return frozenset(out)


def g2(with_current: int, with_history: int, current_total: int, history_total: int) -> float:
    """Dunning's G2 of the two-period 2x2 table (see the module docstring).

    >>> round(g2(10, 5, 100, 500), 4)
    19.2701
    """
    import numpy as np
    from scipy.special import xlogy

    observed = np.array(
        [
            [with_current, with_history],
            [current_total - with_current, history_total - with_history],
        ],
        dtype=float,
    )
    total = observed.sum()
    if total == 0:
        return 0.0
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / total
    cells = xlogy(observed, observed) - xlogy(observed, np.where(expected > 0, expected, 1.0))
    return float(2.0 * cells.sum())


def smoothed_ratio(
    with_current: int, with_history: int, current_total: int, history_total: int
) -> float:
    """How many times as common a term is now, with half a record added to each count so
    that a term absent before gets a finite ratio."""
    return ((with_current + 0.5) / (current_total + 0.5)) / (
        (with_history + 0.5) / (history_total + 0.5)
    )


@dataclass(frozen=True, slots=True)
class TermCounts:
    """Records holding each term in each period, the totals, and which texts hold it."""

    current: Counter[str]
    history: Counter[str]
    current_total: int
    history_total: int
    texts: dict[str, frozenset[str]]


def term_counts(offences: Sequence[OffenceCount]) -> TermCounts:
    """Count, per term, the records holding it in the current period and the history."""
    current: Counter[str] = Counter()
    history: Counter[str] = Counter()
    texts: dict[str, set[str]] = {}
    current_total = history_total = 0
    for row in offences:
        found = terms(row.text) if row.text else frozenset()
        target = current if row.current else history
        for term in found:
            target[term] += row.records
            texts.setdefault(term, set()).add(row.text or "")
        if row.current:
            current_total += row.records
        else:
            history_total += row.records
    frozen = {t: frozenset(v) for t, v in texts.items()}
    return TermCounts(current, history, current_total, history_total, frozen)


def _same_texts(terms_: Sequence[str], texts: dict[str, frozenset[str]]) -> list[list[str]]:
    """Terms grouped by the exact set of texts holding them ("anti", "social", "anti
    social behaviour" all come from "Anti-social behaviour"): one finding per group, the
    longest term first."""
    groups: dict[frozenset[str], list[str]] = {}
    for term in terms_:
        groups.setdefault(texts[term], []).append(term)
    return [sorted(g, key=lambda t: (-len(t.split()), -len(t), t)) for g in groups.values()]


def find_bursts(
    offences: Sequence[OffenceCount], *, min_count: int, fdr: float
) -> tuple[Burst, ...]:
    """Terms whose share of offence texts rose significantly (q <= ``fdr``), by G2."""
    from scipy.stats import chi2

    counts = term_counts(offences)
    now, before = counts.current, counts.history
    n_now, n_before = counts.current_total, counts.history_total
    if not n_now or not n_before:
        return ()
    tested = sorted(t for t in now.keys() | before.keys() if now[t] + before[t] >= min_count)
    family = _same_texts(tested, counts.texts)
    stats = [g2(now[g[0]], before[g[0]], n_now, n_before) for g in family]
    ps = [float(chi2.sf(s, 1)) for s in stats]
    found = [
        Burst(
            term=g[0],
            counts=Tested(now[g[0]], before[g[0]], n_now, n_before, p, q),
            g2=s,
            ratio=smoothed_ratio(now[g[0]], before[g[0]], n_now, n_before),
            same_texts=tuple(g[1:]),
        )
        for g, s, p, q in zip(family, stats, ps, q_values(ps), strict=True)
        if q <= fdr and now[g[0]] >= min_count and now[g[0]] * n_before > before[g[0]] * n_now
    ]
    found.sort(key=lambda b: (-b.g2, b.term))
    return tuple(found)
