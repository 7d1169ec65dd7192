"""Domains (``--by``, ``--where``) and the weighted totals of each, in one pass.

Why codes, not subsets: a domain estimate must keep every row and every PSU in the variance
(a PSU with no case of the domain is a zero), so rows are never dropped: each row gets the
code of its domain (-1 outside ``--where``) and totals are summed per code -- per PSU for
Taylor designs, per replicate weight for replicate designs -- with one ``bincount`` or one
sparse product, whatever the number of domains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from crimestats.survey.design import DesignType
from crimestats.survey.microdata import PARENT_WEIGHT, PSU_ID, WEIGHT, Survey


def _text(value: object) -> str:
    """How a domain value is written (and matched by ``--where``): 2.0 -> "2"."""
    text = str(value)
    return text.removesuffix(".0") if isinstance(value, float) else text


def domain_codes(
    frame: pd.DataFrame, by: Sequence[str], where: tuple[tuple[str, str], ...]
) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Each row's domain code (-1 outside ``--where``) and the domains, sorted.

    Fields of ``by`` or ``where`` that the table lacks do not split or restrict it.
    """
    codes = np.zeros(len(frame), dtype=np.int64)
    labels: list[tuple[str, ...]] = [()]
    for name in (b for b in by if b in frame.columns):
        field_codes, uniques = pd.factorize(frame[name], use_na_sentinel=False)
        texts = [_text(u) for u in uniques]
        k = max(len(texts), 1)
        codes, combos = pd.factorize(codes * k + field_codes)
        labels = [(*labels[int(u) // k], texts[int(u) % k]) for u in combos]
    for name, value in where:
        if name in frame.columns:
            field_codes, uniques = pd.factorize(frame[name], use_na_sentinel=False)
            hits = [i for i, u in enumerate(uniques) if _text(u) == value]
            codes = np.where(np.isin(field_codes, hits), codes, -1)
    used = np.unique(codes[codes >= 0])
    order = sorted(used.tolist(), key=lambda c: labels[c])
    remap = np.full(len(labels) + 1, -1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    return remap[codes], [labels[c] for c in order]


@dataclass(frozen=True, slots=True)
class Totals:
    """Weighted totals per domain: ``full`` (D,), ``spread`` (D, PSUs or replicates),
    ``n`` rows with a non-zero value, and the moments Kish's deff needs."""

    full: np.ndarray
    spread: np.ndarray
    n: np.ndarray
    rows: np.ndarray
    weight: np.ndarray
    wy2: np.ndarray


def replicate_weights(survey: Survey, table: str) -> np.ndarray:
    """Replicate weights of a table's rows; a child's are its weight times its parent's
    replicate-to-full ratio (its share of the parent's reweighting). Built once per table."""
    if table not in survey.replicate_cache:
        survey.replicate_cache[table] = _replicate_weights(survey, table)
    return survey.replicate_cache[table]


def _replicate_weights(survey: Survey, table: str) -> np.ndarray:
    frame = survey.frames[table]
    w = np.asarray(frame[list(survey.design.design.replicates)], dtype=float)
    if table == survey.design.design.table:
        return w
    parent = np.asarray(frame[PARENT_WEIGHT], dtype=float)[:, None]
    ratio = np.divide(w, parent, where=parent != 0, out=np.zeros_like(w))
    out: np.ndarray = ratio * np.asarray(frame[WEIGHT], dtype=float)[:, None]
    return out


def totals(survey: Survey, table: str, values: np.ndarray, codes: np.ndarray, n: int) -> Totals:
    """The totals of ``values`` (weighted) over the rows of each of ``n`` domains."""
    frame = survey.frames[table]
    inside = codes >= 0
    c, v = codes[inside], values[inside]
    w = np.asarray(frame[WEIGHT], dtype=float)[inside]
    full = np.bincount(c, weights=v * w, minlength=n)
    if survey.design.design.type is DesignType.TAYLOR:
        p = survey.psu_strata.size
        psu = np.asarray(frame[PSU_ID], dtype=np.int64)[inside]
        spread = np.bincount(c * p + psu, weights=v * w, minlength=n * p).reshape(n, p)
    else:
        rows = np.flatnonzero(inside)
        onehot = sparse.csr_matrix((v, (c, rows)), shape=(n, len(frame)))
        spread = np.asarray(onehot @ replicate_weights(survey, table))
    return Totals(
        full=full,
        spread=spread,
        n=np.bincount(c[v != 0], minlength=n),
        rows=np.bincount(c[w > 0], minlength=n),  # a zero weight is no respondent
        weight=np.bincount(c, weights=w, minlength=n),
        wy2=np.bincount(c, weights=w * v * v, minlength=n),
    )


def cross(survey: Survey, table: str, y: np.ndarray, x: np.ndarray, codes: np.ndarray,
          n: int) -> np.ndarray:  # fmt: skip
    """Per domain, the weighted sum of y * x (for a ratio's deff)."""
    inside = codes >= 0
    w = np.asarray(survey.frames[table][WEIGHT], dtype=float)[inside]
    return np.bincount(codes[inside], weights=w * y[inside] * x[inside], minlength=n)
