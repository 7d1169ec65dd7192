"""The Ecuador vocabulary source is the Ministry's own coding, decoded and nothing more.

The bundled table (``data/correspondence/ecuador_mdi.csv``) is rebuilt here from the
aggregate of the published records (``tests/data/ecuador_mdi_2024``) with a second, separate
implementation of the decoding its PROVENANCE.md describes: an MDI code is an ICCS v1.0 code
right-padded with zeros to six digits (or not padded), written as a number (leading zeros
lost), with a national extension after the point. Every entry, code and record count must
agree, and so must the totals PROVENANCE.md states.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

from crimestats.iccs.classification import load_classification
from crimestats.iccs.correspondence import load_bundled

RAW = Path(__file__).parents[1] / "data" / "ecuador_mdi_2024" / "offences_2024.csv"
_FOLDER = resources.files("crimestats") / "data" / "correspondence"


def _decode(raw: str, codes: set[str]) -> str | None:
    """The one ICCS code whose written forms (unpadded or padded to six digits, leading
    zeros dropped) equal the digits before the point; None for "0" or no such code."""
    digits = raw.split(".", maxsplit=1)[0]
    if digits.strip("0") == "":
        return None
    hits = [c for c in codes if digits in {c.lstrip("0"), c.ljust(6, "0").lstrip("0")}]
    assert len(hits) <= 1, (raw, hits)
    return hits[0] if hits else None


def _rebuilt() -> tuple[dict[str, tuple[str, int]], Counter[str]]:
    codes = {c.code for c in load_classification()}
    by_pair: dict[str, Counter[str]] = defaultdict(Counter)
    with RAW.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = " ".join(
                f"{row['presunta_infraccion']} - {row['presunta_subinfraccion']}".split()
            )
            by_pair[label][row["codigo_iccs"]] += int(row["records"])
    kept: dict[str, tuple[str, int]] = {}
    left: Counter[str] = Counter()
    for label, raw_codes in by_pair.items():
        raw, records = raw_codes.most_common(1)[0]
        code = _decode(raw, codes)
        if code is None:
            left[label] = sum(raw_codes.values())
        else:
            kept[label] = (code, records)
    return kept, left


def test_the_table_is_the_ministrys_coding_decoded() -> None:
    kept, _ = _rebuilt()
    bundled = {e.national_label: e.iccs_code for e in load_bundled("ecuador_mdi")}
    assert bundled == {label: code for label, (code, _) in kept.items()}


def test_record_counts_match_the_extract() -> None:
    kept, left = _rebuilt()
    text = (_FOLDER / "ecuador_mdi_records.csv").read_text(encoding="utf-8")
    records = {r["national_code"]: int(r["records"]) for r in csv.DictReader(text.splitlines())}
    assert records == {label: n for label, (_, n) in kept.items()}
    # the totals PROVENANCE.md gives: 84 entries with 5,024 records kept, 31 pairs with
    # 1,284 records left out, 2 records of a kept pair under a minority code
    assert (len(kept), sum(records.values())) == (84, 5024)
    assert (len(left), sum(left.values())) == (31, 1284)
    assert 5024 + 1284 + 2 == 6310


def test_examples_of_the_decoding() -> None:
    table = load_bundled("ecuador_mdi")
    code = {e.national_label.split(" - ", 1)[1]: e.iccs_code for e in table}
    assert code["ROBO A PERSONAS"] == "04011"  # "4011": not padded
    assert code["DELINCUENCIA ORGANIZADA"] == "09051"  # "90510.01"
    assert code["CONTRAVENCIONES DE CUARTA CLASE"] == "1109"  # "110900.06"
    assert code["AGRESION"] == "11016"  # crime of aggression, "110160"
    assert "ASESINATO" not in code  # "10102.01" is no ICCS code: left out
