"""Realistically bad rows and duplicates for the synthetic workload.

0.5% of rows get one defect each, of the kinds real exports show (blank ids, unparseable
or future dates, impossible ages, coordinates outside the world, values outside an
enumeration, rows that name no offence); 0.1% of rows are exact copies of good ones.

Kinds (shares of the bad rows): blank incident id 15%, blank reported date 5%,
unparseable reported date 15% (``31/02/2019``, ``2019-13-45``, ...), future reported
date 10% (2031-2035), age out of 0-120 15% (150, -1), coordinate out of range 10%
(lat 95, lon 200), unknown enum value 25% (``M``, ``gun``, ``yes``, ...), no offence text
5%. Some junk is readable by a lenient parser (``20190704``, ``12/07/2018``). A bad row
is one row of an incident whose other rows are good, so a validator that holds back
whole incidents quarantines a little more (about 1.2x). Duplicates are exact copies of
good rows placed at random positions in the same chunk. The manifest counts both, so
an ingest can be reconciled against it.
"""

from __future__ import annotations

import numpy as np
import polars as pl

BAD_SHARE, DUP_SHARE = 0.005, 0.001
# kind: (share of bad rows, options); a bad row takes one option: its columns (comma
# separated) all get one of its values.
BAD_KINDS: dict[str, tuple[float, tuple[tuple[str, tuple[object, ...]], ...]]] = {
    "blank-incident-id": (0.15, (("incident_id", (None,)),)),
    "blank-reported-date": (0.05, (("reported_date", (None,)),)),
    "unparseable-date": (0.15, (("reported_date", (
        "31/02/2019", "2019-13-45", "not known", "20190704", "12/07/2018", "2018-02-30",
        "2017-6-1 25:00")),)),
    "future-date": (0.10, (("reported_date", (
        "2031-03-14", "2032-11-02", "2033-07-19", "2034-01-05", "2035-06-30")),)),
    "age-out-of-range": (0.15, (("victim_age", (150, -1, 999)), ("suspect_age", (150, -1)))),
    "coordinate-out-of-range": (0.10, (("lat", (95.0, -91.5)), ("lon", (200.0, -181.0)))),
    "unknown-enum-value": (0.25, (
        ("victim_sex", ("M", "F")), ("suspect_sex", ("F", "Male")), ("weapon", ("gun", "KNIFE")),
        ("cyber_related", ("yes", "N")), ("victim_relationship", ("spouse",)),
        ("attempted", ("Y", "1")), ("victim_injury", ("grievous",)))),
    "no-offence-text": (0.05, (
        ("national_code,national_label,description,iccs_code", (None,)),)),
}  # fmt: skip


def inject_bad(
    rng: np.random.Generator, df: pl.DataFrame, bad_counts: dict[str, int]
) -> tuple[pl.DataFrame, np.ndarray]:
    """Spoil 0.5% of the rows, one defect each (see ``BAD_KINDS``)."""
    n = df.height
    bad = rng.choice(n, size=round(n * BAD_SHARE), replace=False)
    shares = np.array([share for share, _ in BAD_KINDS.values()])
    kinds = np.searchsorted(np.cumsum(shares / shares.sum()), rng.random(len(bad)), side="right")
    edits: dict[str, tuple[list[int], list[object]]] = {}
    for kind, (name, (_, options)) in enumerate(BAD_KINDS.items()):
        rows = bad[kinds == kind]
        bad_counts[name] += len(rows)
        option = rng.integers(0, len(options), len(rows))
        for row, o in zip(rows.tolist(), option.tolist(), strict=True):
            columns, values = options[o]
            value = values[int(rng.integers(0, len(values)))]
            for col in columns.split(","):
                idx, vals = edits.setdefault(col, ([], []))
                idx.append(row)
                vals.append(value)
    updates = []
    for col, (idx, vals) in edits.items():
        s = df.get_column(col).clone()
        s.scatter(idx, pl.Series(vals, dtype=s.dtype))
        updates.append(s)
    return df.with_columns(updates), bad
