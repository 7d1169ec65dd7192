"""The public view: the latest release as charts and tables, its map, metadata and notes.

Everything shown comes from the release's published files (checked against its
manifest by :mod:`crimestats.serve.releases`), so the page can show nothing a release
did not publish: withheld cells stay withheld, and the map is the masked one.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from crimestats.serve import releases
from crimestats.serve.pages import charts
from crimestats.serve.pages.html import chart, definitions, table

MAP_FILE = "map_h3.geojson"
MAP_TABLE = "map_h3"


def _labels() -> dict[str, str]:
    from crimestats.iccs.classification import load_classification

    iccs = load_classification()
    return {c.code: c.label for c in iccs}


def _resource_notes(package: dict[str, Any], table_name: str) -> dict[str, Any]:
    """The table's metadata a reader needs: title, unit, protection and counting notes."""
    for resource in package.get("resources", []):
        if resource.get("path") == f"{table_name}.csv":
            meta = resource.get("crimestats") or {}
            stats = meta.get("statistics") or {}
            control = meta.get("disclosure_control") or {}
            notes = {
                "counting unit": meta.get("counting_unit"),
                "period basis": meta.get("period_basis"),
                "classification": meta.get("classification"),
                "disclosure control": control.get("method"),
                "withheld cells": control.get("withheld_cells"),
                "counting rule": stats.get("counting_rule"),
                "blank cells": stats.get("blank_cells"),
            }
            return {k: v for k, v in notes.items() if v not in (None, "")}
    return {}


def _title(package: dict[str, Any], table_name: str) -> str:
    for resource in package.get("resources", []):
        if resource.get("path") == f"{table_name}.csv":
            title = (resource.get("crimestats") or {}).get("title")
            if title:
                return str(title)
    return table_name.replace("_", " ")


def public_body(entry: releases.ReleaseEntry) -> str:
    """The body of ``/``: one section per table, then the map and the release metadata."""
    path, _ = releases.release_file(entry, "datapackage.json")
    package = json.loads(path.read_text(encoding="utf-8"))
    labels = _labels()
    parts = [
        f'<p>Release <code id="release-id">{escape(entry.release_id)}</code>, '
        f"{escape(entry.created_at.isoformat(timespec='seconds'))}. "
        "Counts of 1 to the threshold are withheld, with enough others that none can be "
        "worked out; a withheld cell is shown as <em>withheld</em>, never as zero.</p>",
    ]
    for name in entry.tables:
        if name == MAP_TABLE:
            continue
        columns, rows = releases.table_rows(entry, name)
        title = _title(package, name)
        data, dims = charts.chart_rows(columns, rows, labels)
        spec = charts.release_table_spec(title, data, dims)
        withheld = sum(1 for r in data if r["withheld"])
        parts.append(
            f'<section aria-labelledby="h-{escape(name)}"><h2 id="h-{escape(name)}">'
            f"{escape(title)}</h2>"
            + chart(
                f"chart-{name}",
                spec,
                f"{title}: bars per source, each with its own scale; "
                f"{withheld} withheld cell(s) marked 'withheld'",
            )
            + "<details><summary>Table and notes</summary>"
            + table(columns, rows, caption=title)
            + definitions(_resource_notes(package, name))
            + "</details></section>"
        )
    if MAP_FILE in entry.files:
        geo_path, _ = releases.release_file(entry, MAP_FILE)
        features = charts.d3_winding(
            json.loads(geo_path.read_text(encoding="utf-8")).get("features", [])
        )
        sources = sorted({str(f["properties"].get("source")) for f in features})
        url = f"/v1/releases/{entry.release_id}/files/{MAP_FILE}"
        spec = charts.map_spec("Incidents on the masked map (hexagons)", features, sources)
        parts.append(
            '<section aria-labelledby="h-map"><h2 id="h-map">Masked map</h2>'
            + chart("chart-map", spec, "Hexagons of the masked map, coloured by incidents; "
                    "cells below the masking minimum are merged or left out")
            + f'<p><a href="{escape(url)}">The map as GeoJSON</a></p></section>'
        )  # fmt: skip
    meta = package.get("crimestats") or {}
    keep = ("classification", "disclosure_control", "never_published")
    parts.append(
        '<section aria-labelledby="h-meta"><h2 id="h-meta">About this release</h2>'
        + definitions({k: meta[k] for k in keep if k in meta})
        + f'<p><a href="/v1/releases/{escape(entry.release_id)}">The release as JSON</a></p>'
        "</section>"
    )
    return "".join(parts)
