"""The page shell and the few helpers every view uses; everything from data is escaped.

Why no template engine: three pages of plain HTML, each a function of typed values,
read more simply as Python with :func:`html.escape` than as templates with their own
language; and nothing runs inline in the browser (the Content-Security-Policy forbids
it): chart specifications travel as ``<script type="application/json">`` data, read
by ``/static/dashboard.js``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

VIEWS = (("/", "Public"), ("/analyst", "Analyst"), ("/steward", "Steward"))
"""The navigation: path and label of each view."""


def number(value: Any) -> str:
    """A count with thousands separators; blank stays blank."""
    if value is None or value == "":
        return ""
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return escape(str(value))
    if as_float.is_integer():
        return f"{int(as_float):,}"
    return f"{as_float:,.2f}"


def table(
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    *,
    caption: str,
    numeric: frozenset[str] = frozenset({"count"}),
    labels: Mapping[str, str] | None = None,
) -> str:
    """An accessible table (caption, header scopes); a withheld count reads ``withheld``."""
    head = "".join(f'<th scope="col">{escape((labels or {}).get(c, c))}</th>' for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            value = row.get(c)
            if c in numeric:
                shown = number(value)
                if not shown and row.get("status") in ("withheld", "primary", "secondary"):
                    shown = '<span class="withheld">withheld</span>'
                cells.append(f'<td class="num">{shown}</td>')
            else:
                cells.append(f"<td>{escape('' if value is None else str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{escape(caption)}">'
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def chart(chart_id: str, spec: Mapping[str, Any], description: str) -> str:
    """A chart's container and its Vega-Lite spec as inert JSON for dashboard.js."""
    data = json.dumps(spec, ensure_ascii=False, default=str).replace("</", "<\\/")
    return (
        f'<figure class="chart"><div id="{escape(chart_id)}" class="vega" role="img" '
        f'aria-label="{escape(description)}" data-spec="{escape(chart_id)}-spec"></div>'
        f"<figcaption>{escape(description)}</figcaption></figure>"
        f'<script type="application/json" id="{escape(chart_id)}-spec">{data}</script>'
    )


def definitions(items: Mapping[str, Any]) -> str:
    """A definition list of plain metadata (nested values as compact JSON)."""
    parts = []
    for key, value in items.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"<dt>{escape(str(key))}</dt><dd>{escape(str(shown))}</dd>")
    return f"<dl>{''.join(parts)}</dl>"


def login_form() -> str:
    """The token form: the token stays in this tab's sessionStorage (see dashboard.js)."""
    return (
        '<form id="login" class="login"><label for="token">API token</label> '
        '<input id="token" name="token" type="password" autocomplete="off" required> '
        '<button type="submit">Use token</button> '
        '<button type="button" id="logout">Forget token</button> '
        '<output id="login-state" aria-live="polite"></output></form>'
    )


def page(title: str, current: str, body: str) -> str:
    """A whole page: skip link, navigation, main content, the scripts (all same-origin)."""
    marks = {path: ' aria-current="page"' if path == current else "" for path, _ in VIEWS}
    nav = "".join(f'<li><a href="{path}"{marks[path]}>{label}</a></li>' for path, label in VIEWS)
    scripts = "".join(
        f'<script src="/static/{name}"></script>'
        for name in (
            "vendor/vega.min.js",
            "vendor/vega-lite.min.js",
            "vendor/vega-embed.min.js",
            "vendor/vega-interpreter.js",
            "dashboard.js",
        )
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - crimestats</title>"
        '<link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/static/dashboard.css"></head><body>'
        '<a class="skip" href="#main">Skip to content</a>'
        f'<header><p class="brand">crimestats</p><nav aria-label="Views"><ul>{nav}</ul></nav>'
        f'</header><main id="main" tabindex="-1"><h1>{escape(title)}</h1>{body}</main>'
        f"{scripts}</body></html>"
    )
