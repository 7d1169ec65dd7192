"""Write the penal-code vocabulary tables from the hand-labelled samples.

The labelled samples under ``tests/data/iccs_heldout_penal_en*/`` are the one declaration
of each section's ICCS code; the package cannot read ``tests/data`` (it is not installed),
so each becomes a correspondence table under ``src/crimestats/data/correspondence/``. Run
this script after changing a label:

    python tests/data/penal_code_tables.py

``tests/iccs_vocab/test_penal_code_sources.py`` fails when a table and its labelled file
are not in step. One row per sampled section: ``national_code`` is the section number,
``national_label`` the section's heading as the code words it, ``iccs_code`` the label
(level 2, or a section-only code such as ``08`` where no level-2 code fits: the
correspondence format's "parent code when the national category is broader"), ``note`` the
labeller's note, ``version`` 1.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
OUT = ROOT / "src" / "crimestats" / "data" / "correspondence"

TABLES = {
    "ipc_1860": ("iccs_heldout_penal_en/ipc_1860_sample_labelled.csv", "ipc_1860.csv"),
    "wa_criminal_code": (
        "iccs_heldout_penal_en2/wa_cc_1913_sample_labelled.csv",
        "wa_criminal_code.csv",
    ),
    "canada_criminal_code": (
        "iccs_heldout_penal_en3/cc_sample_labelled.csv",
        "canada_criminal_code.csv",
    ),
    "texas_penal_code": ("iccs_heldout_penal_en5/tpc_sample_labelled.csv", "texas_penal_code.csv"),
    "south_sudan_penal_code": (
        "iccs_heldout_penal_en7/sspc_2008_sample_labelled.csv",
        "south_sudan_penal_code.csv",
    ),
    "singapore_penal_code": (
        "iccs_heldout_penal_en8/sg_pc_1871_sample_labelled.csv",
        "singapore_penal_code.csv",
    ),
    "washington_criminal_code": (
        "iccs_heldout_penal_en9/rcw_9a_sample_labelled.csv",
        "washington_criminal_code.csv",
    ),
    "zambia_penal_code": (
        "iccs_heldout_penal_en10/zpc_sample_labelled.csv",
        "zambia_penal_code.csv",
    ),
    "home_office_classes": (
        "iccs_heldout_penal_en11/ho_sample_labelled.csv",
        "home_office_classes.csv",
    ),
    "rwanda_penal_code": (
        "iccs_heldout_penal_en12/rwpc_2018_sample_labelled.csv",
        "rwanda_penal_code.csv",
    ),
    "us_code_title_18": (
        "iccs_heldout_penal_en13/usc18_sample_labelled.csv",
        "us_code_title_18.csv",
    ),
    "kazakhstan_penal_code": (
        "iccs_heldout_penal_en14/kzpc_2014_sample_labelled.csv",
        "kazakhstan_penal_code.csv",
    ),
    "taiwan_criminal_code": (
        "iccs_heldout_penal_en15/twcc_sample_labelled.csv",
        "taiwan_criminal_code.csv",
    ),
    "hawaii_penal_code": (
        "iccs_heldout_penal_en16/hpc_sample_labelled.csv",
        "hawaii_penal_code.csv",
    ),
    "ghana_criminal_offences_act": (
        "iccs_heldout_penal_en17/coa_sample_labelled.csv",
        "ghana_criminal_offences_act.csv",
    ),
    "virginia_code_18_2": (
        "iccs_heldout_penal_en18/vac_sample_labelled.csv",
        "virginia_code_18_2.csv",
    ),
    "swiss_criminal_code": (
        "iccs_heldout_penal_en19/scc_sample_labelled.csv",
        "swiss_criminal_code.csv",
    ),
    "ukraine_criminal_code": (
        "iccs_heldout_penal_en20/uacc_sample_labelled.csv",
        "ukraine_criminal_code.csv",
    ),
}
"""Source tag -> (labelled sample under tests/data, table file under data/correspondence)."""

COLUMNS = ("source", "national_code", "national_label", "iccs_code", "note", "version")


def table_rows(source: str) -> list[dict[str, str]]:
    """The correspondence rows of ``source``, in the labelled file's order."""
    labelled, _ = TABLES[source]
    with (DATA / labelled).open(encoding="utf-8", newline="") as handle:
        return [
            {
                "source": source,
                "national_code": row["section"],
                "national_label": row["text"],
                "iccs_code": row["iccs_code"],
                "note": row["note"],
                "version": "1",
            }
            for row in csv.DictReader(handle)
        ]


def main() -> None:
    """Write every table (UTF-8, ``\\n`` line ends, the correspondence header)."""
    for source, (_, name) in TABLES.items():
        with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(table_rows(source))


if __name__ == "__main__":
    main()
