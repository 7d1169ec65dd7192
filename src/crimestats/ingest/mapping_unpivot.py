"""Unpivot: several columns of one source row become several offence, victim or suspect rows.

Some exports write one row per incident with up to four offence codes side by side
(LAPD's ``Crm Cd 1`` .. ``Crm Cd 4``), or two victims' ages and sexes. A field spec's
``unpivot: [A, B, C]`` reads column A for the first output row of a source row, B for
the second, C for the third; every field with ``unpivot`` lists the same number of
columns, and all belong to one record of the event model (offence, victim or suspect),
whose ``*_seq`` is then the column's place in the list (1, 2, 3): mapping that seq
field too is refused, as it would give two rows one key::

    national_code: {unpivot: [Crm Cd 1, Crm Cd 2, Crm Cd 3, Crm Cd 4]}

An *empty* place (every unpivoted field blank there, after trimming and
``missing_values``) makes no row: it is skipped, not quarantined, and the
reconciliation counts the skipped cells (``unpivot-cells-skipped``). A source row whose
places are all empty still makes one row (place 1, with no record of the unpivoted kind:
its seq is blank), so that it is validated like any row (and quarantined if it names no
offence): no source row vanishes.

The reconciliation stays in *source rows*: ``read = accepted + quarantined +
duplicates`` counts each source row once, by the fate of its output rows (quarantined
if any is, else accepted if any is, else a duplicate); quarantine keeps each source row
once, with its raw text and the reasons of all its output rows. Other fields repeat on
every output row of the source row, so they must agree, as for any incident spread
over rows; a quarantined unpivoted offence holds back its whole incident.
"""

from __future__ import annotations

from dataclasses import dataclass

from crimestats.config_schema import ConfigValueError
from crimestats.domain.flat_layout import LAYOUTS, Level
from crimestats.ingest.mapping_spec import FieldSpec

SKIPPED_ISSUE = "unpivot-cells-skipped"
"""The reconciliation's count of empty unpivoted places (``issues``), not a rule."""

SEQ_FIELD: dict[Level, str] = {
    Level.OFFENCE: "offence_seq",
    Level.VICTIM: "victim_seq",
    Level.SUSPECT: "suspect_seq",
}
"""The field numbering the records of each level that can be unpivoted."""


@dataclass(frozen=True, slots=True)
class Unpivot:
    """What a mapping unpivots: the record level, how many places, the fields doing it."""

    level: Level
    width: int
    fields: tuple[str, ...]

    @property
    def seq_field(self) -> str:
        """The ``*_seq`` field the place number fills (1, 2, ...)."""
        return SEQ_FIELD[self.level]


def check_unpivot(fields: dict[str, FieldSpec], target: str) -> Unpivot | None:
    """The mapping's unpivot, checked: one level, one width, its seq field not mapped.

    A :class:`~crimestats.config_schema.ConfigValueError` is placed at the key path below
    ``fields``.
    """
    names = [name for name, spec in fields.items() if spec.unpivot]
    if not names:
        return None
    layout = {f.name: f for f in LAYOUTS[target]}
    levels = {layout[n].level for n in names}
    allowed = ", ".join(level.value for level in SEQ_FIELD)
    if target != "incidents" or not levels <= set(SEQ_FIELD):
        bad = [n for n in names if layout[n].level not in SEQ_FIELD]
        raise ConfigValueError(
            "only offence, victim or suspect fields can be unpivoted",
            f"unpivot fields of one of: {allowed}; incident fields are one per row",
            at=(bad[0] if bad else names[0],),
        )
    if len(levels) > 1:
        raise ConfigValueError(
            f"unpivoted fields of several records ({', '.join(sorted(levels))})",
            "unpivot the fields of one record (e.g. the offences) and map the others with column:",
        )
    (level,) = levels
    widths = {len(fields[n].unpivot) for n in names}
    if len(widths) > 1:
        raise ConfigValueError(
            f"unpivoted fields list different numbers of columns ({sorted(widths)})",
            "give each unpivoted field one column per place, in the same order",
        )
    seq = SEQ_FIELD[level]
    if seq in fields:
        raise ConfigValueError(
            f"{seq} is numbered by the unpivot (1, 2, ... by column place)",
            f"remove {seq} from the mapping",
            at=(seq,),
        )
    return Unpivot(level, widths.pop(), tuple(names))
