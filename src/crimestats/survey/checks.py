"""Checks of a design file's values: each names the file and key, and says the fix.

Why apart from :mod:`~crimestats.survey.design`: these are the generic checks (a mapping
with known keys, a field name, a number, a list of codes and ranges, a choice of an enum),
the design module says what each key of a design file means.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from crimestats.errors import UsageError


class Doc:
    """Checks of one design file; every error names the file, the key and the fix."""

    def __init__(self, where: str) -> None:
        self.where = where

    def err(self, key: str, problem: str, fix: str) -> UsageError:
        return UsageError(f"{self.where}: {key}: {problem}", hint=fix)

    def mapping(self, key: str, value: Any, allowed: tuple[str, ...] | None) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.err(key, f"expected a mapping, got {value!r}", f"write {key}: {{...}}")
        unknown = sorted(str(k) for k in value if allowed is not None and k not in allowed)
        if unknown:
            problem = f"unknown key(s) {', '.join(unknown)}"
            raise self.err(key, problem, f"keys allowed here: {', '.join(allowed or ())}")
        return {str(k): v for k, v in value.items()}

    def text(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.err(key, f"{value!r} is not a field name", f"write {key}: FIELD")
        return value.strip()

    def texts(self, key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise self.err(key, f"{value!r} is not a list of fields", f"write {key}: [A, B]")
        return tuple(self.text(f"{key}[{i}]", v) for i, v in enumerate(value))

    def number(self, key: str, value: Any, *, low: float = -math.inf) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or value < low:
            raise self.err(key, f"{value!r} is not a number >= {low}", f"write {key}: a number")
        return float(value)

    def numbers(self, key: str, value: Any) -> tuple[float, ...]:
        if not isinstance(value, list):
            value = [value]
        return tuple(self.number(f"{key}[{i}]", v) for i, v in enumerate(value))

    def codes(self, key: str, value: Any) -> frozenset[int]:
        """``"1-20"``, ``"1-4, 15"``, ``[31, 32]``: whole-number codes and ranges."""
        parts = value if isinstance(value, list) else str(value).split(",")
        out: set[int] = set()
        for part in parts:
            text = str(part).strip()
            m = re.fullmatch(r"(\d+)\s*-\s*(\d+)|(\d+)", text)
            if m is None:
                raise self.err(key, f"{text!r} is not a code or range", 'write e.g. "1-4, 15"')
            if m.group(3):
                out.add(int(m.group(3)))
            else:
                low, high = int(m.group(1)), int(m.group(2))
                if high < low:
                    raise self.err(key, f"range {text!r} runs backwards", f"write {high}-{low}")
                out.update(range(low, high + 1))
        return frozenset(out)

    def conditions(self, key: str, value: Any) -> tuple[tuple[str, tuple[float, ...]], ...]:
        raw = self.mapping(key, value, None)
        return tuple((self.text(key, f), self.numbers(f"{key}.{f}", v)) for f, v in raw.items())

    def choice(self, key: str, value: Any, options: type[StrEnum]) -> Any:
        names = tuple(o.value for o in options)
        if value not in names:
            raise self.err(key, f"{value!r} is not known", f"use one of: {', '.join(names)}")
        return options(value)
