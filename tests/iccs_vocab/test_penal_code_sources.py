"""The English penal-code (and Home Office class) vocabulary sources are their labelled samples.

Each bundled penal-code table (``data/correspondence``) is written from a labelled sample
under ``tests/data/iccs_heldout_penal_en*/`` by ``tests/data/penal_code_tables.py``; the
samples are the one declaration of the labels. Here each table is read back through the
package and compared, row for row, with its labelled file read directly (no shared code
with the script), so a label changed in one place only fails.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crimestats.iccs.correspondence import BUNDLED_FILES, load_bundled
from crimestats.iccs.heldout_sources import held_out_sources
from crimestats.iccs.training import default_examples
from crimestats.iccs.vocabulary_sources import LabelOrigin, SourceKind, vocabulary_sources

DATA = Path(__file__).parents[1] / "data"
PENAL = {
    "ipc_1860": ("iccs_heldout_penal_en/ipc_1860_sample_labelled.csv", 200, 26),
    "wa_criminal_code": ("iccs_heldout_penal_en2/wa_cc_1913_sample_labelled.csv", 150, 7),
    "canada_criminal_code": ("iccs_heldout_penal_en3/cc_sample_labelled.csv", 150, 3),
    "texas_penal_code": ("iccs_heldout_penal_en5/tpc_sample_labelled.csv", 150, 7),
    "south_sudan_penal_code": ("iccs_heldout_penal_en7/sspc_2008_sample_labelled.csv", 150, 21),
    "singapore_penal_code": ("iccs_heldout_penal_en8/sg_pc_1871_sample_labelled.csv", 150, 13),
    "washington_criminal_code": ("iccs_heldout_penal_en9/rcw_9a_sample_labelled.csv", 150, 2),
    "zambia_penal_code": ("iccs_heldout_penal_en10/zpc_sample_labelled.csv", 150, 3),
    "rwanda_penal_code": ("iccs_heldout_penal_en12/rwpc_2018_sample_labelled.csv", 150, 9),
    "us_code_title_18": ("iccs_heldout_penal_en13/usc18_sample_labelled.csv", 150, 6),
    "kazakhstan_penal_code": ("iccs_heldout_penal_en14/kzpc_2014_sample_labelled.csv", 150, 6),
    "taiwan_criminal_code": ("iccs_heldout_penal_en15/twcc_sample_labelled.csv", 150, 3),
    "hawaii_penal_code": ("iccs_heldout_penal_en16/hpc_sample_labelled.csv", 150, 6),
    "ghana_criminal_offences_act": ("iccs_heldout_penal_en17/coa_sample_labelled.csv", 150, 5),
    "virginia_code_18_2": ("iccs_heldout_penal_en18/vac_sample_labelled.csv", 150, 1),
    "swiss_criminal_code": ("iccs_heldout_penal_en19/scc_sample_labelled.csv", 150, 6),
    "ukraine_criminal_code": ("iccs_heldout_penal_en20/uacc_sample_labelled.csv", 150, 10),
}
"""Source -> (labelled sample, sections, sections labelled at ICCS level 1 only)."""
HOME_OFFICE = {"home_office_classes": ("iccs_heldout_penal_en11/ho_sample_labelled.csv", 135, 6)}
"""The England and Wales Home Office offence classes: labelled the same way, but a police
recording classification, not a penal code (registered as ``police``)."""
TABLES = PENAL | HOME_OFFICE


def _labelled(path: str) -> list[dict[str, str]]:
    with (DATA / path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("source", sorted(TABLES))
def test_table_equals_its_labelled_sample_row_for_row(source: str) -> None:
    path, size, section_only = TABLES[source]
    rows = _labelled(path)
    table = list(load_bundled(source))
    assert len(rows) == len(table) == size
    for row, entry in zip(rows, table, strict=True):
        assert (entry.national_code, entry.national_label, entry.iccs_code, entry.note) == (
            row["section"],
            row["text"],
            row["iccs_code"],
            row["note"],
        )
        assert (entry.source, entry.version, entry.out_of_scope) == (source, "1", False)
    # a section-only label stays a section code (the format's "broader category")
    assert sum(len(e.iccs_code or "") == 2 for e in table) == section_only


def test_registered_as_english_sources_labelled_by_hand() -> None:
    rows = {s.source: s for s in vocabulary_sources()}
    for source in TABLES:
        assert source in BUNDLED_FILES
        row = rows[source]
        kind = SourceKind.PENAL_CODE if source in PENAL else SourceKind.POLICE
        assert (row.language, row.kind, row.labels) == ("en", kind, LabelOrigin.HAND)
        assert not row.independent  # developers' labels: never an independent figure
        assert TABLES[source][0].split("/")[0] in row.origin


def test_each_penal_code_trains_and_is_held_out() -> None:
    table = load_bundled()
    examples = default_examples(table)
    by_source = {s.name: s for s in held_out_sources(table, examples)}
    for source, (path, size, _) in TABLES.items():
        trained = [e for e in examples if e.source == source]
        assert len(trained) == size  # one training text per section, weight 1
        assert {e.text for e in trained} == {r["text"] for r in _labelled(path)}
        assert len(by_source[source].texts) == size
        assert set(by_source[source].records) == {1.0}  # no incident data: a section weighs 1
