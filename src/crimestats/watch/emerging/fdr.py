"""False discovery rate control for the lists of ``emerging`` (Benjamini & Hochberg 1995).

Why: each list tests hundreds of codes or terms at once; at a 5% level per test, one in
twenty quiet terms would be reported. Benjamini-Hochberg q-values bound the expected
share of false findings among those reported by ``--fdr``. statsmodels computes them.
"""

from __future__ import annotations

from collections.abc import Sequence


def q_values(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the order given.

    >>> [round(q, 3) for q in q_values([0.01, 0.04, 0.03])]
    [0.03, 0.04, 0.04]
    """
    if not p_values:
        return []
    from statsmodels.stats.multitest import multipletests

    adjusted = multipletests(list(p_values), method="fdr_bh")[1]
    return [float(q) for q in adjusted]
