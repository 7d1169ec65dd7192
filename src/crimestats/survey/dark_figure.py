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

from collections.abc import Sequence
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
    mse_estimate: float | None = None
    """A multiple systems estimate of the same category and year, where one is
    registered (``crimestats mse --register``): the third view of the hidden number."""
    mse_ci_low: float | None = None
    mse_ci_high: float | None = None
    mse_scope: str | None = None
    """Its area, year and method, in words."""

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


@dataclass(frozen=True, slots=True)
class MseBeside:
    """A registered multiple systems estimate, as the dark figure sets it beside a row."""

    iccs_code: str
    year: int
    total: float | None
    ci_low: float | None
    ci_high: float | None
    scope: str


def registered_mse(db: Any, year: int) -> list[MseBeside]:
    """The multiple systems estimates registered for ``year`` (issue 6): victims of
    trafficking in persons (ICCS 0204, SDG 16.2.2), the only category MSE is registered
    for; their area and method named in ``scope``."""
    from crimestats.indicators.definitions import TRAFFICKING_CODE

    with open_store(db, read_only=True) as con:
        rows = con.execute(
            "SELECT area_code, method, total, ci_low, ci_high FROM mse_estimates "
            "WHERE year = ? ORDER BY area_code, method",
            [year],
        ).fetchall()
    return [
        MseBeside(TRAFFICKING_CODE, year, total, low, high, f"area {area}, {year}, MSE {method}")
        for area, method, total, low, high in rows
    ]


def _same_category(a: str, b: str) -> bool:
    """Two ICCS codes name the same category when one is the other's prefix at the
    shallower level (0204 and 02041 count the same victims at level 2)."""
    return a.startswith(b) or b.startswith(a)


def _one(survey: Survey, request: Request) -> Estimate:
    [cell] = estimate(survey, request)
    return cell


def dark_figure(
    survey: Survey, recorded: dict[str, int], mse: Sequence[MseBeside] = ()
) -> list[DarkFigureRow]:
    """The table, one row per ICCS category the survey maps and the store records; a
    registered MSE estimate of the same category and the survey's year is set beside it."""
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
        beside = next(
            (
                m
                for m in mse
                if m.year == survey.design.year and _same_category(m.iccs_code, group.name)
            ),
            None,
        )
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
                mse_estimate=beside.total if beside else None,
                mse_ci_low=beside.ci_low if beside else None,
                mse_ci_high=beside.ci_high if beside else None,
                mse_scope=beside.scope if beside else None,
            )
        )
    return rows
