"""The set of valid ICCS v1.0 codes, read from package data.

Only what validation needs lives here (is this code a real ICCS code?), plus the one
reader of the ICCS package-data CSVs that ``crimestats.iccs`` builds on, so the files are
parsed in one place. The full classification API (labels, hierarchy, search) is
``crimestats.iccs``.
Source: UNODC, ICCS Version 1.0 (2015), Part Two; see ``data/iccs/PROVENANCE.md``.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from importlib import resources

ICCS_CODE_PATTERN = re.compile(r"^(0[1-9]|1[01])(\d{2}(\d(\d)?)?)?$")
"""Shape of an ICCS code: a two-digit section 01-11, then 2, 3 or 4 more digits."""


@cache
def read_iccs_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of one CSV of ``data/iccs`` (e.g. ``iccs_v1_codes.csv``) as read-only dicts.

    Every value stays a string: codes such as ``"0101"`` must keep their leading zero.
    """
    path = resources.files("crimestats") / "data" / "iccs" / name
    text = path.read_text(encoding="utf-8")
    return tuple(dict(row) for row in csv.DictReader(io.StringIO(text, newline="")))


@cache
def known_iccs_codes() -> frozenset[str]:
    """All 320 codes of ICCS v1.0, levels 1-4, as zero-padded strings."""
    return frozenset(row["code"] for row in read_iccs_csv("iccs_v1_codes.csv"))


def is_iccs_code(code: str) -> bool:
    """True when ``code`` is a code of ICCS v1.0 (any level)."""
    return code in known_iccs_codes()
