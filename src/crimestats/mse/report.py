"""A one-page HTML report of an MSE analysis that opens offline.

No script, no web font, no CDN: the charts are inline SVG drawn here, so the page reads
the same on an air-gapped statistics office machine as anywhere else. It shows the
overlap table (the data), each method's estimate with its intervals (the answer and
its uncertainty), the models the searches compared with their BIC weights (how much
the answer hangs on the model), every warning, and a plain-language reading.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from pathlib import Path

from crimestats.mse.capture_histories import CaptureData
from crimestats.mse.estimate import MseResult
from crimestats.mse.selection import ConsideredModel, bic_weights

_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1b;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .6rem;text-align:right;
border-bottom:1px solid #eee}th{background:#f4f4f4}td.l,th.l{text-align:left}
.warn{background:#fff4e5;border-left:4px solid #e08a00;padding:.5rem 1rem}
.small{font-size:.85rem;color:#555}svg text{font-family:system-ui,sans-serif;font-size:12px}
"""
_COLOURS = {"main": "#4c72b0", "stepwise": "#dd8452", "bic": "#55a868"}


def _fmt(x: float | None) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:,.0f}"


def _nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round tick values spanning ``[low, high]`` (1, 2 or 5 times a power of ten)."""
    span = max(high - low, 1.0)
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks: list[float] = []
    value = start
    while len(ticks) < 2 or ticks[-1] < high:
        ticks.append(value)
        value += step
    return ticks


def interval_chart(
    rows: Sequence[
        tuple[str, float | None, float | None, float | None, float | None, float | None, str]
    ],
    observed: int,
) -> str:
    """SVG dot-and-whisker chart.

    Each row is ``(label, total, ci_low, ci_high, boot_low, boot_high, colour)``: a dot
    at the estimate, a thick bar for the normal interval, a thin bar beneath it for the
    bootstrap interval. A dashed line marks the cases already seen.
    """
    values = [observed] + [v for r in rows for v in r[1:6] if v is not None and math.isfinite(v)]
    ticks = _nice_ticks(min(values), max(values))
    lo, hi = ticks[0], ticks[-1]
    left, right, row_h, top = 190, 20, 34, 10
    width = 760
    height = top + row_h * max(len(rows), 1) + 40
    plot_w = width - left - right

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
    ]
    axis_y = top + row_h * len(rows) + 5
    for t in ticks:
        parts.append(
            f'<line x1="{x(t):.1f}" y1="{top}" x2="{x(t):.1f}" y2="{axis_y}" stroke="#eee"/>'
        )
        parts.append(f'<text x="{x(t):.1f}" y="{axis_y + 16}" text-anchor="middle">{t:,.0f}</text>')
    parts.append(
        f'<line x1="{x(observed):.1f}" y1="{top}" x2="{x(observed):.1f}" '
        f'y2="{axis_y}" stroke="#333" stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<text x="{x(observed) + 4:.1f}" y="{top + 10}" fill="#333">seen: {observed:,}</text>'
    )
    for k, (label, total, low, high, blow, bhigh, colour) in enumerate(rows):
        cy = top + row_h * k + row_h / 2
        parts.append(
            f'<text x="{left - 10}" y="{cy + 4:.1f}" text-anchor="end">{escape(label)}</text>'
        )
        if blow is not None and bhigh is not None and math.isfinite(blow) and math.isfinite(bhigh):
            parts.append(
                f'<line x1="{x(blow):.1f}" y1="{cy + 7:.1f}" x2="{x(bhigh):.1f}" '
                f'y2="{cy + 7:.1f}" stroke="{colour}" stroke-width="2" opacity="0.6"/>'
            )
        if low is not None and high is not None:
            parts.append(
                f'<line x1="{x(low):.1f}" y1="{cy:.1f}" x2="{x(high):.1f}" '
                f'y2="{cy:.1f}" stroke="{colour}" stroke-width="6" opacity="0.8"/>'
            )
        if total is not None:
            parts.append(
                f'<circle cx="{x(total):.1f}" cy="{cy:.1f}" r="6" fill="white" '
                f'stroke="{colour}" stroke-width="3"><title>{escape(label)}: '
                f"{_fmt(total)}</title></circle>"
            )
        else:
            parts.append(f'<text x="{left + 5}" y="{cy + 4:.1f}" fill="#a00">no estimate</text>')
    parts.append("</svg>")
    return "".join(parts)


def _overlap_table(data: CaptureData) -> str:
    head = "".join(f"<th>{escape(n)}</th>" for n in data.lists)
    body = []
    for history, count in data.nonzero_rows():
        cells = "".join(f"<td>{'&#9679;' if h else ''}</td>" for h in history)
        body.append(f"<tr>{cells}<td>{count:,}</td></tr>")
    totals = "".join(f"<td><b>{n:,}</b></td>" for n in data.list_totals().values())
    body.append(f"<tr>{totals}<td><b>{data.observed:,}</b></td></tr>")
    return (
        f"<table><tr>{head}<th>cases</th></tr>{''.join(body)}</table>"
        '<p class="small">Each row is a capture history: the lists (&#9679;) a case was '
        "found on. Histories not shown had no case. Last row: cases per list, and all "
        "cases seen.</p>"
    )


def _results_table(results: Sequence[MseResult]) -> str:
    rows = []
    for r in results:
        boot = f"{_fmt(r.bootstrap.low)} to {_fmt(r.bootstrap.high)}" if r.bootstrap else "not run"
        weight = "-" if r.bic_weight is None else f"{r.bic_weight:.2f}"
        span = r.sensitivity()
        near = "-" if span is None else f"{_fmt(span[0])} to {_fmt(span[1])}"
        terms = ", ".join(r.interactions) or "none (lists independent)"
        rows.append(
            f"<tr><td class='l'>{escape(r.method)}</td><td>{_fmt(r.total)}</td>"
            f"<td>{_fmt(r.hidden)}</td><td>{_fmt(r.ci_low)} to {_fmt(r.ci_high)}</td>"
            f"<td>{boot}</td><td>{near}</td><td>{_fmt(r.bic)}</td><td>{weight}</td>"
            f"<td class='l'>{escape(terms)}</td></tr>"
        )
    return (
        "<table><tr><th class='l'>method</th><th>total</th><th>hidden</th>"
        "<th>95% interval</th><th>bootstrap</th><th>one term away</th><th>BIC</th><th>weight</th>"
        f"<th class='l'>two-list terms</th></tr>{''.join(rows)}</table>"
    )


def _models_section(results: Sequence[MseResult], observed: int) -> str:
    seen: dict[tuple[str, ...], ConsideredModel] = {}
    for r in results:
        for m in r.models:
            seen.setdefault(m.pairs, m)
    models = sorted(seen.values(), key=lambda m: m.bic)[:12]
    if len(models) < 2:
        return ""
    weights = bic_weights([m.bic for m in models])
    rows = [
        (
            f"{' + '.join(m.pairs) or 'main effects'}"[:28] + f" (w={w or 0:.2f})",
            m.total,
            m.ci_low,
            m.ci_high,
            None,
            None,
            "#8172b3",
        )
        for m, w in zip(models, weights, strict=True)
    ]
    return (
        "<h2>Models compared</h2><p>The models the searches fitted (the BIC ranking and "
        "the stepwise path), best BIC first, with their BIC weight among those shown. "
        "Where models with similar weight give far apart totals, the data cannot choose "
        "between them.</p>" + interval_chart(rows, observed)
    )


def reading(results: Sequence[MseResult], observed: int) -> list[str]:
    """Plain-language sentences on what the estimates and their spread mean."""
    lines = [f"{observed:,} cases were seen on at least one list."]
    good = [r for r in results if r.total is not None]
    for r in good:
        lines.append(
            f"The {r.method} method estimates about {_fmt(r.total)} in total, so about "
            f"{_fmt(r.hidden)} that no list found; its 95% interval runs from "
            f"{_fmt(r.ci_low)} to {_fmt(r.ci_high)}."
        )
    for r in results:
        if r.total is None:
            lines.append(f"The {r.method} method gives no estimate on these data.")
    if len(good) > 1:
        low = min(r.total for r in good if r.total is not None)
        high = max(r.total for r in good if r.total is not None)
        overlap = max(r.ci_low or 0 for r in good) <= min(r.ci_high or 0 for r in good)
        lines.append(
            f"The methods range from {_fmt(low)} to {_fmt(high)}. "
            + (
                "Their intervals overlap, so the choice of model matters less than chance."
                if overlap
                else "Their intervals do not all overlap: the answer depends on which list "
                "dependences the model allows, more than on chance."
            )
        )
        weighted = [r for r in good if r.bic_weight is not None]
        if weighted:
            best = max(weighted, key=lambda r: r.bic_weight or 0.0)
            lines.append(
                f"By BIC the {best.method} model is the best supported "
                f"(weight {best.bic_weight:.2f}); a weight near 1 means the data clearly "
                "prefer it, several similar weights mean they do not."
            )
    lines.append(
        "Each interval describes chance variation for one model only. It does not cover "
        "errors in matching cases across lists, people who could never appear on any list, "
        "or dependence between lists that the model leaves out; the bootstrap interval, "
        "where shown, also repeats the choice of model."
    )
    return lines


def render_report(
    data: CaptureData, results: Sequence[MseResult], *, title: str = "Multiple systems estimation"
) -> str:
    """The report as one HTML string."""
    rows = [
        (
            r.method,
            r.total,
            r.ci_low,
            r.ci_high,
            r.bootstrap.low if r.bootstrap else None,
            r.bootstrap.high if r.bootstrap else None,
            _COLOURS.get(r.method, "#333"),
        )
        for r in results
    ]
    warnings = sorted({w for r in results for w in r.warnings})
    empty = {e.lists: e for r in results for e in r.empty_overlaps}
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1><p class='small'>Source: {escape(data.source)}; "
        f"{data.t} lists: {escape(', '.join(data.lists))}.</p>",
        "<h2>Reading the result</h2>",
        *(f"<p>{escape(s)}</p>" for s in reading(results, data.observed)),
        "<h2>Estimates</h2>",
        interval_chart(rows, data.observed),
        "<p class='small'>Dot: estimate. Thick bar: 95% interval (normal on the log of the "
        "dark figure). Thin bar: bootstrap interval repeating the model choice. "
        "&quot;One term away&quot;: totals of the models with one two-list term more or "
        "fewer.</p>",
        _results_table(results),
        _models_section(results, data.observed),
        "<h2>Overlap table</h2>",
        _overlap_table(data),
    ]
    if empty:
        items = "".join(
            f"<li>{escape(':'.join(e.lists))}: expected {e.expected:.1f} in common, "
            f"chance of none {e.p_value:.2g}; {escape(e.action)}</li>"
            for e in empty.values()
        )
        parts.append(f"<h2>Lists with no case in common</h2><ul>{items}</ul>")
    if warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
        parts.append(f"<h2>Warnings</h2><div class='warn'><ul>{items}</ul></div>")
    parts.append(
        "<p class='small'>Made by crimestats (multiple systems estimation after "
        "Chan, Silverman &amp; Vincent 2019). See docs/mse.md.</p></body></html>"
    )
    return "\n".join(parts)


def write_report(
    path: str | Path,
    data: CaptureData,
    results: Sequence[MseResult],
    *,
    title: str = "Multiple systems estimation",
    overwrite: bool = False,
    option: str = "--html",
) -> Path:
    """Write :func:`render_report` to ``path`` (UTF-8, atomically) and return the path;
    an existing file is replaced only with ``overwrite``."""
    from crimestats.output_files import write_text

    return write_text(
        path, render_report(data, results, title=title), overwrite=overwrite, option=option
    )


__all__ = ["interval_chart", "reading", "render_report", "write_report"]
