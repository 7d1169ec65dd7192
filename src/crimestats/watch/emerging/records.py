"""What ``emerging`` reads from the store: offence texts and codes counted per period.

Why aggregated at once: every list of ``emerging`` compares counts in the current period
with counts in the history window, so the store is read as one grouped count per
(source, national code, label, text, ICCS code, coding method, motive, period) and
cyber-related values per (source, value, period). Nothing finer (no incident id, no
date) leaves this module.

The window is chosen here. Only sources with records in both periods are compared: a
source with no history would make every code of it "new" (it started being loaded, not
a new crime); each source left out is named in a note.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from crimestats.errors import NotFoundError, UsageError
from crimestats.storage.coding import TEXT
from crimestats.watch.emerging.report import Window

DEFAULT_CURRENT_DAYS = 28
"""Length of the current period when ``since`` is not given: four weeks to ``until``."""

DEFAULT_HISTORY_DAYS = 365
"""Length of the history window before ``since``."""

MAX_HISTORY_DAYS = 36_525
"""The longest history window accepted: a hundred years."""

MOTIVE_COLUMNS = ("motive", "motive_detail")
"""Offence columns read when the store has them (added by the motive migration)."""

UNKNOWN_MOTIVES = frozenset({"unknown"})
"""Motive values that say nothing: left out of the motive shares' denominators."""


@dataclass(frozen=True, slots=True)
class OffenceCount:
    """Offences of one source sharing codes, text and motive, in one period."""

    source: str
    national_code: str | None
    national_label: str | None
    text: str | None
    iccs_code: str | None
    iccs_method: str | None
    motive: str | None
    motive_detail: str | None
    current: bool
    records: int


@dataclass(frozen=True, slots=True)
class IncidentCount:
    """Incidents of one source with one ``cyber_related`` value, in one period."""

    source: str
    cyber_related: str
    current: bool
    records: int


@dataclass(frozen=True, slots=True)
class Extract:
    """The counts of the compared sources in a window, and what was left out and why."""

    window: Window
    sources: tuple[str, ...]
    offences: tuple[OffenceCount, ...]
    incidents: tuple[IncidentCount, ...]
    has_motive: bool
    notes: tuple[str, ...]


def choose_window(
    latest: date, since: date | None, until: date | None, history_days: int
) -> Window:
    """The window from the options: ``until`` defaults to the latest reported date,
    ``since`` to four weeks before ``until``; the history is ``history_days`` before it."""
    if not 1 <= history_days <= MAX_HISTORY_DAYS:
        raise UsageError(
            f"the history window must be 1 to {MAX_HISTORY_DAYS} days, got {history_days}",
            hint=f"e.g. --history {DEFAULT_HISTORY_DAYS}",
        )
    end = until or latest
    try:
        start = since or end - timedelta(days=DEFAULT_CURRENT_DAYS - 1)
        history_start = start - timedelta(days=history_days)
    except OverflowError:
        raise UsageError(
            f"the history window before {since or end} reaches before the year 1",
            hint="give a later --since or a shorter --history",
        ) from None
    if start > end:
        raise UsageError(
            f"--since {start} is after --until {end}",
            hint="give a --since on or before --until (or the store's latest date)",
        )
    return Window(since=start, until=end, history_start=history_start)


def read_extract(
    db: str | os.PathLike[str] | None,
    *,
    since: date | None = None,
    until: date | None = None,
    history_days: int = DEFAULT_HISTORY_DAYS,
    source: str | None = None,
) -> Extract:
    """Counts of offences and incidents of the window, for sources present in both periods."""
    from crimestats.storage.reads import ibis_store

    with ibis_store(db) as con:
        incidents = con.table("incidents")
        if source is not None:
            incidents = incidents.filter(incidents.source == source)
        latest = incidents.reported_date.max().to_pyarrow().as_py()
        if latest is None:
            where = f" of source {source!r}" if source else ""
            raise NotFoundError(
                f"the store holds no incidents{where}",
                hint="load some with crimestats ingest (or check --source with crimestats sources)",
            )
        window = choose_window(_as_date(latest), since, until, history_days)
        in_window = incidents.filter(
            (incidents.reported_date >= window.history_start)
            & (incidents.reported_date <= window.until)
        ).mutate(current=incidents.reported_date >= window.since)
        incident_rows = _rows(
            in_window.group_by(["source", "cyber_related", "current"]).aggregate(
                records=in_window.count()
            )
        )
        sources, notes = _compared(incident_rows, window)
        everyone = incidents.select("source").distinct().to_pyarrow().column(0).to_pylist()
        seen = {r["source"] for r in incident_rows}
        notes[:0] = [
            f"source {name!r} has no records in this window: not compared"
            for name in sorted(set(everyone) - seen)
        ]
        notes.extend(_partial_notes(con, window, sources))
        offences = con.table("offences")
        has_motive = all(c in offences.columns for c in MOTIVE_COLUMNS)
        joined = offences.join(
            in_window.select("source", "incident_id", "current"), ["source", "incident_id"]
        )
        joined = joined.filter(joined.source.isin(list(sources) or [""]))
        keys = {
            "source": joined.source,
            "national_code": joined.national_code,
            "national_label": joined.national_label,
            "text": _text(joined),
            "iccs_code": joined.iccs_code,
            "iccs_method": joined.iccs_method,
            "current": joined.current,
        }
        if has_motive:
            keys["motive"] = joined.motive
            keys["motive_detail"] = joined.motive_detail
        offence_rows = _rows(joined.group_by(**keys).aggregate(records=joined.count()))
    if not has_motive:
        notes.append(
            "motive shares are not reported: this store has no motive column "
            "(the motive migration is not applied)"
        )
    return Extract(
        window=window,
        sources=sources,
        offences=tuple(
            OffenceCount(
                source=r["source"],
                national_code=r["national_code"],
                national_label=r["national_label"],
                text=r["text"],
                iccs_code=r["iccs_code"],
                iccs_method=r["iccs_method"],
                motive=r.get("motive"),
                motive_detail=r.get("motive_detail"),
                current=bool(r["current"]),
                records=int(r["records"]),
            )
            for r in offence_rows
        ),
        incidents=tuple(
            IncidentCount(r["source"], r["cyber_related"], bool(r["current"]), int(r["records"]))
            for r in incident_rows
            if r["source"] in sources
        ),
        has_motive=has_motive,
        notes=tuple(notes),
    )


def _text(table: Any) -> Any:
    """The text the autocoder reads (:data:`crimestats.storage.coding.TEXT`), as Ibis."""
    assert TEXT == "coalesce(description, national_label, national_code)"
    return table.description.coalesce(table.national_label, table.national_code)


def _compared(rows: list[dict[str, Any]], window: Window) -> tuple[tuple[str, ...], list[str]]:
    """Sources with records in both periods, and a note for each one left out."""
    periods: dict[str, set[bool]] = {}
    for r in rows:
        periods.setdefault(r["source"], set()).add(bool(r["current"]))
    notes: list[str] = []
    for name, seen in sorted(periods.items()):
        if seen == {True}:
            notes.append(
                f"source {name!r} has no records in the history window "
                f"({window.history_start} to {window.since - timedelta(days=1)}): not compared "
                "(every code of it would look new)"
            )
        elif seen == {False}:
            notes.append(
                f"source {name!r} has no records in the current period "
                f"({window.since} to {window.until}): not compared"
            )
    sources = tuple(sorted(s for s, seen in periods.items() if seen == {True, False}))
    if not sources:
        notes.append(
            "no source has records in both the current period and the history window: "
            "nothing to compare (choose --since/--history so that both hold records)"
        )
    return sources, notes


def _rows(expr: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = expr.to_pyarrow().to_pylist()
    return rows


def _as_date(value: Any) -> date:
    if hasattr(value, "date") and callable(value.date):
        result: date = value.date()
        return result
    return date.fromisoformat(str(value)[:10])


def _partial_notes(con: Any, window: Any, sources: tuple[str, ...]) -> list[str]:
    """A note for each window the store's coverage shows as partial (a finding there may
    reflect missing data, not a change in crime): see :mod:`crimestats.stats.coverage`."""
    from crimestats.stats.coverage import partial_reason, source_coverage

    coverage = [c for c in source_coverage(con, "reported") if c.source in sources]
    spans = (
        ("current period", window.since, window.until),
        ("history window", window.history_start, window.since - timedelta(days=1)),
    )
    notes = []
    for name, start, end in spans:
        reason = partial_reason(start, end, coverage)
        if reason:
            notes.append(f"the {name} is partial ({reason}): a finding may reflect missing data")
    return notes
