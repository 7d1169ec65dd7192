"""Per-source evaluation figures, each with a 95% interval (issue 18, item 7).

For every held-out source: its texts and records, level-1 and level-2 accuracy, the
share of records auto-coded, and level-2 precision among the auto-coded records, all
weighted by records as in :mod:`crimestats.iccs.evaluation`.

The intervals are **Wilson score intervals** (Wilson 1927) on Kish's effective sample
size ``(sum w)^2 / sum w^2`` of the texts' record weights. Texts, not records, are the
independent units: every record of one label is coded the same way, so 6,936 Chicago
records are 198 chances to be wrong, not 6,936. With one record per text this is the
plain Wilson interval on the number of texts (computed by statsmodels). Wilson rather
than a bootstrap: a source whose every text is right (CODE's two labels) gets a wide
interval (34%-100% for 2 of 2), where a bootstrap by text would give a point; and it is
deterministic and instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crimestats.iccs.evaluation import Scored, right_at

CONFIDENCE = 0.95
"""Coverage of every interval."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """A weighted share with its interval; ``None`` throughout when nothing is counted."""

    value: float | None
    low: float | None
    high: float | None
    effective_n: float

    def to_dict(self) -> dict[str, float | None]:
        """A JSON-ready mapping."""
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "effective_n": round(self.effective_n, 2),
        }

    def render(self) -> str:
        """``91.6% (88.0-94.2)``, or ``-``."""
        if self.value is None or self.low is None or self.high is None:
            return "-"
        return f"{self.value:.1%} ({self.low:.1%}-{self.high:.1%})"


def weighted_share(outcomes: Sequence[bool], weights: Sequence[float]) -> Estimate:
    """The weighted share of true ``outcomes`` and its Wilson interval on Kish's
    effective sample size (see the module docstring)."""
    from statsmodels.stats.proportion import proportion_confint

    total = sum(weights)
    squares = sum(w * w for w in weights)
    if total <= 0 or squares <= 0:
        return Estimate(None, None, None, 0.0)
    value = sum(w for ok, w in zip(outcomes, weights, strict=True) if ok) / total
    n_eff = total * total / squares
    low, high = proportion_confint(value * n_eff, n_eff, alpha=1 - CONFIDENCE, method="wilson")
    return Estimate(value, float(low), float(high), n_eff)


@dataclass(frozen=True, slots=True)
class SourceFigures:
    """The item-7 figures of one held-out source (or of several pooled)."""

    source: str
    texts: int
    records: float
    level1: Estimate
    level2: Estimate
    auto_coded: Estimate
    precision_level2: Estimate

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "source": self.source,
            "texts": self.texts,
            "records": self.records,
            "accuracy_level1": self.level1.to_dict(),
            "accuracy_level2": self.level2.to_dict(),
            "auto_coded_share": self.auto_coded.to_dict(),
            "auto_coded_precision_level2": self.precision_level2.to_dict(),
        }


def source_figures(scored: Sequence[Scored], source: str) -> SourceFigures:
    """The figures of ``scored`` (one source's texts, or any set called ``source``)."""

    def at(level: int, among: Sequence[Scored]) -> Estimate:
        pairs = [(right_at(s.truth, s.predicted, level), s.weight) for s in among]
        kept = [(ok, w) for ok, w in pairs if ok is not None]
        return weighted_share([ok for ok, _ in kept], [w for _, w in kept])

    auto = [s for s in scored if not s.needs_review]
    return SourceFigures(
        source=source,
        texts=len(scored),
        records=sum(s.weight for s in scored),
        level1=at(1, scored),
        level2=at(2, scored),
        auto_coded=weighted_share([not s.needs_review for s in scored], [s.weight for s in scored]),
        precision_level2=at(2, auto),
    )


def figures_by_source(scored: Sequence[Scored], *, pooled: str = "all") -> list[SourceFigures]:
    """One :class:`SourceFigures` per ``group`` of ``scored`` (in first-seen order), then
    all of them pooled under the name ``pooled`` when there is more than one group."""
    groups: dict[str, list[Scored]] = {}
    for s in scored:
        groups.setdefault(s.group, []).append(s)
    out = [source_figures(items, name) for name, items in groups.items()]
    if len(groups) > 1:
        out.append(source_figures(scored, pooled))
    return out


def score_file_by_source(
    path: str | Path,
    text_column: str,
    code_column: str,
    model: Any,
    *,
    source_column: str | None = None,
    weight_column: str | None = None,
    context_column: str | None = None,
) -> tuple[list[Scored], int]:
    """Score ``model`` on a labelled CSV, each row tagged with its ``source_column``
    value (the file's name without one), and coded in its ``context_column``'s context
    if given (:mod:`crimestats.iccs.context`); also returns rows skipped (no valid code)."""
    from crimestats.domain.iccs_codes import is_iccs_code
    from crimestats.errors import UsageError
    from crimestats.iccs.coding_files import column_weights, read_columns
    from crimestats.iccs.evaluation import score_texts

    path = Path(path)
    extra = tuple(c for c in (weight_column, source_column, context_column) if c)
    frame: Any = read_columns(path, (text_column, code_column, *extra))
    texts = frame.get_column(text_column).fill_null("").to_list()
    codes = [c.strip() for c in frame.get_column(code_column).fill_null("").to_list()]
    weights = column_weights(frame, weight_column, path) if weight_column else [1.0] * len(codes)
    groups = (
        [str(g or "").strip() or "(no source)" for g in frame.get_column(source_column).to_list()]
        if source_column
        else [path.stem] * len(codes)
    )
    keep = [i for i, c in enumerate(codes) if is_iccs_code(c)]
    if not keep:
        raise UsageError(
            f"{path}: no row of {code_column!r} holds a valid ICCS code",
            hint="codes must be ICCS v1.0 codes with their leading zeros, e.g. 0501",
        )
    contexts = (
        [str(c or "") for c in frame.get_column(context_column).to_list()]
        if context_column
        else None
    )
    scored: list[Scored] = []
    for group in dict.fromkeys(groups[i] for i in keep):
        rows = [i for i in keep if groups[i] == group]
        scored += score_texts(
            model,
            [texts[i] for i in rows],
            [codes[i] for i in rows],
            [weights[i] for i in rows],
            group=group,
            contexts=[contexts[i] for i in rows] if contexts is not None else None,
        )
    return scored, len(codes) - len(keep)
