"""Schema for the source lifecycle: replaced and undone ingests, quarantine's incident.

Kept apart from :mod:`crimestats.storage.migrations` while several people change the
schema at once; ``migrations.MIGRATIONS`` appends ``SOURCE_LIFECYCLE`` as one tuple with
the next free version number.

Why these columns:

- ``ingests.undone_at``: ``crimestats ingests undo ID`` removes an ingest's rows but keeps
  its ``ingests`` row (file, checksum, counts) so lineage still says it happened;
- ``ingests.superseded_by``: ``ingest --replace`` loads a new version of a source; the
  old ingests point at the ingest that replaced them and are no longer counted;
- ``superseded_rows``: the rows a replace took out of the counted tables, one JSON
  object per row with the table it came from, so lineage and revisions can still read
  what the old version said (they are never counted);
- ``quarantine.incident_id``: a quarantined row names its incident, so a reader finds it
  in the file without decoding ``raw``.
"""

from __future__ import annotations

from typing import Final

SOURCE_LIFECYCLE_NOTE: Final = "source lifecycle: replaced and undone ingests"
SOURCE_LIFECYCLE_DDL: Final = """
ALTER TABLE ingests ADD COLUMN undone_at TIMESTAMP;
ALTER TABLE ingests ADD COLUMN superseded_by BIGINT;
ALTER TABLE quarantine ADD COLUMN incident_id VARCHAR;

-- rows a replace took out of the counted tables (one JSON object per row); never counted
CREATE TABLE superseded_rows (
    ingest_id  BIGINT NOT NULL,
    table_name VARCHAR NOT NULL,
    row_json   VARCHAR NOT NULL
);
"""
