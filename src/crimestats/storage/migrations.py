"""The store's schema, as an ordered list of migrations.

A store records the migrations it has applied in ``schema_version``; opening a store
applies the missing ones in one transaction. Never edit a published migration: add one.
Tables follow DESIGN.md section 3. Every loaded row carries the ``ingest_id`` of the
ingest that loaded it (lineage), and incidents, victims and suspects keep a
``fields_hash`` so a later file can be checked against what the store already holds.
"""

from __future__ import annotations

from typing import Final

from crimestats.storage.migrations_alerts import ALERTS_DDL, ALERTS_NOTE
from crimestats.storage.migrations_govern import GOVERN_DDL, GOVERN_NOTE
from crimestats.storage.migrations_motive import MOTIVE_DDL, MOTIVE_NOTE
from crimestats.storage.migrations_review import REVIEW_POLICY_DDL, REVIEW_POLICY_NOTE
from crimestats.storage.migrations_sources import SOURCE_LIFECYCLE_DDL, SOURCE_LIFECYCLE_NOTE

MIGRATIONS: Final[tuple[tuple[int, str, str], ...]] = (
    (
        1,
        "event-based store, quarantine and provenance",
        """
        CREATE SEQUENCE IF NOT EXISTS ingest_id_seq START 1;

        CREATE TABLE ingests (
            ingest_id      BIGINT PRIMARY KEY,
            source         VARCHAR NOT NULL,
            target         VARCHAR NOT NULL,
            file           VARCHAR NOT NULL,
            file_sha256    VARCHAR NOT NULL,
            file_bytes     BIGINT NOT NULL,
            mapping        VARCHAR,
            mapping_sha256 VARCHAR,
            started_at     TIMESTAMP NOT NULL,
            finished_at    TIMESTAMP NOT NULL,
            rows_read      BIGINT NOT NULL,
            accepted       BIGINT NOT NULL,
            quarantined    BIGINT NOT NULL,
            duplicates     BIGINT NOT NULL,
            warnings       BIGINT NOT NULL,
            issues_json    VARCHAR NOT NULL,
            code_version   VARCHAR NOT NULL
        );

        CREATE TABLE incidents (
            source         VARCHAR NOT NULL,
            incident_id    VARCHAR NOT NULL,
            reported_date  DATE NOT NULL,
            occurred_start TIMESTAMP,
            occurred_end   TIMESTAMP,
            area_code      VARCHAR,
            lat            DOUBLE,
            lon            DOUBLE,
            location_type  VARCHAR,
            cyber_related  VARCHAR NOT NULL,
            weapon         VARCHAR NOT NULL,
            narrative      VARCHAR,
            fields_hash    UBIGINT NOT NULL,
            ingest_id      BIGINT NOT NULL
        );

        CREATE TABLE offences (
            source          VARCHAR NOT NULL,
            incident_id     VARCHAR NOT NULL,
            offence_seq     INTEGER NOT NULL,
            national_code   VARCHAR,
            national_label  VARCHAR,
            description     VARCHAR,
            attempted       VARCHAR NOT NULL,
            iccs_code       VARCHAR,
            iccs_method     VARCHAR,
            iccs_confidence DOUBLE,
            fields_hash     UBIGINT NOT NULL,
            ingest_id       BIGINT NOT NULL
        );

        CREATE TABLE victims (
            source                  VARCHAR NOT NULL,
            incident_id             VARCHAR NOT NULL,
            victim_seq              INTEGER NOT NULL,
            victim_type             VARCHAR NOT NULL,
            sex                     VARCHAR NOT NULL,
            age                     INTEGER,
            citizenship             VARCHAR,
            relationship_to_suspect VARCHAR NOT NULL,
            injury                  VARCHAR NOT NULL,
            fields_hash             UBIGINT NOT NULL,
            ingest_id               BIGINT NOT NULL
        );

        CREATE TABLE suspects (
            source      VARCHAR NOT NULL,
            incident_id VARCHAR NOT NULL,
            suspect_seq INTEGER NOT NULL,
            person_ref  VARCHAR,
            sex         VARCHAR NOT NULL,
            age         INTEGER,
            citizenship VARCHAR,
            fields_hash UBIGINT NOT NULL,
            ingest_id   BIGINT NOT NULL
        );

        CREATE TABLE justice_events (
            source      VARCHAR NOT NULL,
            person_ref  VARCHAR,
            incident_id VARCHAR,
            stage       VARCHAR NOT NULL,
            event_date  DATE NOT NULL,
            detail      VARCHAR,
            unsentenced BOOLEAN,
            fields_hash UBIGINT NOT NULL,
            ingest_id   BIGINT NOT NULL
        );

        -- one row per accepted input row: the key that makes re-ingest idempotent
        CREATE TABLE row_ledger (
            source    VARCHAR NOT NULL,
            target    VARCHAR NOT NULL,
            row_key   VARCHAR NOT NULL,
            row_hash  UBIGINT NOT NULL,
            ingest_id BIGINT NOT NULL
        );

        CREATE TABLE populations (
            area_code  VARCHAR NOT NULL,
            year       INTEGER NOT NULL,
            sex        VARCHAR,
            age_group  VARCHAR,
            population DOUBLE NOT NULL,
            source     VARCHAR
        );

        CREATE TABLE areas (
            area_code   VARCHAR NOT NULL,
            name        VARCHAR,
            level       VARCHAR NOT NULL,
            parent_code VARCHAR,
            geometry    VARCHAR
        );

        CREATE TABLE quarantine (
            ingest_id  BIGINT NOT NULL,
            source     VARCHAR NOT NULL,
            file       VARCHAR NOT NULL,
            row_number BIGINT,
            raw        VARCHAR NOT NULL,
            reasons    VARCHAR NOT NULL
        );

        -- every problem found, errors and warnings alike, one row per (row, rule)
        CREATE TABLE ingest_issues (
            ingest_id  BIGINT NOT NULL,
            row_number BIGINT,
            code       VARCHAR NOT NULL,
            severity   VARCHAR NOT NULL,
            field      VARCHAR,
            value      VARCHAR
        );

        CREATE TABLE audit_log (
            logged_at TIMESTAMP NOT NULL,
            actor   VARCHAR NOT NULL,
            action  VARCHAR NOT NULL,
            target  VARCHAR,
            detail  VARCHAR
        );

        CREATE TABLE releases (
            release_id  VARCHAR NOT NULL,
            created_at  TIMESTAMP NOT NULL,
            directory   VARCHAR NOT NULL,
            config_json VARCHAR,
            manifest    VARCHAR
        );
        """,
    ),
    (
        2,
        "ICCS coding: review flag on offences, reviewed correspondence entries",
        """
        ALTER TABLE offences ADD COLUMN needs_review BOOLEAN;

        -- correspondence entries decided by people (review answers, a country's table):
        -- they outrank the bundled tables, and the model never overrides them
        CREATE TABLE correspondence (
            source         VARCHAR NOT NULL,
            national_code  VARCHAR NOT NULL,
            national_label VARCHAR,
            iccs_code      VARCHAR,
            note           VARCHAR,
            version        VARCHAR NOT NULL,
            decided_at     TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        3,
        "registered multiple systems estimates (SDG 16.2.2 hidden victims)",
        """
        -- one row per registered MSE result: what 'crimestats mse --register' stored
        CREATE TABLE mse_estimates (
            area_code   VARCHAR NOT NULL,
            year        INTEGER NOT NULL,
            method      VARCHAR NOT NULL,
            observed    BIGINT NOT NULL,
            total       DOUBLE,
            hidden      DOUBLE,
            ci_low      DOUBLE,
            ci_high     DOUBLE,
            terms       VARCHAR NOT NULL,
            source_file VARCHAR NOT NULL,
            file_sha256 VARCHAR NOT NULL,
            created_at  TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        4,
        "privacy ledger: the epsilon each differentially private release table spent",
        """
        -- one row per DP table of a recorded release; epsilons of one privacy unit add up
        -- (sequential composition). Never counts or noise: only how much was spent.
        CREATE TABLE privacy_ledger (
            release_id      VARCHAR NOT NULL,
            table_name      VARCHAR NOT NULL,
            privacy_unit    VARCHAR NOT NULL,
            epsilon         DOUBLE NOT NULL,
            mechanism       VARCHAR NOT NULL,
            sensitivity     INTEGER NOT NULL,
            alpha           DOUBLE NOT NULL,
            release_epsilon DOUBLE NOT NULL,
            created_at      TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        5,
        "withheld cells of recorded releases, carried forward to the next release",
        """
        -- one row per cell a recorded release withheld (primary or secondary): its table,
        -- the table's fields and the cell's field values (JSON, 'Total' in margins). The
        -- next release of the same table withholds them again (docs/disclosure-control.md,
        -- revisions). Never a count.
        CREATE TABLE release_withheld (
            release_id VARCHAR NOT NULL,
            table_name VARCHAR NOT NULL,
            fields     VARCHAR NOT NULL,
            cell       VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        6,
        "what each recorded release published, cell by cell",
        """
        -- one row per cell of a recorded release's threshold table: the cell's field values
        -- (JSON, 'Total' in margins) and the count it published, NULL when withheld. An
        -- attacker holds every earlier release; the next release is protected against
        -- them too (docs/security-privacy.md, across releases). Only published numbers.
        CREATE TABLE release_cells (
            release_id VARCHAR NOT NULL,
            table_name VARCHAR NOT NULL,
            fields     VARCHAR NOT NULL,
            cell       VARCHAR NOT NULL,
            published  BIGINT,
            created_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        7,
        "row keys as typed JSON, which cannot collide; a justice event's key is its whole record",
        """
        -- Keys used to be fields joined with U+001F (a value holding U+001F, or NULL vs '',
        -- could fake another key) and a justice event's key left out 'unsentenced'. They
        -- are now the typed fields as one JSON object (storage/row_checks.py, key_json), so
        -- a store written before keeps seeing re-ingested rows as duplicates. An incident
        -- id may itself hold U+001F: the three sequence numbers are taken from the right.
        UPDATE row_ledger SET row_key = CAST(to_json({
            'incident_id': array_to_string(
                list_slice(string_split(row_key, chr(31)), 1, -4), chr(31)),
            'offence_seq': CAST(string_split(row_key, chr(31))[-3] AS BIGINT),
            'victim_seq': CAST(nullif(string_split(row_key, chr(31))[-2], '') AS BIGINT),
            'suspect_seq': CAST(nullif(string_split(row_key, chr(31))[-1], '') AS BIGINT)
        }) AS VARCHAR)
        WHERE target = 'incidents';
        DELETE FROM row_ledger WHERE target = 'justice_events';
        INSERT INTO row_ledger
        SELECT source, 'justice_events', CAST(to_json({
            'incident_id': incident_id, 'person_ref': person_ref, 'stage': stage,
            'event_date': event_date, 'detail': detail, 'unsentenced': unsentenced
        }) AS VARCHAR), fields_hash, ingest_id
        FROM justice_events;
        """,
    ),
    (8, SOURCE_LIFECYCLE_NOTE, SOURCE_LIFECYCLE_DDL),
    (
        9,
        "the counting unit of each recorded release cell, to protect across tables",
        """
        -- A cell is a statistic of its unit: the incidents of area A1, whatever table
        -- published it. With the unit, a later release of another table of the same unit
        -- (its fields a superset) is protected against it too. NULL for cells recorded
        -- before this migration: those still protect their own table, by name.
        ALTER TABLE release_cells ADD COLUMN unit VARCHAR;
        """,
    ),
    (10, GOVERN_NOTE, GOVERN_DDL),
    (11, ALERTS_NOTE, ALERTS_DDL),
    (12, MOTIVE_NOTE, MOTIVE_DDL),
    (13, REVIEW_POLICY_NOTE, REVIEW_POLICY_DDL),
)
"""(version, what it does, DDL) in the order they apply."""

LATEST_VERSION: Final[int] = MIGRATIONS[-1][0]
