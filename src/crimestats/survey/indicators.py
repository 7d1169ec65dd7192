"""The survey-based SDG 16 indicators: 16.1.3, 16.1.4 and 16.3.1.

Why from surveys: these three count what police records cannot -- violence people suffered
(16.1.3), whether they feel safe (16.1.4), and whether victims went to the police (16.3.1).
Each is computed from a loaded survey with the items it needs, and is otherwise a row with
a blank value and ``not_computable_reason`` saying what is missing (never a zero). Rows have
the columns of :data:`crimestats.indicators.definitions.COLUMNS`, ``source`` being
``survey:NAME``, so ``crimestats indicators`` can set them beside the store's own.

Definitions (UN SDG metadata repository, custodian UNODC):

* 16.1.3 -- proportion of the population subjected to (a) physical, (b) psychological,
  (c) sexual violence in the previous 12 months: person prevalence of ICCS 02011
  (assault), 02012 (threat) and 0301 (sexual violence); needs a persons table.
* 16.1.4 -- proportion of the population that feel safe walking alone around the area they
  live after dark: needs a ``feels_safe`` flag on the persons table.
* 16.3.1 -- proportion of victims of violence in the previous 12 months who reported their
  victimisation to competent authorities: the share of violent victimisations with the
  ``reported`` flag. Computed per victimisation (as BJS publishes it); the SDG counts
  victims, which needs the persons table -- the row's category says which.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from crimestats.errors import CrimestatsError
from crimestats.indicators.definitions import Indicator
from crimestats.survey.catalog import list_surveys, open_survey
from crimestats.survey.estimate import Estimate, Measure, Request, estimate
from crimestats.survey.microdata import Survey

Row = dict[str, Any]
COLUMNS: Final = (
    "indicator", "source", "year", "disaggregation", "category", "numerator",
    "denominator", "value", "value_low", "value_high", "unit", "unknown", "unknown_share",
    "not_computable_reason",
)  # fmt: skip
"""The same columns as :data:`crimestats.indicators.definitions.COLUMNS` (kept equal by a test)."""

VIOLENCE: Final = (("a", "physical", "02011"), ("b", "psychological", "02012"),
                   ("c", "sexual", "0301"))  # fmt: skip


_SDG = "UN SDG metadata repository, https://unstats.un.org/sdgs/metadata/files/Metadata-"

SURVEY_INDICATORS: Final[dict[str, Indicator]] = {
    i.code: i
    for i in (
        Indicator(
            "16.1.3",
            "Proportion of population subjected to (a) physical violence, (b) psychological "
            "violence and (c) sexual violence in the previous 12 months",
            "persons victimised at least once in the reference period, by form of violence, "
            "divided by the population the survey represents, times 100",
            "persons with at least one victimisation of ICCS 02011 (a), 02012 (b), 0301 (c)",
            "persons the survey represents (its persons table, weighted)",
            ("02011", "02012", "0301"),
            "percent",
            f"{_SDG}16-01-03.pdf",
            "from a loaded victimisation survey with a persons table",
        ),
        Indicator(
            "16.1.4",
            "Proportion of population that feel safe walking alone around the area they live "
            "after dark",
            "persons answering that they feel safe, divided by all persons, times 100",
            "persons with the design's feels_safe flag",
            "persons the survey represents",
            (),
            "percent",
            f"{_SDG}16-01-04.pdf",
            "needs a feels_safe flag on the survey's persons table",
        ),
        Indicator(
            "16.3.1",
            "Proportion of victims of violence in the previous 12 months who reported their "
            "victimization to competent authorities",
            "violent victimisations (or victims, with a persons table) reported to the police, "
            "divided by all violent victimisations (victims), times 100",
            "weighted violent victimisations with the design's reported flag",
            "weighted violent victimisations",
            (),
            "percent",
            f"{_SDG}16-03-01.pdf",
            "per victimisation when the survey has no persons table (as BJS publishes it); the "
            "row's category says which",
        ),
    )
}
"""The published description of each survey indicator, for the indicator table's metadata."""


def _row(indicator: str, survey: Survey | None, **values: Any) -> Row:
    out: Row = dict.fromkeys(COLUMNS)
    name = survey.design.name if survey else None
    out.update(indicator=indicator, source=f"survey:{name}" if name else "survey",
               year=survey.design.year if survey else None, unit="percent", **values)  # fmt: skip
    return out


def _value(cell: Estimate) -> Row:
    return {"value": cell.estimate, "value_low": cell.ci_low, "value_high": cell.ci_high}


def _known(survey: Survey, group: str) -> bool:
    try:
        survey.design.group(group)
    except CrimestatsError:
        return False
    return True


def indicator_rows(survey: Survey) -> list[Row]:
    """16.1.3 (a-c), 16.1.4 and 16.3.1 from one survey, each computed or explained."""
    rows: list[Row] = []
    persons = "persons" in survey.frames
    tables = ", ".join(survey.frames)
    no_persons = f"needs the survey's persons table (loaded: {tables})"
    for part, kind, code in VIOLENCE:
        if not persons or not _known(survey, code):
            why = no_persons if not persons else f"the design maps no survey crime to ICCS {code}"
            rows.append(_row("16.1.3", survey, category=f"({part}) {kind} violence",
                             not_computable_reason=why))  # fmt: skip
            continue
        [cell] = estimate(survey, Request(Measure.PREVALENCE, code, unit="persons"))
        rows.append(_row("16.1.3", survey, category=f"({part}) {kind} violence", **_value(cell)))
    flag = survey.design.flag("feels_safe")
    if not persons or flag is None:
        why = no_persons if not persons else "the design declares no feels_safe flag"
        rows.append(_row("16.1.4", survey, not_computable_reason=why))
    else:
        [cell] = estimate(survey, Request(Measure.SHARE, of="feels_safe", unit="persons"))
        rows.append(_row("16.1.4", survey, **_value(cell)))
    rows.append(_reporting(survey))
    return rows


def _reporting(survey: Survey) -> Row:
    group = next((g for g in ("violent", "0201") if _known(survey, g)), None)
    if group is None or survey.design.flag("reported") is None:
        why = "needs violent crime types and a reported flag in the design"
        return _row("16.3.1", survey, not_computable_reason=why)
    [cell] = estimate(survey, Request(Measure.SHARE, group, of="reported"))
    basis = "victims" if "persons" in survey.frames else "victimisations (not victims)"
    return _row("16.3.1", survey, category=f"{group} {basis}", **_value(cell))


def indicator_rows_for_store(db: str | Path | None) -> list[Row]:
    """The survey indicators of every survey loaded beside the store (or why none)."""
    loaded = list_surveys(db)
    if not loaded:
        why = "no survey is loaded (crimestats survey load NAME FILE... --design DESIGN.yaml)"
        return [
            _row(code, None, not_computable_reason=why) for code in ("16.1.3", "16.1.4", "16.3.1")
        ]
    return [row for entry in loaded for row in indicator_rows(open_survey(db, entry.name))]
