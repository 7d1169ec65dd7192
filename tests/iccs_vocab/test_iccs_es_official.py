"""The Spanish ICCS labels are UNODC's own, as printed in the official Spanish edition.

``data/iccs_translations/iccs_labels_es.csv`` takes its ``label`` column from Part Two
("Estructura amplia y detallada") of *Clasificación Internacional de Delitos con Fines
Estadísticos, versión 1.0* (UNODC). The text of those pages, as a PDF text extractor gave
it, is kept in ``tests/data/iccs_es_2016/part2_structure.txt``; here it is cut into
entries a second, separate way (split at every code that opens a line, rather than read
line by line) and each bundled label must be the printed one. The comparison ignores
white space only, because the extractor inserts spaces inside words ("in tención")
and the bundled labels repair them; any other difference fails.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from importlib import resources
from pathlib import Path

from crimestats.iccs.classification import load_classification

RAW = Path(__file__).parents[1] / "data" / "iccs_es_2016" / "part2_structure.txt"

# a code opens an entry (sections only after "Sección": page numbers are digits too):
# "Sección 01 ...", "0101   ...", " 01031  ...", "  010321 ..." or
# a code alone on its line (the label follows on the next lines)
_OPENER = re.compile(r"^\s*(?:Sección\s+(\d{2})|(\d{4,6}))(?=\s|$)", re.MULTILINE)
# lines that belong to the page, not to a label: page markers of the extract, printed
# page numbers, the table header and the part's title
_NOISE = re.compile(r"^(=== PAGE \d+|\d{1,3}|NIVEL .*|Segunda parte .*)$")


def _printed_labels() -> dict[str, str]:
    text = unicodedata.normalize("NFC", RAW.read_text(encoding="utf-8"))
    openers = list(_OPENER.finditer(text))
    out: dict[str, str] = {}
    for this, after in zip(openers, [*openers[1:], None], strict=True):
        chunk = text[this.end() : after.start() if after else len(text)]
        lines = [ln.strip() for ln in chunk.splitlines()]
        kept = (ln for ln in lines if ln and not _NOISE.match(ln))
        out[this.group(1) or this.group(2)] = " ".join(kept)
    return out


def _bundled() -> dict[str, str]:
    folder = resources.files("crimestats") / "data" / "iccs_translations"
    text = (folder / "iccs_labels_es.csv").read_text(encoding="utf-8")
    return {r["code"]: r["label"] for r in csv.DictReader(io.StringIO(text))}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_printed_structure_has_every_iccs_code_once() -> None:
    printed = _printed_labels()
    assert set(printed) == {c.code for c in load_classification()}
    assert len(printed) == 320
    assert all(printed.values())


def test_every_bundled_spanish_label_is_the_printed_one() -> None:
    printed = _printed_labels()
    bundled = _bundled()
    assert len(bundled) == 222  # levels 1-3, as before
    for code, label in bundled.items():
        assert _squeeze(label) == _squeeze(printed[code]), code
        assert label == " ".join(label.split()), code
        assert unicodedata.is_normalized("NFC", label), code


def test_the_one_repaired_word_and_some_labels() -> None:
    bundled = _bundled()
    assert bundled["01"] == (
        "Actos que causan la muerte o que tienen la intención de causar la muerte"
    )
    assert "in tención" in RAW.read_text(encoding="utf-8")  # the extractor's split word
    # UNODC's wording, where the labels written from memory before differed
    assert bundled["02081"] == "Hostigamiento"  # harassment
    assert bundled["02082"] == "Acoso"  # stalking
    assert bundled["0501"] == "Robo con entrada ilícita"  # burglary
    assert bundled["0409"] == (
        "Otros actos contra la propiedad que entrañan violencia o amenaza de violencia "
        "contra las personas"
    )
    assert bundled["04019"] == "Otros actos de robo"  # a page break does not merge the two
