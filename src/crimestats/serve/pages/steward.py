"""The steward view: load a file, the loads with their reconciliations, the quarantine,
and the ICCS review queue where a reviewer accepts or changes a code (which becomes a
correspondence entry in the store). Drawn by ``dashboard.js`` from the API."""

from __future__ import annotations

from crimestats.serve.pages.html import login_form


def steward_body() -> str:
    return (
        login_form() + '<section aria-labelledby="h-load"><h2 id="h-load">Load a file</h2>'
        '<form id="ingest-form" class="query" enctype="multipart/form-data">'
        '<label for="ingest-file">File</label><input id="ingest-file" name="file" type="file" '
        'required><label for="ingest-source">Source</label><input id="ingest-source" '
        'name="source" required pattern="[A-Za-z0-9][A-Za-z0-9_.-]*">'
        '<label for="ingest-mapping">Mapping (optional)</label><input id="ingest-mapping" '
        'name="mapping" type="file"><label><input type="checkbox" name="replace" value="true">'
        ' replace the source</label><button type="submit">Load</button></form>'
        '<div id="ingest-result" aria-live="polite"></div></section>'
        '<section aria-labelledby="h-ingests"><h2 id="h-ingests">Loads and reconciliations'
        '</h2><button type="button" id="ingests-refresh">Refresh</button>'
        '<div id="ingests-table" aria-live="polite"></div></section>'
        '<section aria-labelledby="h-quar"><h2 id="h-quar">Quarantine</h2>'
        '<button type="button" id="quarantine-refresh">Refresh</button>'
        '<div id="quarantine-table" aria-live="polite"></div></section>'
        '<section aria-labelledby="h-review"><h2 id="h-review">ICCS review queue</h2>'
        "<p>Accept the suggested code or type another (ICCS v1.0 code, or <kbd>none</kbd> "
        "for not a crime); each answer becomes a correspondence entry.</p>"
        '<button type="button" id="review-refresh">Refresh</button>'
        '<div id="review-table" aria-live="polite"></div></section>'
    )
