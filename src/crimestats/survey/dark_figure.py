"""The dark figure: a survey's victimisations beside the crime the police recorded.

Why per ICCS category: the survey's crime types and the store's offences meet only through
ICCS (the design maps survey codes to ICCS; the store codes each offence), so the dark
figure is set out for each ICCS category both sides have. Per category: the survey's
estimated victimisations, the share reported to the police and the victimisations not
reported (each with its 95% interval), the store's recorded count (distinct incidents with
an offence coded in the category), and the implied hidden number -- the survey estimate
minus the recorded count, whose interval is the survey's shifted by the (exact) count.

The two counts are not measured alike (:data:`CAVEATS`); the table says so every time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final

from crimestats.errors import UsageError
from crimestats.stats.counted_codes import pending_sql
from crimestats.storage.store import open_store
from crimestats.survey.estimate import Estimate, Measure, Request, estimate
from crimestats.survey.microdata import Survey

CAVEATS: Final = (
    "the survey counts victimisations of its population only (NCVS: persons 12+ and "
    "households); police records also count crimes against businesses, institutions, "
    "children under 12 and visitors",
    "the survey cannot count homicide or victimless crime (drugs, weapons, public order)",
    "a series victimisation counts up to the design's cap (NCVS: 10), not every incident",
    "the survey covers its territory (NCVS: the United States); a store's source may cover "
    "one city or force, so its count is a part of the survey's population, not the same one",
    "the survey's reference period is the months before each interview; the store counts "
    "by report date",
    "ICCS categories are mapped from survey crime types; a recorded offence may be coded "
    "more or less precisely",
)


@dataclass(frozen=True, slots=True)
class DarkFigureRow:
    """One ICCS category: survey and recorded counts side by side."""

    iccs_code: str
    victimisations: float
    victimisations_low: float
    victimisations_high: float
    reported_pct: float | None
    reported_pct_low: float | None
    reported_pct_high: float | None
    not_reported: float | None
    recorded: int
    hidden: float
    hidden_low: float
    hidden_high: float
    n_unweighted: int
    unreliable: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def recorded_counts(
    db: Any, codes: list[str], source: str | None, year: int | None
) -> dict[str, int]:
    """Distinct recorded incidents with an offence coded in each ICCS category (an
    offence pending review counts under no code, as in every count of the store)."""
    out: dict[str, int] = {}
    with open_store(db, read_only=True) as con:
        for code in codes:
            sql = (
                "SELECT count(DISTINCT (o.source, o.incident_id)) FROM offences o "
                "JOIN incidents i USING (source, incident_id) WHERE o.iccs_code LIKE ? "
                f"AND NOT {pending_sql('o')} "  # pending review counts under no code
            )
            params: list[Any] = [f"{code}%"]
            if source is not None:
                sql += "AND o.source = ? "
                params.append(source)
            if year is not None:
                sql += "AND year(i.reported_date) = ? "
                params.append(year)
            row = con.execute(sql, params).fetchone()
            out[code] = int(row[0]) if row else 0
    return out


def _one(survey: Survey, request: Request) -> Estimate:
    [cell] = estimate(survey, request)
    return cell


def dark_figure(survey: Survey, recorded: dict[str, int]) -> list[DarkFigureRow]:
    """The table, one row per ICCS category the survey maps and the store records."""
    if survey.design.crime_types is None or not survey.design.crime_types.iccs:
        raise UsageError(
            f"survey {survey.design.name} maps no crime type to ICCS",
            hint="add crime_types.iccs to its design file (see docs/surveys.md)",
        )
    has_flag = survey.design.flag("reported") is not None
    rows = []
    for group in survey.design.crime_types.iccs:
        count = recorded.get(group.name, 0)
        if count == 0:
            continue
        total = _one(survey, Request(Measure.TOTAL, group.name))
        share = (
            _one(survey, Request(Measure.SHARE, group.name, of="reported")) if has_flag else None
        )
        hidden = total.estimate - count
        rows.append(
            DarkFigureRow(
                iccs_code=group.name,
                victimisations=total.estimate,
                victimisations_low=total.ci_low,
                victimisations_high=total.ci_high,
                reported_pct=share.estimate if share else None,
                reported_pct_low=share.ci_low if share else None,
                reported_pct_high=share.ci_high if share else None,
                not_reported=total.estimate * (1 - share.estimate / 100) if share else None,
                recorded=count,
                hidden=hidden,
                hidden_low=total.ci_low - count,
                hidden_high=total.ci_high - count,
                n_unweighted=total.n_unweighted,
                unreliable=total.unreliable or bool(share and share.unreliable),
            )
        )
    return rows
