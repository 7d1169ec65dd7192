"""The analyst view: counts and rates by any field, trends with alarms, the justice-system
flow, indicators, hotspot maps (:mod:`crimestats.spatial`).

The page is a form per question; ``dashboard.js`` asks the API with the token the user
gave (sessionStorage, Bearer header) and draws the answer, so the page itself holds no
data and needs no token to load.
"""

from __future__ import annotations

from html import escape

from crimestats.serve.disclosure import Protect
from crimestats.serve.pages.html import login_form
from crimestats.stats.counting import Unit
from crimestats.stats.fields import FIELDS
from crimestats.watch.series import Freq


def _options(values: list[str], selected: str = "") -> str:
    return "".join(
        f'<option value="{escape(v)}"{" selected" if v == selected else ""}>{escape(v)}</option>'
        for v in values
    )


def analyst_body() -> str:
    fields = sorted(FIELDS)
    plain = sorted(n for n, f in FIELDS.items() if not f.is_period)
    return (
        login_form() + '<section aria-labelledby="h-stats"><h2 id="h-stats">Counts and rates</h2>'
        '<form id="stats-form" class="query">'
        f'<label for="stats-by">Fields</label><select id="stats-by" name="by" multiple size="6" '
        f"required>{_options(fields, 'source')}</select>"
        f'<label for="stats-unit">Unit</label><select id="stats-unit" name="unit">'
        f"{_options([u.value for u in Unit], Unit.INCIDENTS.value)}</select>"
        '<label><input type="checkbox" name="rate" value="true"> rate per 100,000</label>'
        f'<label for="stats-protect">Disclosure control</label><select id="stats-protect" '
        f'name="protect">{_options([p.value for p in Protect], Protect.NONE.value)}</select>'
        '<button type="submit">Count</button></form>'
        '<div id="stats-chart" class="vega" role="img" aria-label="Counts chart"></div>'
        '<div id="stats-table" aria-live="polite"></div></section>'
        '<section aria-labelledby="h-trends"><h2 id="h-trends">Trends and alarms</h2>'
        '<form id="trends-form" class="query">'
        f'<label for="trends-by">Group by</label><select id="trends-by" name="by">'
        f'<option value="">(everything)</option>{_options(plain, "source")}</select>'
        f'<label for="trends-freq">Period</label><select id="trends-freq" name="freq">'
        f"{_options([f.value for f in Freq], Freq.MONTH.value)}</select>"
        '<button type="submit">Show trends</button></form>'
        '<div id="trends-chart" class="vega" role="img" aria-label="Trends chart"></div>'
        '<div id="trends-alarms" aria-live="polite"></div>'
        '<form id="alerts-form" class="query"><label for="alerts-method">Early-warning method'
        '</label><select id="alerts-method" name="method"><option>farrington-flexible</option>'
        "<option>farrington</option><option>ears-c1</option><option>cusum</option>"
        "<option>glm</option></select>"
        '<button type="submit">Check the latest month</button></form>'
        '<div id="alerts-table" aria-live="polite"></div></section>'
        '<section aria-labelledby="h-flow"><h2 id="h-flow">Justice-system flow</h2>'
        '<form id="attrition-form" class="query"><label for="attrition-by">Level</label>'
        '<select id="attrition-by" name="by"><option>iccs_l1</option><option>iccs_l2</option>'
        '</select><button type="submit">Show flow</button></form>'
        '<div id="attrition-chart" class="vega" role="img" aria-label="Attrition chart"></div>'
        '<div id="attrition-table" aria-live="polite"></div></section>'
        '<section aria-labelledby="h-ind"><h2 id="h-ind">Indicators (SDG 16)</h2>'
        '<form id="indicators-form" class="query"><label for="ind-area">Area (for rates)</label>'
        '<input id="ind-area" name="area"><button type="submit">Show indicators</button></form>'
        '<div id="indicators-table" aria-live="polite"></div></section>'
        '<section aria-labelledby="h-hot"><h2 id="h-hot">Hotspot maps</h2>'
        '<form id="hotspots-form" class="query"><label for="hot-source">Source</label>'
        '<input id="hot-source" name="source" required>'
        '<label for="hot-iccs">ICCS code (optional)</label><input id="hot-iccs" name="iccs" '
        'size="8"><label for="hot-method">Method</label><select id="hot-method" name="method">'
        "<option>gistar</option><option>lisa</option><option>count</option><option>kde</option>"
        '</select><button type="submit">Show hotspots</button></form>'
        '<div id="hotspots-chart" class="vega" role="img" aria-label="Hotspot map: grid cells '
        'coloured by hot or cold spot class (Getis-Ord Gi*, FDR-controlled)"></div>'
        '<div id="hotspots-summary" aria-live="polite"></div></section>'
    )
