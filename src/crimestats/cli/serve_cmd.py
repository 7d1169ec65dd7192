"""``crimestats serve``: the REST API and dashboard over a store (issue 16).

Why one process with threads: DuckDB lets one process write a store (the server
writes the audit log and may load files), so ``--workers`` sets the request threads
of that one process; DuckDB parallelises each query on its own. While the server
runs, other crimestats commands find the store in use: load through the API
(POST /v1/ingest) or stop the server first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crimestats.cli.options import DbOption
from crimestats.serve.settings import DEFAULT_BURST, DEFAULT_RATE


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Request threads.")] = 8,
    rate: Annotated[
        float, typer.Option("--rate", min=0.1, help="Requests per second per token or address.")
    ] = DEFAULT_RATE,
    burst: Annotated[
        int, typer.Option("--burst", min=1, help="Requests allowed at once before the rate.")
    ] = DEFAULT_BURST,
    release_root: Annotated[
        Path | None,
        typer.Option(
            "--release-root",
            help="Folder of releases made through the API (default: releases/ beside the store).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Serve the API (/v1, OpenAPI at /docs) until interrupted."""
    import uvicorn

    from crimestats.serve.app import create_app
    from crimestats.serve.settings import ServeSettings, uvicorn_options
    from crimestats.storage.store import resolve_db_path

    settings = ServeSettings(
        db=resolve_db_path(db),
        rate_per_second=rate,
        burst=burst,
        threads=workers,
        release_root=release_root,
    )
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        **uvicorn_options(),
    )


def register(app: typer.Typer) -> None:
    """Attach ``serve``."""
    app.command("serve")(serve)
