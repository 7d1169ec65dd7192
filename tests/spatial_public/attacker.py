"""An outsider's differencing attack on two published hexagon maps (test helper).

Written from h3 alone, not from crimestats: it reads the features as anyone could
(source, year, cell, resolution, count) and subtracts whatever it can.
"""

from __future__ import annotations

from typing import Any

import h3


def key(props: dict[str, Any]) -> tuple[str, int, str]:
    return (str(props["source"]), int(props["year"]), str(props["h3_cell"]))


def regions(features: list[dict[str, Any]]) -> dict[tuple[str, int, str], set[str]]:
    """What an outsider reads off a hexagon map: the resolution-8 cells each feature
    stands for (a pooled parent: its children no finer feature of its group covers)."""
    out: dict[tuple[str, int, str], set[str]] = {}
    covered: set[tuple[str, int, str]] = set()
    for f in sorted(features, key=lambda f: -f["properties"]["resolution"]):
        k = key(f["properties"])
        children = {c for c in h3.cell_to_children(k[2], 8) if (*k[:2], c) not in covered}
        covered.update((*k[:2], c) for c in children)
        out[k] = children
    return out


def subtract(public: list[dict[str, Any]], release: list[dict[str, Any]]) -> list[int]:
    """Every count the attacker can work out: link the features of both maps that share
    a cell; where the release's features cover the public ones, the difference of the
    totals counts the incidents the public map left out there."""
    ours, theirs = regions(public), regions(release)
    count = {key(f["properties"]): f["properties"]["count"] for f in public}
    count_r = {key(f["properties"]): f["properties"]["count"] for f in release}
    pending = set(ours)
    found = []
    while pending:
        group_p, group_r = {pending.pop()}, set()
        grew = True
        while grew:
            cells = {(*k[:2], c) for k in group_p for c in ours[k]}
            more_r = {k for k, cs in theirs.items() if any((*k[:2], c) in cells for c in cs)}
            cells_r = {(*k[:2], c) for k in more_r for c in theirs[k]}
            more_p = {k for k, cs in ours.items() if any((*k[:2], c) in cells_r for c in cs)}
            grew = not (more_r <= group_r and more_p <= group_p)
            group_r |= more_r
            group_p |= more_p
        pending -= group_p
        covered = {(*k[:2], c) for k in group_r for c in theirs[k]}
        if all((*k[:2], c) in covered for k in group_p for c in ours[k]):
            found.append(sum(count_r[k] for k in group_r) - sum(count[k] for k in group_p))
    return found
