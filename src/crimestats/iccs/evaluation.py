"""How good is the autocoder? Accuracy by level, coverage and precision, confusions.

Every figure here is computed on texts the model did not learn from (DESIGN.md
section 4: never on training data). :func:`leave_one_source_out` is the honest test for
a new police force: for each held-out source (every bundled correspondence table and any
other national vocabulary in the training data, :mod:`crimestats.iccs.heldout_sources`),
fit on everything else and code that source's labels, weighting each label by the
records it stands for in the bundled incident samples (``record_counts.csv``; weight 1
where there are none). Per-source figures with intervals:
:mod:`crimestats.iccs.source_figures`.

Definitions (for a record with true code ``t`` and predicted code ``p``):

- right at level ``L``: ``t`` has a level-``L`` ancestor and ``p`` has the same one
  (a prediction that backed off above level ``L`` is wrong at ``L``);
- auto-coded: the coding does not need review;
- coverage: the weighted share of records auto-coded; precision at level 2: the
  weighted share of auto-coded records right at level 2.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from crimestats.iccs.autocoder import Autocoder
from crimestats.iccs.classification import code_level, truncate
from crimestats.iccs.correspondence import CorrespondenceTable, load_bundled
from crimestats.iccs.heldout_sources import held_out_sources, record_weights
from crimestats.iccs.training import DEFAULT_INCLUDE, default_examples


@dataclass(frozen=True, slots=True)
class Scored:
    """One evaluated text: truth, prediction, confidence, review flag and weight."""

    text: str
    truth: str
    predicted: str | None
    confidence: float
    needs_review: bool
    weight: float = 1.0
    group: str = ""
    level2_confidence: float = 0.0


def right_at(truth: str, predicted: str | None, level: int) -> bool | None:
    """Whether ``predicted`` matches ``truth`` at ``level`` (None if truth is shallower)."""
    if code_level(truth) < level:
        return None
    if predicted is None or code_level(predicted) < level:
        return False
    return truncate(truth, level) == truncate(predicted, level)


@dataclass
class Report:
    """Figures over a set of scored texts, all weighted by records."""

    n_texts: int
    records: float
    accuracy: dict[int, float | None]
    coverage: float
    precision_l2: float | None
    confusions: list[dict[str, Any]] = field(default_factory=list)
    by_section: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "texts": self.n_texts,
            "records": self.records,
            "accuracy_by_level": {str(k): v for k, v in self.accuracy.items()},
            "auto_coded_share": self.coverage,
            "auto_coded_precision_level2": self.precision_l2,
            "confusions": self.confusions,
            "by_section": self.by_section,
        }


def _share(pairs: Iterable[tuple[bool, float]]) -> float | None:
    right = total = 0.0
    for ok, w in pairs:
        total += w
        right += w if ok else 0.0
    return right / total if total else None


def summarise(scored: Sequence[Scored], *, top_confusions: int = 10) -> Report:
    """Accuracy at levels 1-4, coverage, level-2 precision, confusions, section errors."""
    accuracy: dict[int, float | None] = {}
    for level in (1, 2, 3, 4):
        pairs = [(right_at(s.truth, s.predicted, level), s.weight) for s in scored]
        accuracy[level] = _share((ok, w) for ok, w in pairs if ok is not None)
    total = sum(s.weight for s in scored)
    auto = [s for s in scored if not s.needs_review]
    coverage = sum(s.weight for s in auto) / total if total else 0.0
    l2 = [(right_at(s.truth, s.predicted, 2), s.weight) for s in auto]
    precision = _share((ok, w) for ok, w in l2 if ok is not None)
    confusions: Counter[tuple[str, str]] = Counter()
    for s in scored:
        truth2 = truncate(s.truth, 2)
        pred2 = truncate(s.predicted, 2) if s.predicted else "none"
        if truth2 != pred2:
            confusions[(truth2, pred2)] += round(s.weight)
    sections: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        sections[s.truth[:2]].append(s)
    by_section = {
        sec: {
            "records": sum(s.weight for s in items),
            "error_rate_level1": 1.0
            - (_share((bool(right_at(s.truth, s.predicted, 1)), s.weight) for s in items) or 0.0),
        }
        for sec, items in sorted(sections.items())
    }
    return Report(
        n_texts=len(scored),
        records=total,
        accuracy=accuracy,
        coverage=coverage,
        precision_l2=precision,
        confusions=[
            {"true": t, "predicted": p, "records": n}
            for (t, p), n in confusions.most_common(top_confusions)
        ],
        by_section=by_section,
    )


def score_texts(
    model: Autocoder,
    texts: Sequence[str],
    truths: Sequence[str],
    weights: Sequence[float] | None = None,
    group: str = "",
    contexts: Sequence[str | None] | None = None,
) -> list[Scored]:
    """Code ``texts`` with ``model`` (each in its context, if ``contexts``: see
    :mod:`crimestats.iccs.context`) and pair each coding with its true code."""
    codings = model.code_texts(texts, contexts)
    weights = weights if weights is not None else [1.0] * len(texts)
    return [
        Scored(t, truth, c.code, c.confidence, c.needs_review, w, group, c.level2_confidence)
        for t, truth, c, w in zip(texts, truths, codings, weights, strict=True)
    ]


def coverage_curve(
    scored: Sequence[Scored], thresholds: Sequence[float]
) -> list[dict[str, float | None]]:
    """Coverage and level-2 precision if records were auto-coded at each threshold.

    Uses each record's reported confidence in its level-2 code, so it answers: "had the
    review threshold been T, how many records would be auto-coded, and how many right?"
    """
    total = sum(s.weight for s in scored)
    out: list[dict[str, float | None]] = []
    for threshold in thresholds:
        auto = [
            s
            for s in scored
            if s.predicted and code_level(s.predicted) >= 2 and s.level2_confidence >= threshold
        ]
        pairs = [(right_at(s.truth, s.predicted, 2), s.weight) for s in auto]
        out.append(
            {
                "threshold": threshold,
                "coverage": sum(s.weight for s in auto) / total if total else 0.0,
                "precision_level2": _share((ok, w) for ok, w in pairs if ok is not None),
            }
        )
    return out


def leave_one_source_out(
    table: CorrespondenceTable | None = None,
    *,
    sources: Sequence[str] | None = None,
    include: Sequence[str] = DEFAULT_INCLUDE,
    calibrate: bool = True,
    autocoder: dict[str, Any] | None = None,
) -> list[Scored]:
    """Code each source's labels with a model fitted without that source (its own
    calibration folds are then the other sources, so the figures are nested: no
    threshold or conformal quantile saw the source it is scored on). ``sources``
    defaults to every held-out source of the data."""
    table = table if table is not None else load_bundled()
    examples = default_examples(table, include=include)
    out: list[Scored] = []
    for held in held_out_sources(table, examples):
        if sources is not None and held.name not in sources:
            continue
        model = Autocoder(**(autocoder or {})).fit(
            [e for e in examples if e.source != held.name],
            calibrate=calibrate,
            records=record_weights(table.without(held.name)),
        )
        out.extend(score_texts(model, held.texts, held.codes, held.records, group=held.name))
    return out
