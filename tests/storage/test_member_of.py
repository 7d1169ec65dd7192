"""``member_of`` answers exactly as SQL's ``IN`` does, on both of its paths."""

from __future__ import annotations

import duckdb
import pytest

from crimestats.domain.iccs_codes import known_iccs_codes
from crimestats.storage.sql_text import lit, member_of

ICCS = sorted(known_iccs_codes())
PROBES = [
    None, "", "0501", "050", "05011", "0501 ", " 0501", "x0501", "0501x", "0", "01", "1109",
    "11099", "0X01", "050|0501", "(?:0501)", "ﬀ", "male", "Male", "unknown", "o'brien",
]  # fmt: skip


@pytest.mark.parametrize(
    "values",
    [
        ICCS,  # the regular-expression path (many plain codes)
        ["male", "female", "other", "unknown"],  # the list path
        ["a|b", "(c)", "o'brien", "", "male"] * 6,  # many, not plain: the list path
        [str(n) for n in range(30)],  # many plain ones of several lengths
        [f"A{n}" for n in range(2500)] + ["0501", "male"],  # thousands: the IN join
    ],
)
def test_member_of_is_in(values: list[str]) -> None:
    con = duckdb.connect()
    listed = "(" + ", ".join(lit(v) for v in values) + ")"
    for probe in PROBES + values[:5]:
        value = f"CAST({lit(probe)} AS VARCHAR)"
        expected, got = con.execute(
            f"SELECT {value} IN {listed}, {member_of(value, values)}"
        ).fetchone() or (None, None)
        assert got == expected, (probe, got, expected)


def test_large_plain_sets_take_the_automaton() -> None:
    assert member_of("x", ICCS).startswith("regexp_full_match(")
    assert member_of("x", ["male", "female"]).startswith("list_contains(")
    assert member_of("x", [str(n) for n in range(5000)]).startswith("(x IN (")
