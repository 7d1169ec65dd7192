"""Charts of a ``forecast-audit`` run: concentration and error across rounds, and groups.

Why: the audit's point is a drift (a forecast that feeds on its own record flags the
same cells, concentrates the record there and strays from the truth), and a drift is
read at a glance on a line over rounds where a table of rounds hides it. Three kinds of
chart, drawn and written like the ``forecast-evaluate`` charts
(:mod:`crimestats.spatial.forecast_charts`: inline SVG, no script, no link):

* concentration: per round, the shares in the flagged cells of the round's recorded
  and true incidents, of the whole recorded history (what the next forecast trains
  on) and of the true intensity, the Gini of the round's record, and the share of the
  area flagged (what those shares would be if patrols changed nothing and crime were
  spread evenly);
* error: the forecast's distance from the truth, and the overlap of its flagged cells
  with the truth's top cells (absent under a uniform truth, which has no top cells);
* group exposure, when the run had ``--groups``: for the first and last round, each
  group's share of the population, of the people living in flagged cells, and of
  victims where the layer has them.

Layers are named (``concentration_points`` ...); each point's ``aria-label`` carries its
values, labelled as in :data:`CONCENTRATION`, :data:`ERROR` and :data:`EXPOSURE`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from crimestats.spatial.feedback_loop import LoopResult
from crimestats.spatial.forecast_charts import HEIGHT, WIDTH, Figure, finite, inline
from crimestats.spatial.group_exposure import GroupExposure

CONCENTRATION: Final = {
    "recorded_share_flagged": "recorded, this round",
    "history_share_flagged": "recorded history (trains the next forecast)",
    "true_share_flagged": "true incidents, this round",
    "intensity_share_flagged": "true intensity",
    "recorded_gini": "Gini of the round's record",
    "area_flagged": "area flagged",
}
"""Per-round fields of the concentration chart (``RoundResult``) and their labels."""
ERROR: Final = {
    "forecast_error": "forecast error (total variation from the truth)",
    "true_top_overlap": "overlap with the truth's top cells",
}
"""Per-round fields of the error chart and their labels."""
EXPOSURE: Final = {
    "population_share": "share of the population",
    "share_of_flagged_population": "share of those living in flagged cells",
    "victim_share": "share of victims",
}
"""Fields of ``GroupExposure`` drawn, and their labels."""


def _rounds_figure(
    name: str, title: str, fields: dict[str, str], result: LoopResult, notes: tuple[str, ...]
) -> Figure:
    import altair as alt

    rows = [
        {"round": r.round, "measure": label, "value": value}
        for r in result.rounds
        for field, label in fields.items()
        if (value := finite(float(getattr(r, field)))) is not None
    ]
    x = alt.X("round:O", title="round", axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title="share", scale=alt.Scale(domain=[0, 1]))
    colour = alt.Color("measure:N", title=None, sort=list(fields.values()),
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=320))  # fmt: skip
    base = alt.Chart(inline(rows))
    spec = alt.layer(
        base.mark_line().encode(x=x, y=y, color=colour).properties(name=f"{name}_lines"),
        base.mark_point(filled=True, size=30)
        .encode(x=x, y=y, color=colour)
        .properties(name=f"{name}_points"),
    ).properties(title=title, width=WIDTH, height=HEIGHT)
    return Figure(title, spec.to_dict(), notes)


def _exposure_figure(number: int, groups: Sequence[GroupExposure]) -> Figure:
    import altair as alt

    rows = [
        {"group": g.group, "measure": label, "value": value}
        for g in groups
        for field, label in EXPOSURE.items()
        if (value := finite(float(getattr(g, field)))) is not None
    ]
    title = f"Group exposure, round {number}"
    spec = (
        alt.Chart(inline(rows))
        .mark_bar()
        .encode(
            x=alt.X("group:N", title="group", sort=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("measure:N", sort=list(EXPOSURE.values())),
            y=alt.Y("value:Q", title="share"),
            color=alt.Color(
                "measure:N",
                title=None,
                sort=list(EXPOSURE.values()),
                legend=alt.Legend(orient="bottom", labelLimit=320),
            ),
        )
        .properties(name="exposure_bars", title=title, width=WIDTH, height=HEIGHT)
    )
    notes = (
        "A group whose share of those living in flagged cells is above its share of the "
        "population carries more of the patrols than its size; compare with its share of "
        "victims where the layer has it. Places are counted, never persons.",
    )
    return Figure(title, spec.to_dict(), notes)


def audit_figures(
    result: LoopResult, exposure: Sequence[tuple[int, GroupExposure]] = ()
) -> list[Figure]:
    """Every chart of a ``forecast-audit`` page (module docstring)."""
    drift = result.drift()
    locked = (
        f"the flagged cells are unchanged from round {result.locked_from}"
        if result.locked_from
        else "the flagged cells still move in the last round"
    )
    figures = [
        _rounds_figure(
            "concentration", "Concentration in the flagged cells, by round", CONCENTRATION,
            result,
            (locked + ".", "Drift, last round minus first: recorded history share "
             f"{drift['history_share_flagged']:+.3f}, Gini {drift['recorded_gini']:+.3f}."),
        ),
        _rounds_figure(
            "error", "Error against the truth, by round", ERROR, result,
            (f"Drift of the error, last round minus first: {drift['forecast_error']:+.3f}.",
             *(() if math.isfinite(drift["true_top_overlap"]) else
               ("No overlap line: a uniform truth has no top cells.",))),
        ),
    ]  # fmt: skip
    rounds = dict.fromkeys(number for number, _ in exposure)
    for number in rounds:
        figures.append(_exposure_figure(number, [g for n, g in exposure if n == number]))
    return figures


__all__ = ["CONCENTRATION", "ERROR", "EXPOSURE", "audit_figures"]
