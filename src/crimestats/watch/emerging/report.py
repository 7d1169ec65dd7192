"""What ``crimestats emerging`` found, typed: one dataclass per kind of finding.

Why typed and aggregate only: the report is what leaves the store. Every field is a
count, a share, a statistic, a code or a scrubbed text; none is an incident id, the date
of one incident or a coordinate (the only dates are the window's bounds), so a report
can be printed, saved or mailed without showing a person. Each finding says itself in a
sentence (:meth:`sentence`), which is what the command prints.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

EXAMPLE_FLOOR = 5
"""The fewest current-period records a cluster needs before example texts of it are
shown; not lowered by ``--min-count`` (a rarer text is too close to one incident)."""


class CodeKind(StrEnum):
    """What a new-code finding counts."""

    NATIONAL_CODE = "national_code"
    ICCS_CODE = "iccs_code"
    DESCRIPTION = "description"


class Novelty(StrEnum):
    """How new a code is: never seen in the history window, or seen less than
    ``near_zero`` times as often as needed to explain the current count."""

    NEW = "new"
    FROM_NEAR_ZERO = "from_near_zero"


@dataclass(frozen=True, slots=True)
class Window:
    """The current period ``[since, until]`` and the history ``[history_start, since)``."""

    since: date
    until: date
    history_start: date

    @property
    def current_days(self) -> int:
        return (self.until - self.since).days + 1

    @property
    def history_days(self) -> int:
        return (self.since - self.history_start).days


@dataclass(frozen=True, slots=True)
class Settings:
    """The thresholds a report was made with (so that a reader can judge it)."""

    min_count: int
    fdr: float
    near_zero: float
    example_floor: int = EXAMPLE_FLOOR


@dataclass(frozen=True, slots=True)
class Tested:
    """Counts in the two periods, the totals they are shares of, and the test."""

    current: int
    history: int
    current_total: int
    history_total: int
    p_value: float
    q_value: float

    @property
    def current_share(self) -> float:
        return self.current / self.current_total if self.current_total else 0.0

    @property
    def history_share(self) -> float:
        return self.history / self.history_total if self.history_total else 0.0


@dataclass(frozen=True, slots=True)
class NewCode:
    """A national code, ICCS code or description new in the current period (list a)."""

    kind: CodeKind
    code: str
    label: str
    source: str | None
    novelty: Novelty
    counts: Tested
    expected_from_history: float
    coded_by: str | None = None

    def sentence(self) -> str:
        where = f" ({self.source})" if self.source else ""
        what = {
            CodeKind.NATIONAL_CODE: "national code",
            CodeKind.ICCS_CODE: "ICCS code",
            CodeKind.DESCRIPTION: "description",
        }[self.kind]
        name = f"{self.code} {self.label}" if self.label and self.label != self.code else self.code
        how = (
            "appears for the first time"
            if self.novelty is Novelty.NEW
            else f"grows from near zero ({self.counts.history} in the history window, "
            f"{self.expected_from_history:.1f} expected now at that rate)"
        )
        coded = f"; coded {self.coded_by}" if self.coded_by else ""
        return (
            f"{what}{where} {name!r} {how}: {self.counts.current} records in the current "
            f"period (q = {self.counts.q_value:.2g}{coded})."
        )


@dataclass(frozen=True, slots=True)
class Burst:
    """A term or phrase whose share of offence texts bursts (list b): Dunning's G2."""

    term: str
    counts: Tested
    g2: float
    ratio: float
    same_texts: tuple[str, ...] = ()

    def sentence(self) -> str:
        also = f" (with {', '.join(repr(t) for t in self.same_texts)})" if self.same_texts else ""
        return (
            f"term {self.term!r}{also} bursts: in {self.counts.current_share:.1%} of offence texts "
            f"now ({self.counts.current} records) against {self.counts.history_share:.2%} "
            f"before ({self.counts.history}), {self.ratio:.1f} times as common "
            f"(G2 = {self.g2:.1f}, q = {self.counts.q_value:.2g})."
        )


@dataclass(frozen=True, slots=True)
class UnfamiliarCluster:
    """Texts the autocoder finds unfamiliar, grouped, new in the current period (list c).

    ``examples`` are scrubbed texts, empty when the cluster has fewer than
    :data:`EXAMPLE_FLOOR` current records (``examples_withheld`` then says so)."""

    terms: tuple[str, ...]
    counts: Tested
    distinct_texts: int
    familiarity: float
    similarity: float
    examples: tuple[str, ...]
    examples_withheld: bool
    iccs_codes: tuple[str, ...] = field(default=())

    def sentence(self) -> str:
        shown = (
            "examples withheld (fewer than the example floor of records)"
            if self.examples_withheld
            else "e.g. " + "; ".join(repr(t) for t in self.examples)
        )
        codes = f", coded {', '.join(self.iccs_codes)}" if self.iccs_codes else ""
        return (
            f"new unfamiliar texts about {', '.join(self.terms)}: {self.counts.current} "
            f"records in {self.distinct_texts} distinct texts, {self.counts.history} before "
            f"(words known to the autocoder {self.familiarity:.0%}, nearest training text "
            f"similarity {self.similarity:.2f}{codes}); {shown}."
        )


@dataclass(frozen=True, slots=True)
class ShareChange:
    """The share of records with a value of a field (cyber-related, a motive), then and now.

    Shares are among records where the field is known; the test is the two-proportion
    z-test, one-sided (rising)."""

    measure: str
    value: str
    counts: Tested
    z: float
    rising: bool

    def sentence(self) -> str:
        what = f"{self.measure} = {self.value}"
        verb = "rises" if self.rising else "does not rise significantly"
        return (
            f"share of {what} {verb}: {self.counts.current_share:.1%} of records where it "
            f"is known now ({self.counts.current} of {self.counts.current_total}) against "
            f"{self.counts.history_share:.1%} before ({self.counts.history} of "
            f"{self.counts.history_total}; z = {self.z:.2f}, q = {self.counts.q_value:.2g})."
        )


@dataclass(frozen=True, slots=True)
class EmergingReport:
    """Everything ``emerging`` found in one window; aggregate, scrubbed, no person."""

    window: Window
    settings: Settings
    sources: tuple[str, ...]
    new_codes: tuple[NewCode, ...]
    bursts: tuple[Burst, ...]
    clusters: tuple[UnfamiliarCluster, ...]
    shares: tuple[ShareChange, ...]
    notes: tuple[str, ...]

    def sentences(self) -> list[str]:
        """One sentence per finding, lists in order (a), (b), (c), shares, then notes."""
        out = [f.sentence() for f in self.new_codes]
        out += [f.sentence() for f in self.bursts]
        out += [f.sentence() for f in self.clusters]
        out += [f.sentence() for f in self.shares if f.rising]
        return out

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings) with each finding's sentence."""
        data: dict[str, Any] = _plain(asdict(self))
        data["window"]["current_days"] = self.window.current_days
        data["window"]["history_days"] = self.window.history_days
        for name in ("new_codes", "bursts", "clusters", "shares"):
            for item, finding in zip(data[name], getattr(self, name), strict=True):
                item["sentence"] = finding.sentence()
                counts = item["counts"]
                counts["current_share"] = finding.counts.current_share
                counts["history_share"] = finding.counts.history_share
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value
