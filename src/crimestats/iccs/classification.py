"""The ICCS v1.0 hierarchy as Python objects: look up, walk up and down, truncate.

The International Classification of Crime for Statistical Purposes (UNODC, 2015) has 11
sections and four levels; a code's level is read from its length (``01`` level 1,
``0101`` level 2, ``01011`` level 3, ``010111`` level 4; ICCS Part Two, "Broad and
detailed structure"). Every code with its label, description, inclusions and exclusions
ships as package data (``data/iccs/iccs_v1_codes.csv``, see its PROVENANCE.md).

Why a class and not free functions over a dict: the loaded classification is immutable
and cached, so every caller (validation, the autocoder, the CLI) shares one copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from crimestats.domain.iccs_codes import ICCS_CODE_PATTERN, read_iccs_csv
from crimestats.errors import NotFoundError, UsageError

_LEVEL_BY_LENGTH = {2: 1, 4: 2, 5: 3, 6: 4}
_LENGTH_BY_LEVEL = {level: length for length, level in _LEVEL_BY_LENGTH.items()}


def code_level(code: str) -> int:
    """Level (1-4) of an ICCS-shaped code, from its length; raises UsageError otherwise."""
    if not ICCS_CODE_PATTERN.match(code):
        raise UsageError(
            f"{code!r} is not shaped like an ICCS code",
            hint="ICCS codes are 2, 4, 5 or 6 digits with a section 01-11, e.g. 0501 or 050211",
        )
    return _LEVEL_BY_LENGTH[len(code)]


def truncate(code: str, level: int) -> str:
    """The ancestor of ``code`` at ``level`` (or ``code`` itself if it is shallower).

    ICCS codes are prefix codes, so truncation is a prefix; it is only meaningful for
    levels 1-4.
    """
    if level not in _LENGTH_BY_LEVEL:
        raise UsageError(f"ICCS has levels 1-4, not {level}", hint="pass a level from 1 to 4")
    return code[: _LENGTH_BY_LEVEL[level]] if code_level(code) > level else code


@dataclass(frozen=True, slots=True)
class IccsCode:
    """One category of ICCS v1.0 with its explanatory text (ICCS Part Three)."""

    code: str
    level: int
    parent: str | None
    section: str
    label: str
    description: str
    inclusions: str
    exclusions: str
    notes: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping of every field."""
        return {
            "code": self.code,
            "level": self.level,
            "parent": self.parent,
            "section": self.section,
            "label": self.label,
            "description": self.description,
            "inclusions": self.inclusions,
            "exclusions": self.exclusions,
            "notes": self.notes,
        }


class Classification:
    """The 320 codes of ICCS v1.0, indexed by code and by parent."""

    def __init__(self, codes: list[IccsCode]) -> None:
        self._by_code = {c.code: c for c in codes}
        self._children: dict[str | None, list[str]] = {}
        for c in codes:
            self._children.setdefault(c.parent, []).append(c.code)
        for kids in self._children.values():
            kids.sort()

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[IccsCode]:
        return iter(sorted(self._by_code.values(), key=lambda c: c.code))

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> IccsCode:
        """The category with this code; raises NotFoundError naming the nearest ancestor."""
        code = code.strip()
        found = self._by_code.get(code)
        if found is not None:
            return found
        hint = "run `crimestats iccs search TEXT` to find a code, or `crimestats iccs tree`"
        if ICCS_CODE_PATTERN.match(code):
            for level in range(code_level(code) - 1, 0, -1):
                ancestor = truncate(code, level)
                if ancestor in self._by_code:
                    hint = f"{ancestor} exists; see `crimestats iccs tree {ancestor}`"
                    break
        raise NotFoundError(f"{code!r} is not a code of ICCS v1.0", hint=hint)

    def validate(self, code: str) -> bool:
        """True when ``code`` is a code of ICCS v1.0 (any level)."""
        return code in self._by_code

    def parent(self, code: str) -> IccsCode | None:
        """The parent category, or None for a section."""
        parent = self.get(code).parent
        return self._by_code[parent] if parent else None

    def children(self, code: str | None = None) -> list[IccsCode]:
        """Direct subcategories of ``code``, or the 11 sections when ``code`` is None."""
        if code is not None:
            self.get(code)
        return [self._by_code[c] for c in self._children.get(code, [])]

    def ancestors(self, code: str) -> list[IccsCode]:
        """Ancestors from the section down to the parent (not the code itself)."""
        chain: list[IccsCode] = []
        current = self.get(code).parent
        while current:
            chain.append(self._by_code[current])
            current = self._by_code[current].parent
        return chain[::-1]

    def descendants(self, code: str) -> list[IccsCode]:
        """Every category below ``code``, depth first in code order."""
        out: list[IccsCode] = []
        for child in self.children(code):
            out.append(child)
            out.extend(self.descendants(child.code))
        return out

    def truncate(self, code: str, level: int) -> IccsCode:
        """The ancestor-or-self of a known ``code`` at ``level`` (at most its own level)."""
        return self.get(truncate(self.get(code).code, level))

    def at_level(self, level: int) -> list[IccsCode]:
        """All categories of one level, in code order."""
        return [c for c in self if c.level == level]


@cache
def load_classification() -> Classification:
    """The ICCS v1.0 classification from package data (read once per process)."""
    codes = [
        IccsCode(
            code=row["code"],
            level=int(row["level"]),
            parent=row["parent"] or None,
            section=row["section"],
            label=row["label"],
            description=row["description"],
            inclusions=row["inclusions"],
            exclusions=row["exclusions"],
            notes=row["notes"],
        )
        for row in read_iccs_csv("iccs_v1_codes.csv")
    ]
    return Classification(codes)
