"""The size limits of ``crimestats ingest``, with their defaults and how to change them.

Each limit exists because, past it, something worse than a refusal happened: a row
vanished, a machine ran out of memory or an error named the wrong cause. A file over a
limit is refused whole, before any of it is staged, with one message naming the limit
and the environment variable that raises it (nothing is recorded, nothing loaded).

=================================  ==========================  =========
environment variable               what it bounds              default
=================================  ==========================  =========
``CRIMESTATS_MAX_LINE_BYTES``      one physical line           10 MiB
``CRIMESTATS_MAX_HEADER_BYTES``    the CSV header line         1 MiB
``CRIMESTATS_MAX_COLUMN_NAME``     one column name (chars)     1024
``CRIMESTATS_MAX_COLUMNS``         columns of a file           1000
``CRIMESTATS_MAX_DECOMPRESSED``    a .gz file's content        8 GiB
``CRIMESTATS_MAX_RATIO``           a .gz file's expansion      100
``CRIMESTATS_RATIO_FROM``          content size before the     64 MiB
                                   ratio is checked
=================================  ==========================  =========

Why each exists:

- **line bytes**: DuckDB's CSV reader silently drops a line longer than its read buffer
  (16 x ``max_line_size``) instead of rejecting it, so rows vanished at ~200 MB. Every
  physical line is measured before staging; a longer one refuses the file.
- **header bytes / column name / columns**: a header that never ends, a column name of
  128 KB or 50,000 columns cost seconds and gigabytes before any row is read, and ended in
  an internal error or a wrong "no data rows". No real export comes near these.
- **decompressed / ratio**: a 2.6 MB .gz held 1 GB of repeated rows and used 20 GB of
  memory. The content is stream-decompressed with a cap before DuckDB sees it; an
  expansion of more than ``max_ratio`` times (real CSV compresses 5-15 times) is
  refused once the content passes ``ratio_from`` bytes.

Sizes are bytes, or a number with KB, MB, GB (powers of 1024), e.g. ``20MB``. A value
above its ceiling (1 GiB for the line and header limits, whose 16-fold read buffer DuckDB
cannot allocate past that; 1 TiB for the rest) is refused as a usage error naming the
variable: such a value is a typo, and used to end in an internal error (OverflowError)
or in DuckDB blaming the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from crimestats.errors import UsageError

KIB = 1 << 10
MIB = 1 << 20
GIB = 1 << 30
TIB = 1 << 40

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|KIB|MB|MIB|GB|GIB)?\s*$", re.IGNORECASE)
_UNIT = {"B": 1, "KB": KIB, "KIB": KIB, "MB": MIB, "MIB": MIB, "GB": GIB, "GIB": GIB}


@dataclass(frozen=True, slots=True)
class IngestLimits:
    """The limits one ingest runs under (defaults above; ``from_env`` reads overrides)."""

    max_line_bytes: int = 10 * MIB
    max_header_bytes: int = 1 * MIB
    max_column_name: int = 1024
    max_columns: int = 1000
    max_decompressed: int = 8 * GIB
    max_ratio: int = 100
    ratio_from: int = 64 * MIB

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IngestLimits:
        """The defaults, overridden by any ``CRIMESTATS_MAX_*`` variable that is set."""
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for f in fields(cls):
            raw = env.get(env_name(f.name))
            if raw is not None and raw.strip():
                values[f.name] = parse_size(env_name(f.name), raw, ceiling(f.name))
        return cls(**values)


def env_name(field_name: str) -> str:
    """The environment variable that overrides a limit: ``CRIMESTATS_`` + its name."""
    return "CRIMESTATS_" + field_name.upper()


_CEILINGS = {"max_line_bytes": GIB, "max_header_bytes": GIB}
"""Limits DuckDB or Python cannot honour above 1 GiB (DuckDB's CSV buffer is 16x the
line limit; at 2 GiB its allocation fails); every other limit stops at :data:`TIB`."""


def ceiling(field_name: str) -> int:
    """The largest value a limit accepts."""
    return _CEILINGS.get(field_name, TIB)


def parse_size(name: str, raw: str, most: int = TIB) -> int:
    """``20MB`` -> 20971520; a positive whole number of bytes (or of columns, chars).

    ``most`` is the largest value accepted; a larger one is refused naming ``name``.
    """
    match = _SIZE.match(raw)
    if not match:
        raise UsageError(
            f"{name}={raw!r} is not a size",
            hint=f"write it as a number, optionally with KB, MB or GB (e.g. {name}=20MB)",
        )
    value = int(float(match.group(1)) * _UNIT[(match.group(2) or "B").upper()])
    if value < 1:
        raise UsageError(f"{name}={raw!r} must be at least 1", hint=f"unset {name} or raise it")
    if value > most:
        raise UsageError(
            f"{name}={raw!r} is larger than {describe(most)}, the most it can be",
            hint=f"set {name} to at most {_env_size(most)}, or unset it for the default",
        )
    return value


def describe(value: int) -> str:
    """A size for a message: ``10 MiB`` or ``512 bytes``."""
    for unit, size in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if value >= size and value % size == 0:
            return f"{value // size} {unit}"
    return f"{value:,} bytes"


_SIZES = frozenset({"max_line_bytes", "max_header_bytes", "max_decompressed", "ratio_from"})


def raise_hint(field_name: str, value: int, what: str, needed: int | None = None) -> str:
    """The ``fix:`` line of a refusal: what to change, or how to raise the limit.

    ``needed`` is what the file was measured to need (e.g. the refused line's length):
    the suggested limit is then the next power of two above it, not a blind 4x that
    may still be too small. Past the limit's ceiling no raise is suggested.
    """
    target = value * 4 if needed is None else 1 << needed.bit_length()
    top = ceiling(field_name)
    if field_name in _SIZES:
        now, higher = describe(value), _env_size(target)
    else:
        now, higher = str(value), str(target)
    if target > top:
        return f"{what} (the limit cannot go above {describe(top)}; now {now})"
    return f"{what}; or raise the limit: {env_name(field_name)}={higher} (now {now})"


def _env_size(value: int) -> str:
    """A size as the environment variable takes it: ``40MB``, else plain bytes."""
    for unit, size in (("GB", GIB), ("MB", MIB), ("KB", KIB)):
        if value >= size and value % size == 0:
            return f"{value // size}{unit}"
    return str(value)
