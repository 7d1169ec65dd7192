"""The running code's version, recorded with every ingest and release (lineage)."""

from __future__ import annotations

from importlib import metadata


def code_version() -> str:
    """``crimestats <version>`` as installed."""
    try:
        return f"crimestats {metadata.version('crimestats')}"
    except metadata.PackageNotFoundError:
        return "crimestats (not installed)"
