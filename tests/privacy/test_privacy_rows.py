"""protect_rows: statistics-table rows in, protected rows with a status column out."""

from __future__ import annotations

import pytest

from crimestats.errors import UsageError
from crimestats.privacy import protect_rows

ROWS = [
    {"area": "North", "offence": "theft", "count": 1, "year": 2024},
    {"area": "North", "offence": "assault", "count": 5, "year": 2024},
    {"area": "North", "offence": "fraud", "count": 4, "year": 2024},
    {"area": "South", "offence": "theft", "count": 6, "year": 2024},
    {"area": "South", "offence": "assault", "count": 7, "year": 2024},
    {"area": "South", "offence": "fraud", "count": 8, "year": 2024},
    {"area": "East", "offence": "theft", "count": 9, "year": 2024},
    {"area": "East", "offence": "assault", "count": 10, "year": 2024},
    {"area": "East", "offence": "fraud", "count": 11, "year": 2024},
]


def test_rows_get_status_and_none_for_withheld_counts() -> None:
    out, protected = protect_rows(ROWS, ["area", "offence"])
    interior = out[: len(ROWS)]
    # the 3x3 table of the suppression tests: rectangle North/South x theft/assault
    assert [(r["count"], r["status"]) for r in interior] == [
        (None, "primary"),
        (None, "secondary"),
        (4, "published"),
        (None, "secondary"),
        (None, "secondary"),
        (8, "published"),
        (9, "published"),
        (10, "published"),
        (11, "published"),
    ]
    assert all(r["year"] == 2024 for r in interior)  # other fields are kept
    margins = {(r["area"], r["offence"]): (r["count"], r["status"]) for r in out[len(ROWS) :]}
    assert margins[("North", "Total")] == (10, "published")
    assert margins[("Total", "theft")] == (16, "published")
    assert margins[("Total", "Total")] == (61, "published")
    assert len(margins) == 7
    assert protected.metadata()["secondary_cells"] == 3


def test_missing_combinations_count_as_zero() -> None:
    rows = [{"area": "A", "offence": "x", "count": 9}, {"area": "B", "offence": "y", "count": 8}]
    out, protected = protect_rows(rows, ["area", "offence"], include_margins=False)
    assert [r["status"] for r in out] == ["published", "published"]
    assert protected.table.values.tolist() == [[9, 0, 9], [0, 8, 8], [9, 8, 17]]


def test_rounding_through_rows() -> None:
    out, _ = protect_rows(ROWS, ["area", "offence"], protection="round")
    assert {r["status"] for r in out} == {"rounded"}
    assert all(r["count"] % 5 == 0 for r in out)


@pytest.mark.parametrize(
    "rows",
    [
        [{"area": "A", "count": 1}, {"area": "A", "count": 2}],
        [{"area": "A", "count": "1"}],
        [{"area": "A", "count": None}],
        [{"area": "Total", "count": 4}],
        [{"count": 4}],
    ],
)
def test_bad_rows_are_usage_errors(rows: list[dict[str, object]]) -> None:
    with pytest.raises(UsageError):
        protect_rows(rows, ["area"])


def test_no_dimension_or_no_rows_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        protect_rows(ROWS, [])
    with pytest.raises(UsageError):
        protect_rows([], ["area"])
