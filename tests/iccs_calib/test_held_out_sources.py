"""The held-out sources come from the data, weighted by records; leave-one-source-out on
a bundled vocabulary, its precision recounted from the codings."""

from __future__ import annotations

import pytest

from crimestats.iccs import load_bundled
from crimestats.iccs.correspondence import CorrespondenceEntry, CorrespondenceTable, record_counts
from crimestats.iccs.evaluation import leave_one_source_out, right_at
from crimestats.iccs.heldout_sources import held_out_sources, record_weights
from crimestats.iccs.source_figures import figures_by_source
from crimestats.iccs.training import Example, default_examples


def test_every_table_and_every_other_vocabulary_is_a_source() -> None:
    table = load_bundled()
    extra = Example("pickpocketing on a tram", "050212", "tram_police")
    sources = held_out_sources(table, [*default_examples(table), extra])
    names = [s.name for s in sources]
    assert names == [*table.sources, "tram_police"]  # generic text is never a source
    tram = sources[-1]
    assert (tram.texts, tram.codes, tram.records) == (
        ("pickpocketing on a tram",),
        ("050212",),
        (1.0,),
    )


def test_records_by_hand() -> None:
    table = load_bundled("policeuk")
    counts = record_counts()
    (uk,) = held_out_sources(table, [])
    coded = [e for e in table if e.iccs_code]
    assert uk.total_records == sum(counts.get(("policeuk", e.national_code), 1) for e in coded)
    bicycle = uk.texts.index(
        next(e.national_label for e in coded if e.national_code == "Bicycle theft")
    )
    assert uk.records[bicycle] == 518  # record_counts.csv: policeuk, Bicycle theft, 518
    # two entries with the same label and code add up; out-of-scope entries weigh nothing
    twice = CorrespondenceTable(
        [
            CorrespondenceEntry("x", "1", "Theft", "0502"),
            CorrespondenceEntry("x", "2", "Theft", "0502"),
            CorrespondenceEntry("x", "3", "Nuisance", None, out_of_scope=True),
        ]
    )
    assert record_weights(twice) == {("x", "Theft", "0502"): 2.0}


def test_leave_one_source_out_on_a_bundled_vocabulary() -> None:
    """NYPD's 70 labels (2,404 records) coded by a model that never saw them, its
    thresholds and conformal quantiles set on the other sources only."""
    scored = leave_one_source_out(sources=("nypd_hate_crimes",))
    (nypd,) = figures_by_source(scored)
    assert nypd.source == "nypd_hate_crimes"
    assert nypd.texts == 70
    assert nypd.records == pytest.approx(2404)
    # second method: count right and auto-coded records directly
    auto = [s for s in scored if not s.needs_review]
    right = sum(s.weight for s in auto if right_at(s.truth, s.predicted, 2))
    counted = sum(s.weight for s in auto if right_at(s.truth, s.predicted, 2) is not None)
    assert nypd.precision_level2.value == pytest.approx(right / counted)
    assert nypd.auto_coded.value == pytest.approx(sum(s.weight for s in auto) / 2404)
    # the figures measured when this was written (docs/iccs-model-card.md): the target
    # of 95% at level 2 among auto-coded records holds on this source
    assert nypd.precision_level2.value >= 0.95
    assert nypd.auto_coded.value >= 0.7  # 76.0% measured (v14, before the sets: 75.9%)
