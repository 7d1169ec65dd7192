"""Structural zeros: the cells of a table by source and ICCS that cannot hold a record.

A table by ``source`` and an ICCS level lists each source beside every category any
source has, yet a closed source (its correspondence entries code all its offences, see
:func:`crimestats.stats.counted_codes.possible_categories`) cannot have a category its
entries never reach: CODE's homicide extract beside robbery is not "0 robberies", it is
not applicable. Releases publish such a cell without a count (``not_applicable``) and
the privacy layer treats it as a known zero (:mod:`crimestats.privacy.protect`); DP
tables draw no noise for it (:mod:`crimestats.release.dp_tables`).

Which categories a source can have is read from correspondence entries, never from the
counts, so a DP key set built on it stays independent of the data. A record that
reaches such a category anyway (a code the source gave) makes its source open in a
threshold table (counted as usual, never hidden as impossible) and stops a DP table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crimestats.stats.counted_codes import possible_categories
from crimestats.stats.fields import ICCS_LENGTH


@dataclass(frozen=True, slots=True)
class SourceCategories:
    """Per ICCS field of a table, the categories each *closed* source can have (a source
    not listed, or a table without ``source``, has no structural zero)."""

    possible: Mapping[str, Mapping[str, frozenset[str]]]

    @classmethod
    def of_table(cls, con: Any, fields: Sequence[str]) -> SourceCategories:
        """The categories of the table's ICCS fields, read on the Ibis backend ``con``."""
        if "source" not in fields:
            return cls({})
        return cls(
            {
                name: possible_categories(con, ICCS_LENGTH[name])
                for name in fields
                if name in ICCS_LENGTH
            }
        )

    def closed(self) -> frozenset[str]:
        """The sources that have structural zeros in this table."""
        return frozenset(source for by_source in self.possible.values() for source in by_source)

    def impossible(self, cell: Mapping[str, Any]) -> bool:
        """Whether ``cell`` (field -> value) pairs a closed source with a category it
        cannot have."""
        source = str(cell.get("source"))
        return any(
            cell.get(name) is not None
            and source in by_source
            and cell.get(name) not in by_source[source]
            for name, by_source in self.possible.items()
        )


__all__ = ["SourceCategories"]
