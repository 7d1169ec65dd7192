"""Measure the chapter context (crimestats.iccs.context) on the two penal-code sets.

Leave one set out: the context weights are chosen on one set (the Indian Penal Code or
the Western Australian Criminal Code) by a rule fixed before any figure was seen, and
the figures of record for the other set are computed with them. The default model is the
coder of main (``Autocoder.fit_default``); nothing is refitted.

Selection rule, per selection set:

- ``sharpen`` and ``weight``: the pair in :data:`SHARPEN` x :data:`WEIGHTS` with the
  highest level-1 accuracy, the least sharpened and then the smallest weight on a tie (the
  least context that does best);
- ``inside``: the way in :data:`~crimestats.iccs.context.INSIDE` of choosing the code in a
  section the context moved a coding to with the highest level-2 accuracy, the first
  (the coder's own back-off) on a tie;
- ``disagree``: the value in :data:`DISAGREE` (None: no review on disagreement alone)
  that maximises auto-coded texts right at level 2 minus those wrong (sending texts to
  review must remove more wrong codings than right ones), None on a tie.

For each set it prints the grid, the choice made on the *other* set, and, with and
without context, level 1, level 2, the auto-coded share and the level-2 precision among
auto-coded with Wilson 95% intervals, and a paired comparison of the same rows (exact
McNemar test on the discordant rows, and a paired bootstrap interval of the difference).

Run from the repository root: ``PYTHONPATH=src python bench/iccs_context.py``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import binomtest
from statsmodels.stats.proportion import proportion_confint

from crimestats.iccs import Autocoder
from crimestats.iccs.codings import Coding
from crimestats.iccs.context import INSIDE, ContextWeights, Evidence, decide_in_context, gather

DATA = Path(__file__).parents[1] / "tests" / "data"
SETS = {
    "IPC": DATA / "iccs_heldout_penal_en" / "ipc_1860_sample_labelled.csv",
    "WA": DATA / "iccs_heldout_penal_en2" / "wa_cc_1913_sample_labelled.csv",
}
WEIGHTS = tuple(round(0.05 * i, 2) for i in range(0, 10))
"""Under one half only: at 0.5 or more a context alone could override a heading that is
clear by itself, which the design rules out (crimestats.iccs.context)."""
SHARPEN = (1.0, 2.0, 3.0, 4.0)
"""Tried in this order; a tie keeps the earlier (the less sharpened)."""
DISAGREE: tuple[float | None, ...] = (None, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
BOOTSTRAP = 10_000
SEED = 20261207


@dataclass(frozen=True)
class Figures:
    """Per-row outcomes of one coding of a set."""

    right1: np.ndarray
    right2: np.ndarray  # NaN where the label is at level 1
    auto: np.ndarray

    @classmethod
    def of(cls, truths: list[str], codings: list[Coding]) -> Figures:
        r1, r2, auto = [], [], []
        for truth, coding in zip(truths, codings, strict=True):
            code = coding.code or ""
            r1.append(code[:2] == truth[:2])
            r2.append(np.nan if len(truth) < 4 else float(len(code) >= 4 and code[:4] == truth[:4]))
            auto.append(not coding.needs_review)
        return cls(np.array(r1, float), np.array(r2, float), np.array(auto, bool))

    def net_auto(self) -> float:
        """Auto-coded rows right at level 2 minus those wrong (level-2 labels only)."""
        values = self.right2[self.auto & ~np.isnan(self.right2)]
        return float(values.sum() - (1 - values).sum())

    def summary(self) -> dict[str, object]:
        def share(values: np.ndarray) -> dict[str, object]:
            n, k = len(values), int(values.sum())
            low, high = proportion_confint(k, n, alpha=0.05, method="wilson") if n else (0, 0)
            return {"k": k, "n": n, "share": k / n if n else None, "low": low, "high": high}

        level2 = self.right2[~np.isnan(self.right2)]
        auto2 = self.right2[self.auto & ~np.isnan(self.right2)]
        return {
            "level1": share(self.right1),
            "level2": share(level2),
            "auto_coded": share(self.auto.astype(float)),
            "precision2_auto": share(auto2),
        }


def codings(model: Autocoder, evidence: Evidence, weights: ContextWeights) -> list[Coding]:
    return decide_in_context(model, evidence, weights)


def choose(
    model: Autocoder, evidence: Evidence, truths: list[str]
) -> tuple[ContextWeights, list[str]]:
    """The weights the selection rule picks on one set, and the grid as printed lines."""
    lines = []
    best_w, best_s, best_acc = 0.0, 1.0, -1.0
    for sharpen in SHARPEN:
        for w in WEIGHTS:
            weights = ContextWeights(w, None, sharpen=sharpen)
            fig = Figures.of(truths, codings(model, evidence, weights))
            acc = float(fig.right1.mean())
            lines.append(
                f"  sharpen {sharpen:g}, weight {w:.2f}: level 1 {acc:.1%}, "
                f"level 2 {np.nanmean(fig.right2):.1%}"
            )
            if acc > best_acc + 1e-12:
                best_w, best_s, best_acc = w, sharpen, acc
    best_in, best_l2 = INSIDE[0], -1.0
    for inside in INSIDE:
        weights = ContextWeights(best_w, None, best_s, inside)
        fig = Figures.of(truths, codings(model, evidence, weights))
        lines.append(
            f"  weight {best_w:.2f}, inside {inside}: level 2 {np.nanmean(fig.right2):.1%}"
        )
        if np.nanmean(fig.right2) > best_l2 + 1e-12:
            best_in, best_l2 = inside, float(np.nanmean(fig.right2))
    best_d: float | None = None
    first = ContextWeights(best_w, None, best_s, best_in)
    best_net = Figures.of(truths, codings(model, evidence, first)).net_auto()
    for d in DISAGREE[1:]:
        weights = ContextWeights(best_w, d, best_s, best_in)
        fig = Figures.of(truths, codings(model, evidence, weights))
        lines.append(
            f"  weight {best_w:.2f}, disagree {d}: auto {fig.auto.mean():.1%}, "
            f"net right-wrong auto {fig.net_auto():.0f}"
        )
        if fig.net_auto() > best_net:
            best_d, best_net = d, fig.net_auto()
    return ContextWeights(best_w, best_d, best_s, best_in), lines


def paired(without: np.ndarray, with_: np.ndarray) -> dict[str, object]:
    """Exact McNemar on the discordant rows and a paired bootstrap of the difference."""
    keep = ~np.isnan(without) & ~np.isnan(with_)
    a, b = without[keep], with_[keep]
    gained = int(((a == 0) & (b == 1)).sum())
    lost = int(((a == 1) & (b == 0)).sum())
    p = binomtest(gained, gained + lost, 0.5).pvalue if gained + lost else 1.0
    rng = np.random.default_rng(SEED)
    idx = rng.integers(0, len(a), size=(BOOTSTRAP, len(a)))
    diffs = (b[idx] - a[idx]).mean(axis=1)
    return {
        "gained": gained,
        "lost": lost,
        "mcnemar_p": float(p),
        "difference": float((b - a).mean()),
        "bootstrap_95": [float(np.quantile(diffs, 0.025)), float(np.quantile(diffs, 0.975))],
    }


def main() -> dict[str, object]:
    model = Autocoder.fit_default()
    loaded = {}
    for name, path in SETS.items():
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        evidence = gather(model, [r["text"] for r in rows], [r["chapter_title"] for r in rows])
        loaded[name] = (rows, evidence)
    chosen = {}
    for name, (rows, evidence) in loaded.items():
        weights, lines = choose(model, evidence, [r["iccs_code"] for r in rows])
        chosen[name] = weights
        print(f"selection on {name}: {weights}")
        print("\n".join(lines))
    report: dict[str, object] = {"chosen": {k: str(v) for k, v in chosen.items()}}
    for name, (rows, evidence) in loaded.items():
        other = next(k for k in SETS if k != name)
        weights = chosen[other]
        truths = [r["iccs_code"] for r in rows]
        base = Figures.of(truths, evidence.base)
        ctx = Figures.of(truths, codings(model, evidence, weights))
        report[name] = {
            "weights_from": other,
            "weights": str(weights),
            "without": base.summary(),
            "with": ctx.summary(),
            "paired_level1": paired(base.right1, ctx.right1),
            "paired_level2": paired(base.right2, ctx.right2),
            "contexts_used": int((evidence.prior.sum(axis=1) > 0).sum()),
        }
    print(json.dumps(report, indent=1, default=float))
    return report


if __name__ == "__main__":
    main()
