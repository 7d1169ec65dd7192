"""Square and hexagonal grids over projected points, cell ids, and point-to-cell counts.

Why this construction: it is sfhotspot's (Ashby, R package ``sfhotspot`` 0.9.1,
``create_grid()``), so our cells and counts can be checked against its published output.
The grid covers the convex hull of the points buffered by half a cell (shapely, 30
segments per quarter circle as sf's ``st_buffer`` default); it starts at the lower-left
corner of that buffer's bounding box (sf's ``st_make_grid`` offset), and only cells
that intersect the buffered hull are kept. A cell lying wholly in empty country beyond
the data's hull is not a "cold spot": it was never observed, so it is left out.

Cells are numbered row by row from the bottom left (``row * n_cols + col``), as
``st_make_grid`` orders them; ``cell_id`` is that number over the full rectangle, so
ids stay stable when cells are dropped.

Hexagons are pointy-topped (as ``st_make_grid(square = FALSE)``); ``cell_size`` is the
distance between opposite edges, which is also the distance between neighbouring
centres. A point belongs to the hexagon of the nearest centre (hexagons are the Voronoi
cells of their centres), found with a k-d tree.

Public maps use an *aligned* grid (``aligned=True``): its corner is a multiple of the
cell size in the projected CRS and a default cell size is rounded up to whole tens of
metres. sfhotspot's corner sits half a cell west and south of the westernmost and
southernmost points, so a published cell's edges (with its ``cell_id``) would give away
those two incidents' exact easting and northing; the aligned lattice depends on the data
only through which cells it covers.

The default cell size is sfhotspot's rule (``set_cell_size()``): the shorter side of
the points' bounding box over 50, rounded down to a multiple of 100 m (or unrounded
when that would be 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import shapely  # type: ignore[import-untyped,unused-ignore]  # no stubs; see report
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from crimestats.errors import UsageError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

QUAD_SEGMENTS = 30
"""Segments per quarter circle in the hull's buffer: sf's ``st_buffer`` default."""
CELLS_ON_SHORT_SIDE = 50
"""sfhotspot's default: about 50 cells along the shorter side of the data."""
MAX_CELLS = 5_000_000
"""A grid larger than this is refused: it would not fit a laptop's memory in later steps."""


class GridKind(StrEnum):
    """The shape of the cells."""

    SQUARE = "square"
    HEX = "hex"


@dataclass(frozen=True)
class Grid:
    """The kept cells of a grid: ids, centres and the lattice they came from.

    ``cell_id`` numbers the full rectangle row by row (``row * n_cols + col``);
    ``x``/``y`` are the cells' centres in the projected CRS (metres).
    """

    kind: GridKind
    cell_size: float
    x0: float
    y0: float
    n_cols: int
    n_rows: int
    cell_id: IntArray
    x: FloatArray
    y: FloatArray

    @property
    def size(self) -> int:
        """Number of kept cells."""
        return int(self.cell_id.size)

    @property
    def cell_area(self) -> float:
        """Area of one cell in square metres."""
        if self.kind is GridKind.SQUARE:
            return self.cell_size**2
        return math.sqrt(3) / 2 * self.cell_size**2

    def rings(self) -> FloatArray:
        """Closed rings of every kept cell, counter-clockwise: an array (cells, corners, 2).

        Squares have 5 corners (the first repeated), hexagons 7; pointy-topped hexagons
        start at the bottom vertex.
        """
        if self.kind is GridKind.SQUARE:
            h = self.cell_size / 2
            dx = np.array([-h, h, h, -h, -h])
            dy = np.array([-h, -h, h, h, -h])
        else:
            radius = self.cell_size / math.sqrt(3)
            angles = np.radians(-90 + 60 * (np.arange(7) % 6))
            dx, dy = radius * np.cos(angles), radius * np.sin(angles)
        return np.stack([self.x[:, None] + dx, self.y[:, None] + dy], axis=-1)

    def polygon(self, index: int) -> list[tuple[float, float]]:
        """The closed ring (x, y) of kept cell ``index``, counter-clockwise."""
        cx, cy = float(self.x[index]), float(self.y[index])
        if self.kind is GridKind.SQUARE:
            h = self.cell_size / 2
            corners = [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]
            return [*corners, corners[0]]
        radius = self.cell_size / math.sqrt(3)
        angles = [math.radians(-90 + 60 * k) for k in range(6)]
        ring = [(cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in angles]
        return [*ring, ring[0]]


def default_cell_size(x: FloatArray, y: FloatArray) -> float:
    """sfhotspot's cell size: shorter bounding-box side / 50, floored to 100 m.

    >>> default_cell_size(np.array([0.0, 37_000.0]), np.array([0.0, 29_000.0]))
    500.0
    >>> default_cell_size(np.array([0.0, 3_000.0]), np.array([0.0, 2_000.0]))
    40.0
    """
    side = min(float(np.ptp(x)), float(np.ptp(y)))
    rounded = math.floor(side / CELLS_ON_SHORT_SIDE / 100)
    if rounded > 0:
        return float(rounded * 100)
    if side <= 0:
        raise UsageError(
            "the points do not span an area (all on one line or one spot)",
            hint="give --cell-size, or check the coordinates are not all the same",
        )
    return side / CELLS_ON_SHORT_SIDE


def _hull(x: FloatArray, y: FloatArray, cell_size: float) -> shapely.Geometry:
    """Convex hull of the points, buffered by half a cell (sf's construction)."""
    points = shapely.multipoints(np.column_stack([x, y]))
    return shapely.buffer(shapely.convex_hull(points), cell_size / 2, quad_segs=QUAD_SEGMENTS)


def _check_size(n_cols: int, n_rows: int, cell_size: float) -> None:
    if n_cols * n_rows > MAX_CELLS:
        raise UsageError(
            f"a grid of {cell_size:g} m cells over these points would have "
            f"{n_cols * n_rows:,} cells (more than {MAX_CELLS:,})",
            hint="give a larger --cell-size, or filter the points to a smaller area",
        )


def _check_cell_size(cell_size: float) -> float:
    if not math.isfinite(cell_size) or cell_size <= 0:
        raise UsageError(
            f"the cell size must be a positive number of metres, got {cell_size}",
            hint="e.g. --cell-size 250",
        )
    return float(cell_size)


def _size(x: FloatArray, y: FloatArray, cell_size: float | None, aligned: bool) -> float:
    if cell_size is not None:
        return _check_cell_size(cell_size)
    size = default_cell_size(x, y)
    return _check_cell_size(max(10.0, math.ceil(size / 10) * 10) if aligned else size)


def _snapped(value: float, step: float, aligned: bool) -> float:
    """``value`` moved down onto the CRS-wide lattice of ``step`` when ``aligned``."""
    return math.floor(value / step) * step if aligned else value


def square_grid(
    x: FloatArray, y: FloatArray, cell_size: float | None = None, *, aligned: bool = False
) -> Grid:
    """Square cells of ``cell_size`` metres over the buffered hull of the points."""
    size = _size(x, y, cell_size, aligned)
    hull = _hull(x, y, size)
    xmin, ymin, xmax, ymax = shapely.bounds(hull)
    xmin, ymin = _snapped(xmin, size, aligned), _snapped(ymin, size, aligned)
    n_cols = max(1, math.ceil((xmax - xmin) / size))
    n_rows = max(1, math.ceil((ymax - ymin) / size))
    _check_size(n_cols, n_rows, size)
    col_grid, row_grid = np.meshgrid(np.arange(n_cols), np.arange(n_rows))
    cols, rows = col_grid.ravel(), row_grid.ravel()
    left, bottom = xmin + cols * size, ymin + rows * size
    boxes = shapely.box(left, bottom, left + size, bottom + size)
    shapely.prepare(hull)
    keep = shapely.intersects(hull, boxes)
    return Grid(
        kind=GridKind.SQUARE,
        cell_size=size,
        x0=float(xmin),
        y0=float(ymin),
        n_cols=n_cols,
        n_rows=n_rows,
        cell_id=(rows * n_cols + cols)[keep].astype(np.int64),
        x=(left + size / 2)[keep],
        y=(bottom + size / 2)[keep],
    )


def hex_grid(
    x: FloatArray, y: FloatArray, cell_size: float | None = None, *, aligned: bool = False
) -> Grid:
    """Pointy-topped hexagons, ``cell_size`` between opposite edges, over the buffered hull.

    Rows are ``cell_size * sqrt(3) / 2`` apart; odd rows are shifted right by half a cell.
    """
    size = _size(x, y, cell_size, aligned)
    hull = _hull(x, y, size)
    xmin, ymin, xmax, ymax = shapely.bounds(hull)
    row_step = size * math.sqrt(3) / 2
    # aligned: whole row pairs, so the odd rows' shift is the same across the CRS
    xmin, ymin = _snapped(xmin, size, aligned), _snapped(ymin, 2 * row_step, aligned)
    n_cols = max(1, math.ceil((xmax - xmin) / size) + 1)
    n_rows = max(1, math.ceil((ymax - ymin) / row_step) + 1)
    _check_size(n_cols, n_rows, size)
    col_grid, row_grid = np.meshgrid(np.arange(n_cols), np.arange(n_rows))
    cols, rows = col_grid.ravel(), row_grid.ravel()
    cx = xmin + cols * size + (rows % 2) * size / 2
    cy = ymin + rows * row_step
    radius = size / math.sqrt(3)
    angles = np.radians(-90 + 60 * np.arange(7))
    rings = np.stack(
        [cx[:, None] + radius * np.cos(angles), cy[:, None] + radius * np.sin(angles)], axis=-1
    )
    hexagons = shapely.polygons(rings)
    shapely.prepare(hull)
    keep = shapely.intersects(hull, hexagons)
    return Grid(
        kind=GridKind.HEX,
        cell_size=size,
        x0=float(xmin),
        y0=float(ymin),
        n_cols=n_cols,
        n_rows=n_rows,
        cell_id=(rows * n_cols + cols)[keep].astype(np.int64),
        x=cx[keep],
        y=cy[keep],
    )


def make_grid(
    x: FloatArray,
    y: FloatArray,
    kind: GridKind = GridKind.SQUARE,
    cell_size: float | None = None,
    *,
    aligned: bool = False,
) -> Grid:
    """A square or hexagonal grid over the points (see the module docstring)."""
    if kind is GridKind.HEX:
        return hex_grid(x, y, cell_size, aligned=aligned)
    return square_grid(x, y, cell_size, aligned=aligned)


def assign(grid: Grid, x: FloatArray, y: FloatArray) -> IntArray:
    """Index (into the kept cells) of the cell holding each point, or -1 if none.

    Square cells are half-open, ``[left, right) x [bottom, top)``: a point on an edge
    belongs to the cell above or to the right. (sf's ``st_join`` would count it in both.)
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if grid.kind is GridKind.HEX:
        _dist, nearest = cKDTree(np.column_stack([grid.x, grid.y])).query(np.column_stack([x, y]))
        # The nearest kept centre's hexagon holds the point only if the point is within
        # half a cell of the centre along each of the three edge normals (0, 60, 120 deg);
        # otherwise its own hexagon was not kept and the point is outside the grid.
        dx, dy = x - grid.x[nearest], y - grid.y[nearest]
        half = grid.cell_size / 2 * (1 + 1e-12)
        inside = np.ones(x.size, dtype=bool)
        for angle in (0.0, math.pi / 3, 2 * math.pi / 3):
            inside &= np.abs(dx * math.cos(angle) + dy * math.sin(angle)) <= half
        return np.where(inside, nearest, -1).astype(np.int64)
    cols = np.floor((x - grid.x0) / grid.cell_size).astype(np.int64)
    rows = np.floor((y - grid.y0) / grid.cell_size).astype(np.int64)
    valid = (cols >= 0) & (cols < grid.n_cols) & (rows >= 0) & (rows < grid.n_rows)
    full_id = np.where(valid, rows * grid.n_cols + cols, -1)
    position = np.searchsorted(grid.cell_id, full_id)
    position = np.clip(position, 0, max(grid.size - 1, 0))
    found = valid & (grid.cell_id[position] == full_id)
    return np.where(found, position, -1).astype(np.int64)


def count_points(grid: Grid, x: FloatArray, y: FloatArray) -> IntArray:
    """Points per kept cell (points outside every kept cell are not counted)."""
    index = assign(grid, x, y)
    return np.bincount(index[index >= 0], minlength=grid.size).astype(np.int64)


__all__ = [
    "Grid",
    "GridKind",
    "assign",
    "count_points",
    "default_cell_size",
    "hex_grid",
    "make_grid",
    "square_grid",
]
