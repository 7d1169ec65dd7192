"""Grids: sfhotspot's published Memphis grid, ids, hexagons and point assignment."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.spatial.conftest import Robberies

from crimestats.errors import UsageError
from crimestats.spatial.grid import (
    GridKind,
    assign,
    count_points,
    default_cell_size,
    hex_grid,
    square_grid,
)


def test_memphis_grid_is_sfhotspots(memphis_robberies: Robberies) -> None:
    # sfhotspot 0.9.1 vignette: 3,301 cells of 500 m, bbox xmin 223497.9, ymin 80772.86,
    # xmax 260497.9, ymax 110272.9; the first ten cells start at x = 229497.9 with
    # n = 0 0 0 0 0 0 0 0 0 1.
    r = memphis_robberies
    grid = square_grid(r.x, r.y)
    assert grid.cell_size == 500.0
    assert grid.size == 3301
    assert grid.x0 == pytest.approx(223497.9, abs=0.05)
    assert grid.y0 == pytest.approx(80772.86, abs=0.005)
    assert grid.x0 + grid.n_cols * 500 == pytest.approx(260497.9, abs=0.05)
    assert grid.y0 + grid.n_rows * 500 == pytest.approx(110272.9, abs=0.05)
    left = grid.x[:10] - 250
    np.testing.assert_allclose(left, 229497.9 + 500 * np.arange(10), atol=0.05)
    counts = count_points(grid, r.x, r.y)
    assert counts[:10].tolist() == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert int(counts.sum()) == 2245


def test_cell_ids_number_the_full_rectangle_row_by_row() -> None:
    x = np.array([0.0, 1000.0, 0.0, 1000.0, 500.0])
    y = np.array([0.0, 0.0, 1000.0, 1000.0, 500.0])
    grid = square_grid(x, y, cell_size=400.0)
    # hull buffered by 200 m: 1400 m wide -> 4 columns (ceil(1400 / 400)), 4 rows
    assert (grid.n_cols, grid.n_rows) == (4, 4)
    assert grid.x0 == pytest.approx(-200.0, abs=0.01)
    rows, cols = np.divmod(grid.cell_id, grid.n_cols)
    np.testing.assert_allclose(grid.x, grid.x0 + (cols + 0.5) * 400)
    np.testing.assert_allclose(grid.y, grid.y0 + (rows + 0.5) * 400)
    assert list(grid.cell_id) == sorted(grid.cell_id)


def test_square_assignment_is_half_open_and_outside_is_minus_one() -> None:
    grid = square_grid(np.array([0.0, 1000.0]), np.array([0.0, 1000.0]), cell_size=100.0)
    x0, y0 = grid.x0, grid.y0
    px = np.array([x0 + 100.0, x0 + 99.999, x0 - 1.0])
    py = np.array([y0 + 150.0, y0 + 150.0, y0 + 150.0])
    index = assign(grid, px, py)
    assert index[2] == -1
    assert grid.cell_id[index[0]] == 1 * grid.n_cols + 1  # on the edge: the cell to the right
    assert grid.cell_id[index[1]] == 1 * grid.n_cols + 0


def test_default_cell_size_is_sfhotspots_rule() -> None:
    # shorter side 29 000 m / 50 = 580 -> floored to 500; 2 000 / 50 = 40 (not rounded)
    assert default_cell_size(np.array([0.0, 37_000.0]), np.array([0.0, 29_000.0])) == 500.0
    assert default_cell_size(np.array([0.0, 3_000.0]), np.array([0.0, 2_000.0])) == 40.0
    with pytest.raises(UsageError, match="do not span an area"):
        default_cell_size(np.array([5.0, 5.0]), np.array([1.0, 9.0]))


def test_hexagons_have_the_stated_area_and_neighbours() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 5000, 400), rng.uniform(0, 5000, 400)
    grid = hex_grid(x, y, cell_size=300.0)
    assert grid.kind is GridKind.HEX
    ring = np.array(grid.polygon(0))
    # shoelace area of the ring = sqrt(3) / 2 x s^2
    area = 0.5 * abs(np.dot(ring[:-1, 0], ring[1:, 1]) - np.dot(ring[1:, 0], ring[:-1, 1]))
    assert area == pytest.approx(math.sqrt(3) / 2 * 300.0**2)
    assert grid.cell_area == pytest.approx(area)
    # six neighbours at exactly one cell size for an interior cell
    centre = np.argmin(np.hypot(grid.x - 2500, grid.y - 2500))
    distances = np.hypot(grid.x - grid.x[centre], grid.y - grid.y[centre])
    assert int(np.sum(np.isclose(distances, 300.0))) == 6
    assert int(count_points(grid, x, y).sum()) == 400


def test_hex_assignment_matches_point_in_polygon() -> None:
    import shapely

    rng = np.random.default_rng(2)
    x, y = rng.uniform(0, 2000, 300), rng.uniform(0, 2000, 300)
    grid = hex_grid(x, y, cell_size=250.0)
    index = assign(grid, x, y)
    assert (index >= 0).all()
    polygons = shapely.polygons([grid.polygon(int(i)) for i in index])
    assert shapely.contains_xy(polygons, x, y).all()
    # a point far away is outside every kept hexagon
    assert assign(grid, np.array([-5000.0]), np.array([-5000.0])).tolist() == [-1]


def test_a_grid_too_large_is_refused() -> None:
    with pytest.raises(UsageError, match="larger --cell-size"):
        square_grid(np.array([0.0, 1e6]), np.array([0.0, 1e6]), cell_size=1.0)
    with pytest.raises(UsageError, match="positive number"):
        square_grid(np.array([0.0, 1.0]), np.array([0.0, 1.0]), cell_size=-3.0)


@pytest.mark.parametrize("kind", [GridKind.SQUARE, GridKind.HEX])
def test_vectorised_rings_equal_each_polygon(kind: GridKind) -> None:
    from crimestats.spatial.grid import make_grid

    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 3000, 50), rng.uniform(0, 3000, 50)
    grid = make_grid(x, y, kind, 400.0)
    rings = grid.rings()
    for i in (0, grid.size // 2, grid.size - 1):
        np.testing.assert_allclose(rings[i], np.array(grid.polygon(i)), atol=1e-9)
