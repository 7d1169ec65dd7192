"""The disclosure methods a release table can use, as one typed enumeration.

Why: the method is read from the configuration once (:func:`crimestats.release.config.
parse_config`) and from then on is a :class:`Method`, never a free string compared in
six places; each method's behaviour lives in its
:class:`~crimestats.release.protection.Protection`. It is a ``StrEnum`` so that what is
written (the store's record, ``datapackage.json``) is the same word as before. This
module imports nothing of the release, so the configuration can use it without pulling
in the tables that depend on the configuration.
"""

from __future__ import annotations

from enum import StrEnum


class Method(StrEnum):
    """How a table is protected."""

    THRESHOLD = "threshold"
    """Threshold rule and secondary suppression (audited), linked tables together."""
    ROUNDING = "rounding"
    """Controlled rounding of every cell and margin to a multiple of the base."""
    DP = "dp"
    """Differential privacy (OpenDP), charged to the release's privacy budget."""


__all__ = ["Method"]
