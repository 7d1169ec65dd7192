"""Victimisation surveys: design files, survey microdata, and design-based estimates.

Why a package of its own: a survey counts crime the police never hear of (the "dark
figure"), but its numbers are estimates from a sample, so each needs a standard error
computed from the sample design (strata and PSUs, or replicate weights), not a count.

* :mod:`~crimestats.survey.design` -- the typed design file (``--design DESIGN.yaml``);
* :mod:`~crimestats.survey.microdata` -- reading and joining the files, series weights;
* :mod:`~crimestats.survey.taylor` and :mod:`~crimestats.survey.replicate` -- variances;
* :mod:`~crimestats.survey.estimate` -- totals, rates, prevalence, shares and means by domain;
* :mod:`~crimestats.survey.catalog` -- surveys loaded beside a store;
* :mod:`~crimestats.survey.dark_figure` and :mod:`~crimestats.survey.indicators` -- the
  survey beside recorded crime, and the survey-based SDG 16 indicators.

See ``docs/surveys.md``.
"""
