"""Compare the blind second labeller with the first, and score the v24 coder against both.

Run after ``second_labels.csv`` was committed (PROVENANCE.md)::

    PYTHONPATH=src python tests/data/iccs_second_labeller/compare.py [--fit]

``--fit`` fits the coders (about 70 s each: Texas, Washington and Rwanda with the coder
fitted without that source, the Philippines, never trained on, with the default coder) and
writes their codes to ``coder_v24_codes.csv``; without it the script reads that file. It
prints Markdown tables: inter-labeller agreement per set and pooled at level 1 and level 2
(rows both labelled at level 2) with Wilson 95 % intervals, Cohen's kappa at level 1, how
often a disagreement falls on a code the first labeller's note calls arguable, and the
coder's level-1 accuracy against each labeller and against either.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
SETS = ("texas", "washington", "rwanda", "philippines")
FIRST = {
    "texas": DATA / "iccs_heldout_penal_en5" / "tpc_sample_labelled.csv",
    "washington": DATA / "iccs_heldout_penal_en9" / "rcw_9a_sample_labelled.csv",
    "rwanda": DATA / "iccs_heldout_penal_en12" / "rwpc_2018_sample_labelled.csv",
    "philippines": DATA / "iccs_heldout_penal_en4" / "rpc_sample_labelled.csv",
}
SOURCE = {
    "texas": "texas_penal_code",
    "washington": "washington_criminal_code",
    "rwanda": "rwanda_penal_code",
    "philippines": "",  # never trained on: the default coder
}
CODER_FILE = HERE / "coder_v24_codes.csv"
LONG_CODE = re.compile(r"\b\d{4,6}\b")
SHORT_ARGUABLE = re.compile(r"\b(0[1-9]|1[01]) arguable")


class Row(NamedTuple):
    """One sampled section with both labellers' codes and the first labeller's note."""

    set: str
    section: str
    text: str
    chapter_title: str
    first: str
    first_level: int
    first_note: str
    second: str
    second_level: int
    second_note: str


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file as dictionaries."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_rows() -> list[Row]:
    """Join the sample, the second labels and the first labels on (set, section)."""
    first = {(name, r["section"]): r for name, path in FIRST.items() for r in read_csv(path)}
    labels = {(r["set"], r["section"]): r for r in read_csv(HERE / "second_labels.csv")}
    rows = []
    for s in read_csv(HERE / "second_sample.csv"):
        key = (s["set"], s["section"])
        one, two = first[key], labels[key]
        firsts = (one["iccs_code"], int(one["level_labelled"]), one["note"])
        seconds = (two["code"], int(two["level"]), two["note"])
        rows.append(Row(s["set"], s["section"], s["text"], s["chapter_title"], *firsts, *seconds))
    return rows


def arguable_codes(note: str) -> set[str]:
    """The ICCS codes a note calls arguable: every code in a ``;``-clause that says
    "arguable" (4-6 digits), and a 2-digit section written as "NN arguable"."""
    found: set[str] = set()
    for clause in note.split(";"):
        if "arguabl" in clause.lower():
            found.update(LONG_CODE.findall(clause))
            found.update(SHORT_ARGUABLE.findall(clause))
    return found


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score 95 % interval for k successes in n trials."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


def kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two labellings of the same items."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[c] * cb[c] for c in ca) / (n * n)
    return (observed - expected) / (1 - expected)


def fmt(k: int, n: int) -> str:
    """``k/n = p% [lo, hi]`` with the Wilson interval."""
    lo, hi = wilson(k, n)
    return f"{k}/{n} = {100 * k / n:.1f}% [{100 * lo:.1f}, {100 * hi:.1f}]"


def agreement_table(rows: Sequence[Row]) -> list[str]:
    """Level-1 and level-2 agreement and level-1 kappa, per set and pooled."""
    out = [
        "| set | level 1 agree | kappa L1 | level 2 agree (both at L2) "
        "| L1 disagreements on a first-arguable code | L2 disagreements on a first-arguable code "
        "| L1 disagreements whose first code the second note calls arguable |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in (*SETS, "pooled"):
        part = [r for r in rows if name in (r.set, "pooled")]
        l1 = [r.first[:2] == r.second[:2] for r in part]
        both2 = [r for r in part if r.first_level >= 2 and r.second_level >= 2]
        l2 = [r.first[:4] == r.second[:4] for r in both2]
        dis1 = [r for r in part if r.first[:2] != r.second[:2]]
        on1 = sum(r.second[:2] in {c[:2] for c in arguable_codes(r.first_note)} for r in dis1)
        back1 = sum(r.first[:2] in {c[:2] for c in arguable_codes(r.second_note)} for r in dis1)
        dis2 = [r for r in both2 if r.first[:4] != r.second[:4]]
        on2 = sum(r.second[:4] in {c[:4] for c in arguable_codes(r.first_note)} for r in dis2)
        k = kappa([r.first[:2] for r in part], [r.second[:2] for r in part])
        out.append(
            f"| {name} | {fmt(sum(l1), len(l1))} | {k:.3f} | {fmt(sum(l2), len(l2))} "
            f"| {on1} of {len(dis1)} | {on2} of {len(dis2)} | {back1} of {len(dis1)} |"
        )
    return out


def fit_coder_codes(rows: Sequence[Row]) -> None:
    """Code every row with the v24 coder (leave-one-source-out where the set is a source),
    with no context and with its chapter title as context, into ``CODER_FILE``."""
    from crimestats.iccs import Autocoder
    from crimestats.iccs.correspondence import load_bundled

    with CODER_FILE.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["set", "section", "code", "code_in_context"])
        for name in SETS:
            part = [r for r in rows if r.set == name]
            source = SOURCE[name]
            table = load_bundled().without(source) if source else None
            coder = Autocoder.fit_default(table, cache=not source)
            texts = [r.text for r in part]
            plain = coder.code_texts(texts)
            ctx = coder.code_texts(texts, [r.chapter_title for r in part])
            for r, a, b in zip(part, plain, ctx, strict=True):
                writer.writerow([name, r.section, a.code or "", b.code or ""])


def coder_table(rows: Sequence[Row]) -> list[str]:
    """The coder's level-1 accuracy against the first, the second and either labeller."""
    coded = {(r["set"], r["section"]): r for r in read_csv(CODER_FILE)}
    out = [
        "| set | coder | vs first | vs second | vs either | vs both (where they agree) |",
        "|---|---|---|---|---|---|",
    ]
    for column, label in (("code", "v24"), ("code_in_context", "v24 + chapter context")):
        for name in (*SETS, "pooled"):
            part = [r for r in rows if name in (r.set, "pooled")]
            got = [coded[(r.set, r.section)][column][:2] for r in part]
            one = sum(g == r.first[:2] for g, r in zip(got, part, strict=True))
            two = sum(g == r.second[:2] for g, r in zip(got, part, strict=True))
            either = sum(g in (r.first[:2], r.second[:2]) for g, r in zip(got, part, strict=True))
            agreed = [(g, r) for g, r in zip(got, part, strict=True) if r.first[:2] == r.second[:2]]
            both = sum(g == r.first[:2] for g, r in agreed)
            n = len(part)
            out.append(
                f"| {name} | {label} | {fmt(one, n)} | {fmt(two, n)} | {fmt(either, n)} "
                f"| {fmt(both, len(agreed))} |"
            )
    return out


def disagreements(rows: Sequence[Row]) -> list[str]:
    """Every level-1 disagreement, for choosing the telling ones by hand."""
    return [
        f"- {r.set} {r.section} {r.text!r}: first {r.first} ({r.first_note}) / "
        f"second {r.second} ({r.second_note})"
        for r in rows
        if r.first[:2] != r.second[:2]
    ]


def main() -> None:
    """Print the tables (fitting the coders first with ``--fit``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="fit the coders, write codes")
    parser.add_argument("--list", action="store_true", help="list level-1 disagreements")
    args = parser.parse_args()
    rows = load_rows()
    print("\n".join(agreement_table(rows)))
    if args.fit:
        fit_coder_codes(rows)
    if CODER_FILE.is_file():
        print()
        print("\n".join(coder_table(rows)))
    if args.list:
        print()
        print("\n".join(disagreements(rows)))


if __name__ == "__main__":
    main()
