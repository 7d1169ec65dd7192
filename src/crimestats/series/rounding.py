"""Comparing a recomputed rate with a published one at the published rounding.

How UNODC rounds, as found in the files we hold:

- the dataUNODC exports (UN-CTS, homicide victims 2019-2023) print rates as the
  spreadsheet stores them: a binary double shown with **15 significant digits** (Excel's
  precision), trailing zeros dropped (``7.16396695794585``, ``0.0``);
- the Global Study on Homicide 2019 tables print rates with **1 decimal**
  (``Shiny_DT.csv``: 4, 3.4, 4.1) and its charts' data with 4 decimals;
- the homicide file's United Kingdom rows were recomputed by the file's author
  (England and Wales, Scotland and Northern Ireland summed) and rounded to 6 decimals.

The rate itself is a binary double computed as count / population x 100,000 (divide
first; see :func:`rate_per_100k`). A match "at a rounding" means both numbers, rounded
the same way (half up), are equal; rounding and comparison are done in exact
:class:`decimal.Decimal` on the published digits and on the double's exact value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

_CONTEXT = Context(prec=50, rounding=ROUND_HALF_UP)
"""Wide enough that count x 100,000 / population is exact to far past 15 digits."""


@dataclass(frozen=True, slots=True)
class Rounding:
    """A way of printing a number: ``digits`` significant digits or ``decimals`` places."""

    name: str
    digits: int | None = None
    decimals: int | None = None

    def apply(self, value: Decimal) -> Decimal:
        """``value`` rounded half up as this rounding prints it."""
        if value.is_zero():
            return Decimal(0)
        if self.digits is not None:
            exponent = value.adjusted() - self.digits + 1
        else:
            exponent = -(self.decimals or 0)
        return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP, context=_CONTEXT)

    def same(self, published: Decimal, computed: Decimal) -> bool:
        """True when both print the same at this rounding."""
        return self.apply(published) == self.apply(computed)


ROUNDINGS = (
    Rounding("15 significant digits", digits=15),
    Rounding("6 decimals", decimals=6),
    Rounding("4 decimals", decimals=4),
    Rounding("2 decimals", decimals=2),
    Rounding("1 decimal", decimals=1),
)
"""Finest first: the dataUNODC export, then coarser prints down to the GSH tables' one."""


def rate_per_100k(count: Decimal, population: Decimal) -> Decimal:
    """count / population x 100,000 as UNODC's spreadsheets compute it, returned exactly.

    The exports hold each rate as a binary double computed by dividing first and then
    multiplying by 100,000; printing that double at 15 significant digits gives the
    published text. On the UN-CTS exports this order reproduces all 22,479 rates that
    have a denominator at 15 significant digits; multiplying first
    (count x 100,000 / population) reproduces only 22,128, and exact decimal arithmetic
    21,977, because the last printed digit follows the double's own rounding.
    The double is returned as the exact :class:`~decimal.Decimal` of its binary value.
    """
    return Decimal(float(count) / float(population) * 100_000)


def implied_population(count: Decimal, rate: Decimal) -> Decimal:
    """The population a published count and rate imply: count x 100,000 / rate."""
    return _CONTEXT.divide(_CONTEXT.multiply(count, Decimal(100_000)), rate)


def to_half(value: Decimal) -> Decimal:
    """``value`` rounded to the nearest half (UNODC's denominators are whole or half persons)."""
    doubled = _CONTEXT.multiply(value, Decimal(2)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return _CONTEXT.divide(doubled, Decimal(2))


__all__ = ["ROUNDINGS", "Rounding", "implied_population", "rate_per_100k", "to_half"]
