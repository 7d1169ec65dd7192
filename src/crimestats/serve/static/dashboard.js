/* crimestats dashboard: draws the charts the server put in the page, and answers the
   analyst's and steward's forms through the API.

   Why the token lives in sessionStorage and travels as a Bearer header: no cookie means
   the browser never sends it on its own, so no other site can make a request with it
   (no CSRF to defend against); it goes when the tab closes. The strict
   Content-Security-Policy (scripts from this server only, nothing inline) is what keeps
   another script from reading it. */
(function () {
  "use strict";
  var TOKEN_KEY = "crimestats-token";
  var state = { rendered: 0, failed: 0 };
  window.crimestatsDashboard = state;

  function fmt(value) {
    if (value === null || value === undefined || value === "") return "";
    var n = Number(value);
    if (!isFinite(n)) return String(value);
    return n.toLocaleString("en-US", { maximumFractionDigits: 2 });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function embed(target, spec) {
    var node = typeof target === "string" ? document.getElementById(target) : target;
    return window.vegaEmbed(node, spec, {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: window.vegaInterpreter.expressionInterpreter,
      formatLocale: { decimal: ".", thousands: ",", grouping: [3], currency: ["", ""] }
    }).then(function (result) {
      state.rendered += 1;
      node.setAttribute("data-rendered", "true");
      return result;
    }).catch(function (error) {
      state.failed += 1;
      node.setAttribute("data-rendered", "error");
      node.textContent = "The chart could not be drawn: " + error.message;
      throw error;
    });
  }

  function numeric(column) {
    return /count|incidents|accepted|read|quarantined|duplicates|offences|value|rate|numerator|denominator|share|days|population/.test(column);
  }

  function renderTable(targetId, columns, rows, caption) {
    var target = document.getElementById(targetId);
    target.textContent = "";
    var wrap = el("div", { "class": "table-wrap", tabindex: "0", role: "region", "aria-label": caption });
    var table = el("table");
    table.appendChild(el("caption", {}, caption + " (" + rows.length.toLocaleString("en-US") + " rows)"));
    var head = el("tr");
    columns.forEach(function (c) { head.appendChild(el("th", { scope: "col" }, c)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr");
      columns.forEach(function (c) {
        var v = row[c];
        var withheld = (v === null || v === "") && c === "count" && row.status && row.status !== "published";
        var td = el("td", numeric(c) ? { "class": "num" } : {},
          withheld ? "withheld" : (numeric(c) ? fmt(v) : (v === null || v === undefined ? "" : (typeof v === "object" ? JSON.stringify(v) : String(v)))));
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    target.appendChild(wrap);
    return table;
  }

  function token() { return window.sessionStorage.getItem(TOKEN_KEY); }

  function api(path, options) {
    var opts = options || {};
    opts.headers = opts.headers || {};
    var t = token();
    if (t) opts.headers["Authorization"] = "Bearer " + t;
    opts.credentials = "omit";
    return fetch(path, opts).then(function (response) {
      return response.json().then(function (payload) {
        if (!response.ok) {
          var d = payload.detail;
          var message = typeof d === "string" ? d : (d && (d.error || JSON.stringify(d))) || response.statusText;
          var fix = payload.fix || (d && (d.fix || (d.allowed && "allowed: " + d.allowed.join(", "))));
          throw new Error(response.status + ": " + message + (fix ? " (fix: " + fix + ")" : ""));
        }
        return payload;
      });
    });
  }

  function showError(targetId, error) {
    var target = document.getElementById(targetId);
    target.textContent = "";
    target.appendChild(el("p", { "class": "error", role: "alert" }, error.message));
  }

  function setupLogin() {
    var form = document.getElementById("login");
    if (!form) return;
    var stateOut = document.getElementById("login-state");
    function show() { stateOut.textContent = token() ? "A token is in use for this tab." : "No token: give yours to see this view."; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.sessionStorage.setItem(TOKEN_KEY, form.elements.token.value.trim());
      form.elements.token.value = "";
      show();
      document.dispatchEvent(new Event("crimestats-token"));
    });
    document.getElementById("logout").addEventListener("click", function () {
      window.sessionStorage.removeItem(TOKEN_KEY);
      show();
    });
    show();
  }

  function onSubmit(id, handler) {
    var form = document.getElementById(id);
    if (form) form.addEventListener("submit", function (event) { event.preventDefault(); handler(form); });
  }

  function barSpec(title, rows, x, color, y) {
    var enc = {
      x: { field: x, type: "nominal", axis: { labelLimit: 200 } },
      y: { field: y, type: "quantitative", axis: { format: ",d" } },
      tooltip: [{ field: x }, { field: y, type: "quantitative", format: "," }]
    };
    if (color) { enc.color = { field: color, type: "nominal" }; enc.xOffset = { field: color }; enc.tooltip.push({ field: color }); }
    return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title: title, width: 640, height: 240,
      data: { values: rows.filter(function (r) { return r[y] !== null; }) }, mark: { type: "bar", tooltip: true }, encoding: enc };
  }

  /* The same two steps as serve/pages/charts.py (d3_winding, fitted_mercator): d3-geo
     wants exterior rings clockwise (GeoJSON has them the other way), and the projection
     is fitted here rather than by Vega-Lite's automatic fit. */
  function signedArea(ring) {
    var a = 0;
    for (var i = 0; i + 1 < ring.length; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    return a;
  }
  function d3Winding(features) {
    function polygon(rings) {
      return rings.map(function (ring, n) { var cw = signedArea(ring) < 0; return cw === (n === 0) ? ring : ring.slice().reverse(); });
    }
    return features.map(function (f) {
      var g = f.geometry, c = g.coordinates;
      var fixed = g.type === "Polygon" ? polygon(c) : g.type === "MultiPolygon" ? c.map(polygon) : c;
      return { type: "Feature", properties: f.properties, geometry: { type: g.type, coordinates: fixed } };
    });
  }
  function fittedMercator(features, width, height) {
    var lons = [], ys = [];
    features.forEach(function (f) {
      var polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
      polys.forEach(function (p) { p.forEach(function (ring) { ring.forEach(function (pt) {
        lons.push(pt[0]); ys.push(Math.log(Math.tan(Math.PI / 4 + pt[1] * Math.PI / 360)));
      }); }); });
    });
    if (!lons.length) return { type: "mercator" };
    var minX = Math.min.apply(null, lons), maxX = Math.max.apply(null, lons);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var scale = 0.9 * Math.min(width / Math.max((maxX - minX) * Math.PI / 180, 1e-6), height / Math.max(maxY - minY, 1e-6));
    var lat = (2 * Math.atan(Math.exp((maxY + minY) / 2)) - Math.PI / 2) * 180 / Math.PI;
    return { type: "mercator", center: [(maxX + minX) / 2, lat], scale: scale, translate: [width / 2, height / 2] };
  }

  function setupAnalyst() {
    onSubmit("stats-form", function (form) {
      var by = Array.prototype.filter.call(form.elements.by.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      var params = new URLSearchParams({ by: by.join(","), unit: form.elements.unit.value, protect: form.elements.protect.value });
      if (form.elements.rate.checked) params.set("rate", "true");
      api("/v1/stats?" + params.toString()).then(function (payload) {
        var y = form.elements.rate.checked ? "rate_per_100k" : "count";
        var rows = payload.rows.filter(function (r) { return by.every(function (f) { return r[f] !== "Total"; }); });
        renderTable("stats-table", payload.columns, payload.rows, "Counts by " + by.join(", "));
        return embed("stats-chart", barSpec(payload.unit + " by " + by.join(", "), rows, by[0], by[1], y));
      }).catch(function (e) { showError("stats-table", e); });
    });
    onSubmit("trends-form", function (form) {
      var params = new URLSearchParams({ by: form.elements.by.value, freq: form.elements.freq.value });
      api("/v1/trends?" + params.toString()).then(function (doc) {
        var values = [];
        var alarms = [];
        doc.series.forEach(function (s) {
          s.periods.forEach(function (p) { values.push({ series: s.series, start: p.start, count: p.count }); });
          ["year_on_year", "recent_mean"].forEach(function (k) {
            var c = s[k];
            var alpha = 1 - (doc.metadata.level || 0.95);
            if (c && c.p_value < alpha) alarms.push({ series: s.series, check: k + " (" + c.current_label + " vs " + c.base_label + ")", change: c.percent_change === null ? "" : c.percent_change.toFixed(1) + "%", p: c.p_value.toPrecision(2) });
          });
          (s.change_points && s.change_points.points || []).forEach(function (pt) { alarms.push({ series: s.series, check: "change point after " + pt.last_before, change: fmt(pt.mean_before) + " to " + fmt(pt.mean_after) + " a period", p: "" }); });
        });
        renderTable("trends-alarms", ["series", "check", "change", "p"], alarms, "Alarms (significant changes and change points)");
        return embed("trends-chart", { $schema: "https://vega.github.io/schema/vega-lite/v6.json", width: 640, height: 260,
          title: "Counts per " + doc.metadata.freq, data: { values: values },
          mark: { type: "line", point: true, tooltip: true },
          encoding: { x: { field: "start", type: "temporal", title: "period" },
            y: { field: "count", type: "quantitative", axis: { format: ",d" } },
            color: { field: "series", type: "nominal" } } });
      }).catch(function (e) { showError("trends-alarms", e); });
    });
    onSubmit("alerts-form", function (form) {
      var by = document.getElementById("trends-by").value || "source";
      api("/v1/alerts?" + new URLSearchParams({ by: by, method: form.elements.method.value }).toString()).then(function (doc) {
        renderTable("alerts-table", doc.columns, doc.rows, "Alarms for " + doc.period + " (" + doc.method + ", " +
          doc.series_tested + " series tested, false discovery rate " + doc.fdr + ")");
      }).catch(function (e) { showError("alerts-table", e); });
    });
    onSubmit("attrition-form", function (form) {
      api("/v1/attrition?by=" + encodeURIComponent(form.elements.by.value)).then(function (payload) {
        renderTable("attrition-table", payload.columns, payload.rows, "Incidents reaching each stage");
        var stages = payload.metadata.stages;
        return embed("attrition-chart", { $schema: "https://vega.github.io/schema/vega-lite/v6.json",
          data: { values: payload.rows.filter(function (r) { return r.incidents !== null; }) },
          facet: { row: { field: "source" } }, resolve: { scale: { x: "independent" } },
          spec: { width: 560, height: 150, mark: { type: "bar", tooltip: true },
            encoding: { y: { field: "stage", type: "nominal", sort: stages },
              x: { field: "incidents", type: "quantitative", aggregate: "sum", axis: { format: ",d" } } } } });
      }).catch(function (e) { showError("attrition-table", e); });
    });
    onSubmit("hotspots-form", function (form) {
      var params = new URLSearchParams({ source: form.elements.source.value.trim(), method: form.elements.method.value });
      if (form.elements.iccs.value.trim()) params.set("iccs", form.elements.iccs.value.trim());
      api("/v1/hotspots?" + params.toString()).then(function (geo) {
        var features = d3Winding(geo.features);
        var classes = geo.crimestats.classes || {};
        renderTable("hotspots-summary", ["class", "cells"], Object.keys(classes).map(function (k) { return { "class": k, cells: classes[k] }; }),
          "Cells by class (" + geo.crimestats.method + ", " + features.length.toLocaleString("en-US") + " cells)");
        var colour = features.length && features[0].properties["class"] !== undefined
          ? { field: "properties.class", type: "nominal", title: "class", scale: { domain: ["hot", "cold", "high-low outlier", "low-high outlier", "not significant"], range: ["#c0392b", "#2e6fb5", "#e69f00", "#56b4e9", "#e0e0e0"] } }
          : { field: "properties.n", type: "quantitative", title: "incidents" };
        return embed("hotspots-chart", { $schema: "https://vega.github.io/schema/vega-lite/v6.json", width: 520, height: 420,
          data: { values: features }, projection: fittedMercator(features, 520, 420),
          mark: { type: "geoshape", stroke: "white", strokeWidth: 0.2 },
          encoding: { color: colour, tooltip: [{ field: "properties.n", title: "incidents" }, { field: "properties.class", title: "class" }, { field: "properties.z", title: "z", format: ".2f" }] } });
      }).catch(function (e) { showError("hotspots-summary", e); });
    });
    onSubmit("indicators-form", function (form) {
      var area = form.elements.area.value.trim();
      api("/v1/indicators" + (area ? "?area=" + encodeURIComponent(area) : "")).then(function (payload) {
        renderTable("indicators-table", payload.columns, payload.rows, "SDG 16 indicators");
      }).catch(function (e) { showError("indicators-table", e); });
    });
  }

  function loadList(path, targetId, caption, decorate) {
    return api(path).then(function (payload) {
      var table = renderTable(targetId, payload.columns, payload.rows, caption);
      if (decorate) decorate(table, payload);
    }).catch(function (e) { showError(targetId, e); });
  }

  function reviewRows(table, payload) {
    var head = table.querySelector("thead tr");
    head.appendChild(el("th", { scope: "col" }, "answer"));
    table.querySelectorAll("tbody tr").forEach(function (tr, i) {
      var row = payload.rows[i];
      var td = el("td");
      var form = el("form", { "class": "answer" });
      var id = "answer-" + i;
      form.appendChild(el("label", { "for": id, "class": "visually-hidden" }, "ICCS code for " + row.text));
      var input = el("input", { id: id, name: "code", value: row.suggested_code || "", size: "8", required: "" });
      form.appendChild(input);
      form.appendChild(el("button", { type: "submit" }, "Save"));
      var out = el("output", { "aria-live": "polite" });
      form.appendChild(out);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        api("/v1/review", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ answers: [{ source: row.source, national_code: row.national_code, iccs_code: input.value.trim() }] }) })
          .then(function (r) { out.textContent = "saved: " + r.offences_updated.toLocaleString("en-US") + " offences recoded"; })
          .catch(function (e) { out.textContent = e.message; });
      });
      td.appendChild(form);
      tr.appendChild(td);
    });
  }

  function setupSteward() {
    if (!document.getElementById("ingest-form")) return;
    function refresh() {
      if (!token()) return;
      loadList("/v1/ingests?limit=1000", "ingests-table", "Loads, oldest first");
      loadList("/v1/quarantine?limit=200", "quarantine-table", "Quarantined rows");
      loadList("/v1/review?limit=200", "review-table", "Groups to review", reviewRows);
    }
    ["ingests-refresh", "quarantine-refresh", "review-refresh"].forEach(function (id) {
      document.getElementById(id).addEventListener("click", refresh);
    });
    document.addEventListener("crimestats-token", refresh);
    onSubmit("ingest-form", function (form) {
      var data = new FormData();
      data.append("file", form.elements.file.files[0]);
      data.append("source", form.elements.source.value);
      if (form.elements.mapping.files.length) data.append("mapping", form.elements.mapping.files[0]);
      if (form.elements.replace.checked) data.append("replace", "true");
      api("/v1/ingest", { method: "POST", body: data }).then(function (summary) {
        renderTable("ingest-result", ["file", "read", "accepted", "quarantined", "duplicates", "warnings"],
          summary.files, "Reconciliation: read = accepted + quarantined + duplicates");
        refresh();
      }).catch(function (e) { showError("ingest-result", e); });
    });
    refresh();
  }

  function renderPageCharts() {
    document.querySelectorAll("[data-spec]").forEach(function (node) {
      var spec = JSON.parse(document.getElementById(node.getAttribute("data-spec")).textContent);
      embed(node, spec).catch(function () {});
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupLogin();
    renderPageCharts();
    setupAnalyst();
    setupSteward();
  });
})();
