"""Schema of the ``alerts`` table: the alarms of ``crimestats alerts`` runs (issue 14).

Kept apart from :mod:`crimestats.storage.migrations` while several people change the
schema at once; ``migrations.MIGRATIONS`` appends ``(11, ALERTS_NOTE, ALERTS_DDL)``.

Why these columns: an alarm is only worth keeping if it can be re-read and checked later,
so each row says what was tested (the series by its ``by`` fields, the period, its
frequency), what was seen and expected (observed, expected, upper bound, p-value, the
Benjamini-Hochberg adjusted p-value across the run's series, the exceedance score used to
rank), and how (the method, its parameters as JSON, the first and last date of the data
window it read). ``run_id`` and ``run_at`` group the alarms of one run.
"""

from __future__ import annotations

from typing import Final

ALERTS_NOTE: Final = "alerts: the alarms of early-warning runs, with method and data window"
ALERTS_DDL: Final = """
CREATE TABLE alerts (
    run_id        VARCHAR NOT NULL,
    run_at        TIMESTAMP NOT NULL,
    series        VARCHAR NOT NULL,   -- 'field=value, ...' (or 'all')
    group_json    VARCHAR NOT NULL,   -- the by fields and values as a JSON object
    freq          VARCHAR NOT NULL,   -- week | month
    period_start  DATE NOT NULL,
    period        VARCHAR NOT NULL,   -- as stats writes it: 2024-03, 2024-W10
    observed      BIGINT NOT NULL,
    expected      DOUBLE NOT NULL,
    upper_bound   DOUBLE NOT NULL,
    p_value       DOUBLE NOT NULL,
    q_value       DOUBLE NOT NULL,    -- Benjamini-Hochberg adjusted over the run's series
    exceedance    DOUBLE NOT NULL,    -- (observed - expected) / (upper - expected)
    rank          INTEGER NOT NULL,   -- 1 = largest exceedance of the run
    method        VARCHAR NOT NULL,
    parameters    VARCHAR NOT NULL,   -- JSON
    window_start  DATE NOT NULL,      -- first period the method read
    window_end    DATE NOT NULL,      -- the tested period
    series_tested INTEGER NOT NULL,   -- how many series the run assessed (the FDR family)
    fdr           DOUBLE NOT NULL
);
"""
