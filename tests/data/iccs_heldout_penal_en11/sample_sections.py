"""Rebuild the pool and the sample of England and Wales Home Office offence classes.

Run once, before any labelling: ``python sample_sections.py /path/to/crime-offence.cypher``.
It writes ``ho_offence_sections.csv`` (every Home Office offence class of the source, by
the rule below) and ``ho_sample_sections.csv`` (the seeded draw; the pool has fewer than
180 classes, so the draw takes all of it, in the pool's order).

Why this source: England and Wales have no penal code; the uncodified common-law family's
nearest thing to a code's list of offence headings is the Home Office's classification of
notifiable offences, each class with its Home Office offence code ("28A Burglary in a
dwelling"; issue 18). The readable public copy found is the Office for National Statistics'
2017/18 offence hierarchy (ONS offence groups over Home Office codes), stored as a Neo4j
Cypher script: PROVENANCE.md names the repository, commit and blob.

The rule, written before any coder output was seen, on the hierarchy alone:

* a row is a leaf of the hierarchy (a node with a Home Office code and no child); the ONS
  group and subgroup nodes above the leaves are headings, not offence classes;
* ``section`` is the Home Office code as the source gives it (``1-4.1-4.10-4.2`` is the
  source's one node for the homicide codes together), ``text`` its label as worded
  (whitespace collapsed; the source's slips, e.g. "dwelling(outcome only)", kept);
* ``chapter`` and ``chapter_title`` are the ONS offence group under the root ("Violence
  against the person"), ``division_title`` the subgroup between the group and the leaf
  when there is one ("Violence with injury"), else empty;
* left out: code 99 "Other notifiable offences", a residual that names no conduct (the
  classes not listed elsewhere), so no ICCS code can be read from its words.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
ROOT = "offence"
NOT_OFFENCES = {"99"}  # "Other notifiable offences": a residual naming no conduct

EDGE = re.compile(
    r"MATCH \(parent:`[^`]*` \{ code:'(?P<parent>[^']*)' \}\)\s*"
    r"WITH parent CREATE \(node:`[^`]*` \{ code:'(?P<code>[^']*)',label:'(?P<label>[^']*)' \}\)"
)


def order(section: str) -> tuple[int, str]:
    """The Home Office order of a code: its leading number, then the rest ("28A" > "28")."""
    match = re.match(r"(\d+)(.*)", section)
    if match is None:
        raise ValueError(section)
    return int(match.group(1)), match.group(2)


def eligible(script: str) -> list[dict[str, str]]:
    """The leaves of the hierarchy in ``script``, with their group and subgroup titles."""
    label: dict[str, str] = {}
    parent: dict[str, str] = {}
    for match in EDGE.finditer(script):
        label[match["code"]] = " ".join(match["label"].split())
        parent[match["code"]] = match["parent"]
    inner = set(parent.values())
    rows = []
    for code, text in label.items():
        if code in inner or code in NOT_OFFENCES:
            continue
        path = [code]
        while parent[path[-1]] != ROOT:
            path.append(parent[path[-1]])
        group = path[-1]
        subgroup = path[-2] if len(path) == 3 else ""
        if len(path) > 3:
            raise ValueError(f"{code} is deeper than group/subgroup/class")
        rows.append(
            {
                "section": code,
                "chapter": group,
                "chapter_title": label[group],
                "division_title": label[subgroup] if subgroup else "",
                "text": text,
            }
        )
    return sorted(rows, key=lambda r: order(r["section"]))


FIELDS = ["section", "chapter", "chapter_title", "division_title", "text"]


def main(source: Path) -> None:
    pool = eligible(source.read_text(encoding="utf-8"))
    if len({r["text"].casefold() for r in pool}) != len(pool):
        raise ValueError("two classes share a heading")
    write_pool_and_sample(HERE, "ho", pool, SAMPLE_SIZE, order, FIELDS, noun="offence classes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
