"""The blind second labeller (tests/data/iccs_second_labeller): the sample, the labels, and
the inter-labeller agreement PROVENANCE.md states.

Two labellers' level-1 agreement is the ceiling a coder can be measured against on these
sets (issue 18); these checks keep the stated figure tied to the files. Nothing here fits a
coder. The draw and the agreement are recomputed here, not imported from draw.py or
compare.py, so a change to those scripts cannot silently move the figures.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest

from crimestats.iccs.classification import load_classification

DATA = Path(__file__).parents[1] / "data"
HERE = DATA / "iccs_second_labeller"
SAMPLES = {
    "texas": ("iccs_heldout_penal_en5", "tpc_sample_sections.csv", "tpc_sample_labelled.csv"),
    "washington": (
        "iccs_heldout_penal_en9",
        "rcw_sample_sections.csv",
        "rcw_9a_sample_labelled.csv",
    ),
    "rwanda": (
        "iccs_heldout_penal_en12",
        "rwpc_sample_sections.csv",
        "rwpc_2018_sample_labelled.csv",
    ),
    "philippines": ("iccs_heldout_penal_en4", "rpc_sample_sections.csv", "rpc_sample_labelled.csv"),
}
"""In the order of the draw: one generator draws Texas first, the Philippines last."""


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_second_sample_is_the_seeded_draw() -> None:
    rng = random.Random(20261208)  # noqa: S311 (a reproducible sample, not a secret)
    expected = []
    for name, (folder, sample, _) in SAMPLES.items():
        rows = read(DATA / folder / sample)
        for i in sorted(rng.sample(range(len(rows)), 50)):
            expected.append([name, rows[i]["section"], rows[i]["chapter_title"], rows[i]["text"]])
    got = read(HERE / "second_sample.csv")
    assert list(got[0]) == ["set", "section", "chapter_title", "text"]
    assert [list(r.values()) for r in got] == expected


def test_every_label_is_a_valid_code_at_its_level() -> None:
    levels = {c.code: c.level for c in load_classification()}
    sample = read(HERE / "second_sample.csv")
    labels = read(HERE / "second_labels.csv")
    assert [(r["set"], r["section"]) for r in labels] == [(r["set"], r["section"]) for r in sample]
    for row in labels:
        assert row["level"] in {"1", "2"}, row
        assert levels.get(row["code"]) == int(row["level"]), row
        assert row["note"], row


def stated_level1() -> dict[str, tuple[int, int]]:
    """The level-1 agreement PROVENANCE.md's agreement table states, per set and pooled."""
    text = (HERE / "PROVENANCE.md").read_text(encoding="utf-8")
    found = re.findall(r"^\| (\w+) \| (\d+)/(\d+) = [\d.]+% \[", text, flags=re.MULTILINE)
    stated: dict[str, tuple[int, int]] = {}
    for name, k, n in found:
        stated.setdefault(name, (int(k), int(n)))  # the first table is the agreement table
    return stated


@pytest.mark.parametrize("name", [*SAMPLES, "pooled"])
def test_level1_agreement_is_as_stated(name: str) -> None:
    first = {
        (s, r["section"]): r["iccs_code"]
        for s, (folder, _, labelled) in SAMPLES.items()
        for r in read(DATA / folder / labelled)
    }
    rows = [r for r in read(HERE / "second_labels.csv") if name in (r["set"], "pooled")]
    agree = sum(r["code"][:2] == first[(r["set"], r["section"])][:2] for r in rows)
    assert stated_level1()[name] == (agree, len(rows))
