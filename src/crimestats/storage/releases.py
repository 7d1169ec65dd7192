"""The store's record of releases (table ``releases``): which folder, which files, when.

Why: lineage goes both ways. A release's ``datapackage.json`` names the ingested files
it was built from; the store remembers each release built from it, with its options and
its manifest, so a later release can be compared with (and audited against) earlier ones.
"""

from __future__ import annotations

from datetime import datetime

import duckdb


def record_release(
    con: duckdb.DuckDBPyConnection,
    *,
    release_id: str,
    created_at: datetime,
    directory: str,
    config_json: str,
    manifest: str,
) -> None:
    """Insert one row into ``releases``."""
    con.execute(
        "INSERT INTO releases (release_id, created_at, directory, config_json, manifest) "
        "VALUES (?, ?, ?, ?, ?)",
        [release_id, created_at, directory, config_json, manifest],
    )


def ingest_lineage(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Every ingested file (base name only), its checksum and reconciliation, in load order.

    No local paths and no times: these go into a public release and must not change
    between two builds of the same store.
    """
    rows = con.execute(
        "SELECT source, target, file, file_sha256, file_bytes, mapping, mapping_sha256, "
        "rows_read, accepted, quarantined, duplicates, code_version "
        "FROM ingests ORDER BY ingest_id"
    ).fetchall()
    out: list[dict[str, object]] = []
    for row in rows:
        (source, target, file, sha, size, mapping, mapping_sha, read, accepted, quarantined,
         duplicates, version) = row  # fmt: skip
        out.append(
            {
                "file": _basename(file),
                "sha256": sha,
                "bytes": size,
                "source": source,
                "target": target,
                "mapping": None if mapping is None else _basename(mapping),
                "mapping_sha256": mapping_sha,
                "rows_read": read,
                "accepted": accepted,
                "quarantined": quarantined,
                "duplicates": duplicates,
                "code_version": version,
            }
        )
    return out


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


__all__ = ["ingest_lineage", "record_release"]
