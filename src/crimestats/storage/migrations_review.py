"""Schema for per-source review policies, kept apart while several people change the
schema at once; ``migrations.MIGRATIONS`` appends it as ``(13, REVIEW_POLICY_NOTE,
REVIEW_POLICY_DDL)``.

Why the table: the autocoder's review threshold is calibrated on police vocabularies, and
held out it does not transfer to every register (an English penal code sample: 77% level-2
precision among auto-coded texts, docs/iccs-heldout-penal-code.md). An analyst who knows a
source is such a register sets a policy once, and every ``classify`` after it sends each
autocoder coding of that source to the review queue. A flag on ``classify`` alone would be
lost at the next run, which recodes the model's codings; the store keeps it instead.

- ``source``: as the ingests name it; one policy per source;
- ``reason``: the analyst's words, shown in every review row of the source;
- ``set_by``, ``set_at``: who set it and when (the audit log has the same action).
"""

from __future__ import annotations

from typing import Final

REVIEW_POLICY_NOTE: Final = "per-source policy: every autocoder coding of a source is reviewed"
REVIEW_POLICY_DDL: Final = """
CREATE TABLE review_policies (
    source  VARCHAR PRIMARY KEY,
    reason  VARCHAR NOT NULL,
    set_by  VARCHAR NOT NULL,
    set_at  TIMESTAMP NOT NULL
);
"""
