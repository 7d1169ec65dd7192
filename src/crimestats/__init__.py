"""crimestats: event-based crime and criminal-justice statistics.

The curated Python API: the same operations as the CLI, as functions.

>>> from crimestats import ingest_files, store_status
>>> results = ingest_files(["incidents.csv"], source="my_force", db="crimestats.duckdb")

Names are imported on first use (PEP 562), so ``import crimestats.domain`` stays free of
DuckDB, Ibis and the CLI, as the domain core must (STYLE.md practice 1).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from crimestats.errors import (
    CrimestatsError,
    FileRefusedError,
    MappingError,
    NotFoundError,
    StoreError,
    UsageError,
)

if TYPE_CHECKING:
    from crimestats.ingest.mapping import Mapping, load_mapping
    from crimestats.services.ingesting import IngestResult, ingest_files
    from crimestats.services.quarantine import quarantined_rows
    from crimestats.services.status import store_status
    from crimestats.storage.store import open_store

_LAZY = {
    "Mapping": "crimestats.ingest.mapping",
    "load_mapping": "crimestats.ingest.mapping",
    "IngestResult": "crimestats.services.ingesting",
    "ingest_files": "crimestats.services.ingesting",
    "quarantined_rows": "crimestats.services.quarantine",
    "store_status": "crimestats.services.status",
    "open_store": "crimestats.storage.store",
}

__all__ = [
    "CrimestatsError",
    "FileRefusedError",
    "IngestResult",
    "Mapping",
    "MappingError",
    "NotFoundError",
    "StoreError",
    "UsageError",
    "ingest_files",
    "load_mapping",
    "open_store",
    "quarantined_rows",
    "store_status",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'crimestats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
