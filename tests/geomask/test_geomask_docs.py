"""docs/geographic-masking.md names every method and every parameter users can set."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import pytest

from crimestats.geomask import aggregate_to_h3, areas_from_geojson, build_snap_points, snap

DOC = Path(__file__).resolve().parents[2] / "docs" / "geographic-masking.md"


@pytest.mark.parametrize("function", [aggregate_to_h3, build_snap_points, snap, areas_from_geojson])
def test_the_masking_doc_names_each_function_and_parameter(function: Callable[..., object]) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"`{function.__name__}" in text
    for name in inspect.signature(function).parameters:
        if name not in {"points", "snap_points", "collection"}:
            assert f"`{name}" in text, name
