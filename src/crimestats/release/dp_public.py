"""What a differentially private table treats as public: its fields' value lists.

Why a module of its own: the public key set is the one promise of a DP table that the
noise does not keep (a combination listed only where it occurs would reveal that it
occurs), so which fields have a public list, and what each list is, is read from one
place: the registry of countable fields (:data:`crimestats.stats.fields.FIELDS`),
through :data:`PUBLIC_FIELDS` and :func:`public_domain`. Planning a table
(:mod:`crimestats.release.dp_tables`), releasing it (:mod:`crimestats.release.dp_release`)
and checking a configuration (:mod:`crimestats.release.config_dp`) all ask here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from crimestats.errors import UsageError
from crimestats.release.table_cells import TOTAL_LABEL, data_label


class _PublicFields(Mapping[str, str]):
    """The registered fields with a public list, and what each list is: read from the
    registry (:data:`crimestats.stats.fields.FIELDS`) at every use, never copied."""

    def _described(self) -> dict[str, str]:
        from crimestats.stats.fields import FIELDS

        return {n: f.public.description for n, f in FIELDS.items() if f.public is not None}

    def __getitem__(self, name: str) -> str:
        return self._described()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._described())

    def __len__(self) -> int:
        return len(self._described())


PUBLIC_FIELDS: Final[Mapping[str, str]] = _PublicFields()
"""Fields a DP table may use, and where their public list of values comes from."""

DP_MARGIN: Final = "_T"
"""The margin key of :mod:`crimestats.dp` (its ``TOTAL``), without importing the package."""


def accuracy_columns(alpha: float) -> tuple[str, str, str]:
    """Column names of the half-width and interval, e.g. ``accuracy_95`` for alpha 0.05."""
    level = f"{round(100 * (1 - alpha), 6):g}".replace(".", "_")
    return f"accuracy_{level}", f"lower_{level}", f"upper_{level}"


def _nullable(name: str, unit: str) -> bool:
    """Whether a table of ``unit`` can leave ``name`` blank (the registry says)."""
    from crimestats.stats.fields import FIELDS

    return FIELDS[name].can_be_blank(unit)


def public_domain(
    name: str, *, unit: str, years: tuple[int, int] | None, sources: list[str]
) -> list[str | None]:
    """The public values of a field, in order, with ``None`` (blank) where it can be empty."""
    from crimestats.stats.fields import FIELDS, DomainInputs

    field = FIELDS.get(name)
    if field is None or field.public is None:
        raise UsageError(
            f"field {name!r} has no public list of values",
            hint=f"DP tables take fields from: {', '.join(PUBLIC_FIELDS)}",
        )
    # a value "Total" is published as "Total (value)", as in threshold tables (finding D)
    values = [str(data_label(v)) for v in field.public.values(DomainInputs(years, tuple(sources)))]
    clash = [v for v in values if v in (TOTAL_LABEL, DP_MARGIN)]
    if clash:
        raise UsageError(
            f"{name} has the value {clash[0]!r}, which marks totals in a release",
            hint="rename that source or category before releasing",
        )
    return [*values, None] if _nullable(name, unit) else list(values)


__all__ = ["DP_MARGIN", "PUBLIC_FIELDS", "accuracy_columns", "public_domain"]
