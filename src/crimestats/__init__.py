"""crimestats: event-based crime and criminal-justice statistics.

The curated Python API: the same operations as the CLI, as functions.

>>> from crimestats import ingest_files, store_status
>>> results = ingest_files(["incidents.csv"], source="my_force", db="crimestats.duckdb")
"""

from crimestats.errors import (
    CrimestatsError,
    FileRefusedError,
    MappingError,
    NotFoundError,
    StoreError,
    UsageError,
)
from crimestats.ingest.mapping import Mapping, load_mapping
from crimestats.services.ingesting import IngestResult, ingest_files
from crimestats.services.quarantine import quarantined_rows
from crimestats.services.status import store_status
from crimestats.storage.store import open_store

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
