"""The checks every surveillance method's parameters share, stated once.

Why here and not in ``parameters.py``: that module builds each method's parameters and
so imports every method; the methods' own ``__post_init__`` checks need these without
importing it back.
"""

from __future__ import annotations

from crimestats.errors import UsageError


def check_alpha(alpha: float) -> None:
    """The level of the alarm threshold must lie strictly between 0 and 1."""
    if not 0 < alpha < 1:
        raise UsageError(
            f"alpha must be between 0 and 1, got {alpha}",
            hint="give a level above 0 and below 1, e.g. --alpha 0.05",
        )


def check_weights_threshold(value: float) -> None:
    """Noufaily's down-weighting threshold on Anscombe residuals must be positive."""
    if not value > 0:
        raise UsageError(
            f"weights-threshold must be above 0, got {value}",
            hint="use --weights-threshold 2.58 (Noufaily's value)",
        )


__all__ = ["check_alpha", "check_weights_threshold"]
