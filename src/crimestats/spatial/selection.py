"""Which incidents of the store a spatial command looks at: the ``--iccs`` option.

One rule for ``near-repeat`` and ``scan``: an ICCS code of a level of the classification
(2, 4, 5 or 6 digits, :data:`crimestats.stats.fields.ICCS_LENGTH`) selects the incidents
with at least one offence coded to it or below it, so ``0501`` (burglary) holds
``05011``; each incident counts once. Checked before the store is opened, so a typo
names itself instead of giving an empty result.
"""

from __future__ import annotations

from crimestats.errors import UsageError
from crimestats.stats.fields import ICCS_LENGTH


def iccs_field(code: str) -> str:
    """The stats field of the code's level (``iccs_l2`` for ``0501``); bad usage otherwise.

    >>> iccs_field("0501")
    'iccs_l2'
    """
    if code.isdigit():
        for name, length in ICCS_LENGTH.items():
            if len(code) == length:
                return name
    raise UsageError(
        f"--iccs {code!r} is not an ICCS code (2, 4, 5 or 6 digits, e.g. 0501)",
        hint="find the code with: crimestats iccs search WORD",
    )


__all__ = ["iccs_field"]
