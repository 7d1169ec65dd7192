"""What each indicator is: definition, numerator, denominator, ICCS codes, reference.

These texts travel in the metadata of every indicator table, so a reader never has to
guess what a number means. The SDG definitions follow the UN SDG metadata repository
(https://unstats.un.org/sdgs/metadata/, indicators 16.1.1, 16.2.2 and 16.3.2, custodian
UNODC). ICCS v1.0 (UNODC 2015) codes trafficking in persons as 0204 (0203 is "slavery
and exploitation"), so 16.2.2 counts victims of offences coded 0204.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final, TypedDict


class IndicatorRow(TypedDict):
    """One row of an indicator table: its columns, in order (the table's schema).

    Why one class: the columns, their order (:data:`COLUMNS`) and what each holds are
    declared here once; :func:`crimestats.indicators.sdg.row` builds every row of it. A
    value the data cannot support is ``None`` with ``not_computable_reason``, never 0.
    """

    indicator: str
    source: str | None
    year: int | None
    disaggregation: str | None
    category: str | None
    numerator: float | None
    denominator: float | None
    value: float | None
    value_low: float | None
    value_high: float | None
    unit: str | None
    unknown: int | None
    unknown_share: float | None
    not_computable_reason: str | None


COLUMNS: Final[tuple[str, ...]] = tuple(IndicatorRow.__annotations__)
"""The columns of an indicator table, in order (the keys of :class:`IndicatorRow`)."""

HOMICIDE_CODE: Final[str] = "0101"
TRAFFICKING_CODE: Final[str] = "0204"
RATE_UNIT: Final[str] = "per 100,000 population"
SHARE_UNIT: Final[str] = "percent"


@dataclass(frozen=True, slots=True)
class Indicator:
    """The published description of one indicator."""

    code: str
    name: str
    definition: str
    numerator: str
    denominator: str
    iccs_codes: tuple[str, ...]
    unit: str
    reference: str
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values: the fields (a list for the codes), in the class's order.

        An open ``dict`` on purpose: ``asdict`` follows the fields declared above, so a
        new field reaches the metadata without a second list of names to keep in step.
        """
        out = asdict(self)
        out["iccs_codes"] = list(self.iccs_codes)
        return out


_SDG = "UN SDG metadata repository, https://unstats.un.org/sdgs/metadata/files/Metadata-"

INDICATORS: Final[dict[str, Indicator]] = {
    i.code: i
    for i in (
        Indicator(
            "16.1.1",
            "Victims of intentional homicide per 100,000 population, by sex and age",
            "number of victims of intentional homicide (ICCS 0101) divided by the "
            "population, times 100,000",
            "person victims of incidents with an offence coded ICCS 0101 (or deeper), "
            "counted once per victim, in the year the incident was reported",
            "population of the area given with --area in that year (of the victim's sex "
            "and age group for those rows; table populations)",
            (HOMICIDE_CODE,),
            RATE_UNIT,
            _SDG + "16-01-01.pdf (UNODC)",
            "age groups are the UNODC groups 0-14, 15-29, 30-44, 45-59, 60+; victims of "
            "unknown sex or age have a count but no rate (there is no such population)",
        ),
        Indicator(
            "16.2.2",
            "Detected victims of trafficking in persons per 100,000 population, by sex, "
            "age and form of exploitation",
            "number of detected victims of trafficking in persons (ICCS 0204) divided by "
            "the population, times 100,000; where an MSE estimate is registered, also the "
            "estimated total number of victims (detected and undetected) per 100,000",
            "person victims of incidents with an offence coded ICCS 0204 (or deeper); "
            "for the estimate, the total of a registered multiple systems estimate",
            "population of the area (--area for detected victims, the estimate's own area "
            "for MSE rows) in that year",
            (TRAFFICKING_CODE,),
            RATE_UNIT,
            _SDG + "16-02-02.pdf (UNODC); MSE: UNODC/Walk Free, Monitoring target 16.2",
            "form of exploitation is the ICCS level-3 code under 0204 (02041 sexual "
            "exploitation, 02042 forced labour or services, 02043 organ removal, 02044 "
            "other purposes); a victim counts once per distinct form of its incident; "
            "offences coded only 0204 have the form 'not coded deeper'. ICCS v1.0 codes "
            "trafficking as 0204 (0203 is slavery and exploitation, not counted here)",
        ),
        Indicator(
            "16.3.2",
            "Unsentenced detainees as a proportion of the prison population",
            "admissions to prison of persons not (yet) sentenced, as a share of admissions "
            "whose sentencing status is known",
            "justice events at stage admitted_to_prison with unsentenced = true",
            "justice events at stage admitted_to_prison with unsentenced true or false "
            "(blank status excluded and reported as unknown)",
            (),
            SHARE_UNIT,
            _SDG + "16-03-02.pdf (UNODC)",
            "SDG 16.3.2 is a stock (detainees on a given day); the store holds admission "
            "events (a flow), so this is the unsentenced share of admissions in the year of "
            "the event. Not computable where the events do not record the status",
        ),
        Indicator(
            "ipv_family_share",
            "Share of victims whose offender is an intimate partner or family member",
            "person victims whose relationship to the suspect is intimate_partner or family, "
            "as a share of person victims with a known relationship",
            "person victims with relationship intimate_partner, family, or either",
            "person victims with a known relationship (unknown excluded; its share given)",
            (),
            SHARE_UNIT,
            "UN-CTS; UNODC Global Study on Homicide (gender-related killings); ICCS "
            "victim-perpetrator relationship disaggregation",
        ),
        Indicator(
            "cyber_share",
            "Share of offences that are cyber-related",
            "offences of cyber-related incidents as a share of offences whose incident's "
            "cyber-relatedness is known",
            "offences of incidents with cyber_related = true",
            "offences of incidents with cyber_related true or false (unknown excluded; its "
            "share given)",
            (),
            SHARE_UNIT,
            "ICCS v1.0 event disaggregation 'cyber-crime related' (Cy)",
        ),
        Indicator(
            "firearm_share",
            "Share of incidents involving a firearm",
            "incidents with weapon = firearm as a share of incidents whose weapon is known",
            "incidents with weapon = firearm",
            "incidents with weapon firearm, knife, other or none (unknown excluded; its "
            "share given)",
            (),
            SHARE_UNIT,
            "ICCS v1.0 event disaggregation 'weapon' (We); UNODC Global Study on Firearms",
        ),
    )
}
"""Every indicator, by code (the ``indicator`` column)."""
