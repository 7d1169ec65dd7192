"""Benchmark: ICCS coding of many offences, by distinct texts, beside a row-by-row baseline.

Generates ``rows`` offence texts by sampling the bundled national labels (correspondence
tables) with a seeded generator, as a national workload repeats a few hundred wordings
millions of times (DESIGN.md section 9). Times:

- ``distinct``: ``Autocoder.code_texts`` on all rows (each distinct text coded once);
- ``distinct, no sets``: the same with the conformal sets of issue 18 switched off on the
  same fitted model, so their cost is a ratio measured in one run;
- ``naive``: coding row by row, one ``code_text`` call per row, measured on a sample of
  rows and extrapolated to ``rows`` (coding 10 million rows one at a time would take
  hours; the per-row time is stable, so the extrapolation is labelled as such).

Run: ``python bench/bench_iccs.py --rows 10000000``.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import time

import numpy as np

from crimestats.iccs import Autocoder, load_bundled

NAIVE_SAMPLE = 2_000


def main(rows: int = 10_000_000, seed: int = 20261101) -> dict[str, float]:
    """Print and return the timings (seconds) of both ways of coding ``rows`` offences."""
    labels = sorted({e.national_label for e in load_bundled() if e.national_label})
    rng = np.random.default_rng(seed)
    # Zipf-like frequencies: a few wordings dominate, as in police data
    weights = 1.0 / np.arange(1, len(labels) + 1)
    picks = rng.choice(len(labels), size=rows, p=weights / weights.sum())
    texts = [labels[i] for i in picks]

    start = time.perf_counter()
    model = Autocoder.fit_default()
    fit_s = time.perf_counter() - start

    model.code_texts(labels[:50])  # warm-up (classification, rules), not timed
    start = time.perf_counter()
    codings = model.code_texts(texts)
    distinct_s = time.perf_counter() - start
    assert len(codings) == rows

    plain = copy.copy(model)
    if model._calibration is not None:  # the same model without conformal sets
        plain._calibration = dataclasses.replace(model._calibration, conformal=None)
    start = time.perf_counter()
    plain.code_texts(texts)
    plain_s = time.perf_counter() - start

    sample = texts[: min(NAIVE_SAMPLE, rows)]
    start = time.perf_counter()
    for text in sample:
        model.code_text(text)
    per_row = (time.perf_counter() - start) / len(sample)
    naive_s = per_row * rows

    print(f"rows: {rows:,}  distinct texts: {len(set(picks)):,}")
    print(f"fit or load model: {fit_s:.1f} s")
    print(f"distinct-text coding: {distinct_s:.1f} s  ({rows / distinct_s:,.0f} rows/s)")
    print(f"  the same without conformal sets: {plain_s:.1f} s")
    print(
        f"naive row-by-row: {naive_s:,.0f} s (extrapolated from {len(sample):,} rows, "
        f"{per_row * 1000:.2f} ms/row)"
    )
    print(f"speed-up: {naive_s / distinct_s:,.0f}x")
    return {"fit": fit_s, "distinct": distinct_s, "no_sets": plain_s, "naive": naive_s}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=20261101)
    args = parser.parse_args()
    main(args.rows, args.seed)
