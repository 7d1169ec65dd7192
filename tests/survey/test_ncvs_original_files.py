"""The published figures from the original shared files too (where CI has them).

The copies in tests/data are cut (columns, non-interview households, ids renumbered); this
reads the files as distributed -- 25-digit text ids, every household -- to show the cut
hides nothing. Skipped where ``/work/shared`` is absent (a user's checkout).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crimestats.survey.design import BUNDLED, load_design
from crimestats.survey.estimate import Measure, Request, estimate
from crimestats.survey.microdata import read_survey

SHARED = Path("/work/shared/data/ncvs_2021_srvyrexploR")
FILES = [SHARED / "ncvs_2021_household.csv", SHARED / "ncvs_2021_incident.csv"]


@pytest.mark.skipif(not all(f.is_file() for f in FILES), reason="shared NCVS files absent")
def test_published_figures_from_the_distributed_files() -> None:
    survey = read_survey(load_design(BUNDLED / "ncvs_2021.yaml"), FILES)
    assert len(survey.frames["households"]) == 256_460
    [prop] = estimate(survey, Request(Measure.TOTAL, "property"))
    [viol] = estimate(survey, Request(Measure.TOTAL, "violent"))
    [share] = estimate(survey, Request(Measure.SHARE, "property", of="reported"))
    assert (round(prop.estimate), round(prop.se)) == (11_682_056, 263_844)
    assert (round(viol.estimate), round(viol.se)) == (4_598_306, 198_115)
    assert (round(share.estimate, 1), round(share.se, 3)) == (30.8, 0.798)
