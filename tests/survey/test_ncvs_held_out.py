"""Held-out BJS figures for 2021, not in the repository's data, to their printed precision.

* "About 46% of violent victimizations were reported to police in 2021" -- BJS, Criminal
  Victimization, 2021 (NCJ 305101), highlights
  (https://ojp.gov/library/publications/criminal-victimization-2021).
* "Motor vehicle theft victimization increased from a rate of 4.3 victimizations per 1,000
  households in 2021 ..." -- BJS, Criminal Victimization, 2022, highlights
  (https://ojp.gov/library/publications/criminal-victimization-2022).
"""

from __future__ import annotations

from crimestats.survey.estimate import Measure, Request, estimate
from crimestats.survey.microdata import Survey


def test_share_of_violent_victimisations_reported(ncvs: Survey) -> None:
    [cell] = estimate(ncvs, Request(Measure.SHARE, "violent", of="reported"))
    assert round(cell.estimate) == 46


def test_motor_vehicle_theft_rate_per_1000_households(ncvs: Survey) -> None:
    [cell] = estimate(ncvs, Request(Measure.RATE, "motor-vehicle-theft"))
    assert cell.unit == "households"
    assert round(cell.estimate, 1) == 4.3
