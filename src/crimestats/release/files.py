"""Writers of a release's files, each deterministic: the same rows give the same bytes.

CSV: UTF-8, ``\\n`` line ends, header = column names, a blank cell for no value or a
withheld count. Parquet: pyarrow with fixed options (zstd, no dictionary, no
statistics) and an explicit schema, so no timestamp or pandas metadata gets in; the
writer's ``created_by`` string names the pyarrow version, which is stable on one
install. JSON: sorted keys only where the order carries no meaning, two-space indent,
final newline. ``MANIFEST.sha256`` is in the ``sha256sum -c`` format.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crimestats.checksums import file_sha256
from crimestats.release.charts import bar_chart, bars_from_rows, hex_map
from crimestats.release.table_cells import COUNT, NOT_APPLICABLE, STATUS, TOTAL_LABEL
from crimestats.release.tables import ProtectedRows

if TYPE_CHECKING:
    from crimestats.release.maps import MapOutput
    from crimestats.release.protection import ReportSection

MANIFEST = "MANIFEST.sha256"


def _plain(value: Any) -> Any:
    """numpy scalars (from the solvers) as Python numbers, for JSON."""
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


def json_text(data: Any) -> str:
    """Stable JSON text: two-space indent, UTF-8 characters kept, final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_plain) + "\n"


def csv_text(table: ProtectedRows) -> str:
    """The protected table as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if row[c] is None else str(row[c]) for c in table.columns])
    return buffer.getvalue()


def write_parquet(table: ProtectedRows, path: Path) -> None:
    """The protected table as Parquet, with fixed options so the bytes are stable."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = [
        pa.field(name, pa.int64() if name == COUNT else pa.string()) for name in table.columns
    ]
    schema = pa.schema(fields)
    columns = {name: [row[name] for row in table.rows] for name in table.columns}
    arrow = pa.table(columns, schema=schema)
    pq.write_table(
        arrow,
        str(path),
        compression="zstd",
        use_dictionary=False,
        write_statistics=False,
        store_schema=False,
    )


def manifest_text(folder: Path, names: Sequence[str]) -> str:
    """``HASH  NAME`` lines (two spaces, as ``sha256sum`` writes them), sorted by name."""
    return "".join(f"{file_sha256(folder / name)}  {name}\n" for name in sorted(names))


def _iccs_names() -> dict[str, str]:
    from crimestats.iccs import load_classification

    return {c.code: c.label for c in load_classification()}


def _describer(names: dict[str, str]) -> Callable[[str, str], str]:
    """``(field, value) -> label``: an ICCS code with its name (ICCS v1.0), else the value."""

    def describe(field: str, value: str) -> str:
        if field.startswith("iccs_") and value in names:
            return f"{value} {names[value]}"
        return value

    return describe


REPORT_MAP_FEATURES = 5000
"""Most features one map of the report draws; a larger map is only in its files."""


def _map_section(maps: MapOutput) -> list[str]:
    """The report's map: the masking method in words, then one small map per source and year."""
    esc = html.escape
    meta = maps.metadata
    params = meta.get("parameters", {})
    parts = ["<h2>Map of incidents (masked)</h2>"]
    if meta.get("method") == "snap-points":
        how = (
            f"Each incident is shown at the nearest anonymous point, the centre of at least "
            f"{params.get('min_sources')} distinct recorded locations; a point with fewer than "
            f"{params.get('min_count')} incidents is not shown."
        )
    else:
        how = (
            f"Incidents are counted per H3 hexagon (resolution {params.get('h3_resolution')}); "
            f"a hexagon with fewer than {params.get('min_count')} incidents is pooled into a "
            "larger one, and what stays below that is not shown."
        )
    parts.append(
        f"<p>{esc(how)} No exact location is published; read a hexagon or point as "
        "&ldquo;somewhere around here&rdquo;. Files: "
        + ", ".join(f"<code>{esc(name)}</code>" for name in maps.files)
        + ". See <code>docs/geographic-masking.md</code>.</p>"
    )
    features = maps.collection.get("features", [])
    for group in meta.get("groups", []):
        source, year = group["source"], group["year"]
        label = f"{source} {year}"
        counts = group.get("masking", {}).get("counts")
        if counts is None:
            parts.append(f"<h3>{esc(label)}</h3><p>{esc(group.get('note', 'Not mapped.'))}</p>")
            continue
        mine = [
            f
            for f in features
            if f["properties"]["source"] == source and f["properties"]["year"] == year
        ]
        parts.append(f"<h3>{esc(label)}</h3>")
        parts.append(
            f"<p>{counts['published']} incidents mapped in {counts['features']} features; "
            f"in places too sparse to show: {counts['suppressed_share']}; "
            f"without a usable location: {counts['without_location_share']}.</p>"
        )
        if len(mine) > REPORT_MAP_FEATURES:  # a national map: too big for one page
            parts.append(
                f"<p>{len(mine)} features: too many to draw in this page; open "
                f"<code>{esc(maps.files[0])}</code> in a GIS.</p>"
            )
            continue
        parts.append("<figure>" + hex_map(mine, title=f"Map of incidents, {label}") + "</figure>")
    return parts


def report_html(
    tables: Sequence[ProtectedRows],
    *,
    threshold: int,
    code_version: str,
    as_of: str | None,
    maps: MapOutput | None = None,
    sections: Sequence[ReportSection] = (),
) -> str:
    """A self-contained HTML page (no script, no external resource): what and how.

    ``sections`` (e.g. a protection's :meth:`~crimestats.release.protection.Protection.
    report_section`) are rendered in order after the tables and the map, before the end.

    Each table gets an inline SVG bar chart of its published cells (withheld cells are a
    hatched mark, never a number); ``maps`` (from :func:`crimestats.release.maps.write_maps`)
    adds a section with a small map per source and year.
    """
    esc = html.escape
    describe = _describer(_iccs_names())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>crimestats release</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
        "td.n{text-align:right}tr.total{font-weight:bold}figure{margin:1em 0}"
        "figcaption{font-size:smaller;color:#444}</style>",
        "</head><body>",
        "<h1>crimestats release</h1>",
        "<p>Aggregate tables of recorded crime counted from the crimestats store, "
        f"produced by {esc(code_version)}"
        + (f", as of {esc(as_of)}" if as_of else "")
        + ". Offences are classified by ICCS v1.0 (UNODC 2015).</p>",
        "<h2>How the tables were protected</h2>",
        f"<p>Threshold rule: every count from 1 to {threshold} (interior cells and totals) is "
        "withheld (<em>primary</em>). Secondary suppression withholds further cells so that "
        "no withheld count can be recovered from the totals; an audit solved the attacker's "
        "linear programs and checked that every withheld cell stays uncertain by at least "
        f"{threshold}. Zeros are published. A withheld count is a blank cell; the "
        "<code>status</code> column says why. A category a source cannot have (its "
        "correspondence table never reaches it) is blank with status "
        "<code>not_applicable</code>: not a count, and never used to protect another. "
        "Offences the autocoder coded but flagged for review count with a blank ICCS "
        "value until a reviewer answers. Rows with <code>Total</code> are margins.</p>",
        "<p>Not published: narratives, incident identifiers, person references and exact "
        "dates (only years). Files, their schemas, the method, its parameters, the audit and "
        "the lineage of the data are in <code>datapackage.json</code>; "
        "<code>sha256sum -c MANIFEST.sha256</code> checks every file.</p>",
    ]
    for table in tables:
        disclosure = table.disclosure
        parts.append(f"<h2>{esc(table.spec.title)}</h2>")
        parts.append(
            f"<p>Counting unit: {esc(table.spec.unit)}. Files: "
            f"<code>{esc(table.spec.name)}.csv</code>, "
            f"<code>{esc(table.spec.name)}.parquet</code>. Withheld cells: "
            f"{disclosure.get('withheld_cells', 0)}.</p>"
        )
        shown = [row for row in table.rows if row.get(STATUS) != NOT_APPLICABLE]
        bars, caption = bars_from_rows(
            shown, table.spec.by, total_label=TOTAL_LABEL, describe=describe
        )
        chart = bar_chart(bars, title=table.spec.title, chart_id=table.spec.name)
        parts.append(
            f"<figure>{chart}<figcaption>{esc(caption)} Hatched marks are withheld counts "
            "(no value is drawn for them).</figcaption></figure>"
        )
        if not table.rows:
            parts.append("<p>No data for this table in the store.</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{esc(c)}</th>" for c in table.columns))
        for row in table.rows:
            total = any(row[c] == "Total" for c in table.spec.by)
            cells = []
            for c in table.columns:
                value = "" if row[c] is None else str(row[c])
                klass = ' class="n"' if c == COUNT else ""
                if c == STATUS and value == "published":
                    value = ""
                cells.append(f"<td{klass}>{esc(value)}</td>")
            parts.append(("<tr class=total>" if total else "<tr>") + "".join(cells) + "</tr>")
        parts.append("</table>")
    if maps is not None:
        parts += _map_section(maps)
    parts += [section.html() for section in sections]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


__all__ = [
    "MANIFEST",
    "csv_text",
    "json_text",
    "manifest_text",
    "report_html",
    "write_parquet",
]
