"""Schema for governance: API users with hashed tokens, and the hash-chained audit log.

Kept apart from :mod:`crimestats.storage.migrations` while several people change the
schema at once; ``migrations.MIGRATIONS`` appends it as one tuple.

Why these columns:

- ``api_users``: one row per token. ``token_id`` is the public half of a token (it finds
  the row without scanning); only a salted SHA-256 of the secret half is kept, so a copy
  of the store does not hand out working tokens. A revoked or expired row stays, so the
  audit log's user names keep meaning something.
- ``audit_log``: every data access and every change (API request, CLI ingest, review,
  release) as one entry. ``prev_hash`` is the ``entry_hash`` of the entry before it and
  ``entry_hash`` covers every other column, so an edit, a deletion, an insertion or a
  reordering breaks the chain where it happened (:mod:`crimestats.govern.audit_chain`).
"""

from __future__ import annotations

from typing import Final

GOVERN_NOTE: Final = "governance: API users with hashed tokens, hash-chained audit log"
GOVERN_DDL: Final = """
-- migration 1 declared an audit_log that no version of crimestats ever wrote: replaced
DROP TABLE audit_log;

CREATE TABLE api_users (
    token_id    VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    salt        VARCHAR NOT NULL,
    token_hash  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP,
    revoked_at  TIMESTAMP
);

CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    logged_at    VARCHAR NOT NULL,
    user_name    VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,
    parameters   VARCHAR NOT NULL,
    rows_out     BIGINT NOT NULL,
    result_hash  VARCHAR NOT NULL,
    prev_hash    VARCHAR NOT NULL,
    entry_hash   VARCHAR NOT NULL
);
"""
