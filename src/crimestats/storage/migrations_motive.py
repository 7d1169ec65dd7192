"""Schema for the offence's motive (ICCS event tag *Mot*), kept apart while several
people change the schema at once; ``migrations.MIGRATIONS`` appends it as
``(10, MOTIVE_NOTE, MOTIVE_DDL)``.

Why these columns:

- ``offences.motive``: the ICCS v1.0 motive category (:class:`crimestats.domain.enums.
  Motive`: illicit gain, hate crime, gender-based, ...). DuckDB cannot add a column with
  a NOT NULL constraint, so the column is declared with the default ``'unknown'``:
  offences stored before this migration read "not known", which is what their sources
  said (nothing), and the loader always writes a value;
- ``offences.motive_detail``: the finer motive as the source gave it (NYPD's bias
  motive, e.g. ``anti-asian``), which ICCS does not classify but hate-crime statistics
  are broken down by.
"""

from __future__ import annotations

from typing import Final

MOTIVE_NOTE: Final = "offence motive (ICCS tag Mot) and the source's motive detail"
MOTIVE_DDL: Final = """
ALTER TABLE offences ADD COLUMN motive VARCHAR DEFAULT 'unknown';
ALTER TABLE offences ADD COLUMN motive_detail VARCHAR;
"""
