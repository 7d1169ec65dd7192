"""The store: the only package that knows DuckDB (STYLE.md practice 2)."""

from crimestats.storage.store import DB_ENV, DEFAULT_DB, migrate, open_store, resolve_db_path

__all__ = ["DB_ENV", "DEFAULT_DB", "migrate", "open_store", "resolve_db_path"]
