"""Analyst endpoint for hotspot maps (:mod:`crimestats.spatial.hotspots`).

Why the points are read here: :func:`crimestats.storage.spatial_points.selected_points`
opens the store read-only by path, which DuckDB refuses inside the serving process; the
same selection (:func:`~crimestats.storage.spatial_points.point_filter` and the same
usable-point rule) runs on a reader cursor. The answer is the analysis's grid as
GeoJSON (cell counts, Gi* or local Moran statistics and classes): aggregates per cell,
never a point; a selection of fewer than ``MIN_POINTS`` incidents is refused.
"""

from __future__ import annotations

from typing import Annotated, Final

import numpy as np
from fastapi import APIRouter, Depends, HTTPException, Request, Response

from crimestats.errors import CrimestatsError
from crimestats.govern.roles import Role
from crimestats.serve import audit
from crimestats.serve.auth import Caller, needs
from crimestats.serve.responses import json_bytes, respond
from crimestats.serve.store import ServeStore

router = APIRouter(prefix="/v1")
Analyst = Annotated[Caller, Depends(needs(Role.ANALYST))]
MIN_POINTS: Final = 30
"""Fewer points than this make no map worth the name (and come close to single points)."""


@router.get("/hotspots")
def hotspots(
    request: Request,
    caller: Analyst,
    source: str,
    iccs: str | None = None,
    method: str = "gistar",
    grid: str = "square",
) -> Response:
    """Hot and cold spots of one source's incidents (optionally of an ICCS code)."""
    from crimestats.domain.iccs_codes import is_iccs_code
    from crimestats.spatial.grid import GridKind
    from crimestats.spatial.hotspot_report import to_geojson
    from crimestats.spatial.hotspots import HotspotOptions, Method, analyse
    from crimestats.storage.points import USABLE_POINT
    from crimestats.storage.spatial_points import point_filter

    allowed = {"method": [m.value for m in Method], "grid": [g.value for g in GridKind]}
    if method not in allowed["method"] or grid not in allowed["grid"]:
        raise HTTPException(422, {"error": "unknown method or grid", "allowed": allowed})
    if iccs is not None and not is_iccs_code(iccs):
        raise HTTPException(422, {"error": f"{iccs!r} is not an ICCS code", "fix": "e.g. 0501"})
    condition, params = point_filter(iccs=iccs, source=source)
    usable = USABLE_POINT.replace("lat", "i.lat").replace("lon", "i.lon")
    store = ServeStore.of(request)
    with store.reader() as con:
        arrays = con.execute(
            f"SELECT i.lon, i.lat FROM incidents i WHERE {condition} AND {usable}", params
        ).fetchnumpy()
    lons = np.asarray(arrays["lon"], dtype=np.float64)
    lats = np.asarray(arrays["lat"], dtype=np.float64)
    if lons.size < MIN_POINTS:
        raise HTTPException(
            422,
            {"error": f"{lons.size} incidents with a point in this selection",
             "fix": f"choose a source (and code) with at least {MIN_POINTS}"},
        )  # fmt: skip
    try:
        report = analyse(lons, lats, HotspotOptions(method=Method(method), grid=GridKind(grid)))
    except CrimestatsError as exc:
        raise HTTPException(422, {"error": exc.message, "fix": exc.hint}) from None
    body = json_bytes(to_geojson(report))
    audit.record(request, caller, "hotspots", rows_out=int(report.grid.size), body=body)
    return respond(body, "application/geo+json")
