"""The ICCS autocoder: free offence text in, an ICCS code with a calibrated confidence out.

How it decides (DESIGN.md section 4, step 2):

1. Text is normalised (:mod:`crimestats.iccs.text`), Spanish, Portuguese, French,
   German, Italian and Dutch legal terms get their English equivalents appended
   (``with_glossary``), and the result is turned into TF-IDF features: word 1-2-grams
   and character 3-5-grams within word boundaries, which carry Spanish and English
   stems, plurals and police abbreviations across sources.
2. Two scorers vote, with equal weight:
   - a nearest-neighbour vote over the training texts (cosine similarity, the ``k``
     closest, each weighted by similarity to the 4th power so that a near-identical
     label decides), which gives deep codes when a known wording appears;
   - a linear SVM over ICCS level-2 categories, turned into probabilities with a softmax,
     which generalises to new wordings but only says which level-2 category.
3. The votes are summed up the hierarchy (a level-2 code's probability includes its
   descendants'), mapped through an isotonic calibration per level learnt from held-out
   sources (Zadrozny & Elkan 2002), and the autocoder keeps, inside the likeliest section,
   the *deepest* code whose calibrated probability reaches ``backoff``: when unsure
   between two level-4 codes it backs off to their parent rather than guess.
4. The ICCS scope rules (:mod:`crimestats.iccs.rules`, data in ``data/iccs_rules``) may
   move a code the classification excludes, ask for review, or explain; then the
   decision audit (:mod:`crimestats.iccs.decision_audit`) lists every disagreement
   between the code and the evidence shown (top candidates, section scores, nearest
   neighbours). :mod:`crimestats.iccs._deciding` holds these steps.
5. A coding needs review when the audit found a disagreement, it does not reach level 2,
   its level-2 probability is below the review threshold of its calibration pool
   (``review_threshold`` for English text; for other languages one per pool, see
   below), or fewer than ``min_familiarity`` of its words (after normalising and the
   glossary) occur in the training texts, or its split conformal set at level 2 is not
   exactly its category (:mod:`crimestats.iccs.conformal`), or it is foreign text whose
   calibration was not shown to transfer between real sources
   (:mod:`crimestats.iccs.family_transfer`), or its label names offence kinds of two
   sections (:mod:`crimestats.iccs.label_structure`, which also drops a generic head
   such as "OTHER OFFENSE -" before scoring), or a term of art of the statutes says so
   (:mod:`crimestats.iccs.lexicon`). Each coding says every reason for review.

Calibration data come from leave-one-source-out folds over the correspondence tables in
the training set but the English penal codes (``training_only``): each source is predicted
by a model that never saw it, as a new police force would be. Text in the glossary's
languages is calibrated apart, in pools by how much of it the glossary covers, each with
its own review threshold (:mod:`crimestats.iccs._calibration` says how and why).
scikit-learn is imported lazily: importing this module is cheap, fitting is not.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from typing import Any

from crimestats.errors import UsageError
from crimestats.iccs._calibration import (
    ENGLISH,
    FOREIGN,
    UNDERSTOOD,
    Calibration,
    HeldOut,
    conformal_pools,
    foreign_pool,
    pool_of,
)
from crimestats.iccs._deciding import Thresholds, Tree, decide
from crimestats.iccs._scoring import Scorer, section_index, up_matrix
from crimestats.iccs.classification import code_level, load_classification, truncate
from crimestats.iccs.codings import Coding, empty_coding
from crimestats.iccs.conformal import nonconformity
from crimestats.iccs.correspondence import CorrespondenceTable, load_bundled
from crimestats.iccs.family_transfer import GENERIC_FOLD, TransferCheck
from crimestats.iccs.heldout_sources import GENERIC_SOURCES, record_weights
from crimestats.iccs.label_structure import with_compounds
from crimestats.iccs.model_cache import cache_dir, model_key
from crimestats.iccs.text import looks_foreign, with_glossary
from crimestats.iccs.training import FOREIGN_GENERIC_SOURCES, Example, default_examples
from crimestats.iccs.vocabulary_sources import statute_sources

MODEL_VERSION = "28"
"""Bump when the model changes, so cached models are refitted."""

_CHUNK = 4096
_TIE = 1e-9

_Scorer = Scorer
"""The scorer's name before it moved to ``_scoring`` (v4 and earlier): cached models of
those versions must unpickle before their version is checked and they are refitted."""


class Autocoder:
    """Codes free text to ICCS; fit once, then :meth:`code_texts` on distinct texts.

    Parameters
    ----------
    neighbours:
        How many nearest training texts vote (``k``).
    temperature:
        Softmax temperature applied to the SVM margins.
    backoff:
        The calibrated probability a code needs to be chosen; below it the autocoder
        backs off to the parent code.
    review_threshold:
        The calibrated level-2 probability below which a coding of English text needs
        review (0.55, chosen by leave-one-source-out: see docs/iccs-model-card.md).
    min_familiarity:
        The share of a text's words that must occur in the training texts for it to be
        auto-coded (see :meth:`familiarity`).
    foreign_calibration:
        Calibrate text in the glossary's languages (:func:`~crimestats.iccs.text.looks_foreign`)
        separately from English text, on held-out folds of such text (see
        :meth:`_fit_calibration`).
    foreign_precision:
        The level-2 precision that auto-coded foreign text must reach on those held-out
        folds: the review threshold for foreign text is raised to the lowest calibrated
        level-2 confidence at which it does (never auto-coded if none does). 0.95 since
        v16, the issue's per-source target (0.90 from v8 to v15: at 0.95 the threshold
        then sent four in five Spanish and French police categories to review; with the
        conformal sets of v15 those are reviewed anyway, docs/iccs-model-card.md). It
        applies to foreign text the glossary mostly covers.
    partly_precision:
        The same for foreign text the glossary covers less than two thirds of
        (:data:`~crimestats.iccs._calibration.PARTLY`): with the Chilean table held out,
        such headings auto-coded at a 90% target were right at level 2 about 60% of the
        time; at 0.98 the pool is auto-coded only when nearly certain.
    target_precision:
        The level-2 precision that auto-coded English text must reach on the held-out
        sources, pooled by records: its review threshold is the lowest calibrated
        confidence at which they do, never below ``review_threshold`` (issue 18, item 3).
        None keeps ``review_threshold`` alone.
    conformal_alpha:
        Miscoverage of the split conformal sets at level 2
        (:mod:`crimestats.iccs.conformal`): a text is auto-coded only when its set is
        one code. None turns the sets off.
    every_source:
        Each held-out source with enough calibration points must reach the pool's
        precision target on its own, not only all sources pooled by records
        (:func:`~crimestats.iccs._calibration.every_source_threshold`). Off by default:
        measured leave-one-source-out (December 2026) it sent almost all English police
        text to review (the English pool's points include the Spanish sources, which
        never reach 95%) and did not lift Chile (26.7% auto-coded at 76.2%).
    foreign_transfer:
        Auto-code foreign text only when the foreign calibration is shown to transfer
        between real sources (:mod:`crimestats.iccs.family_transfer`): the cut learnt on
        some real foreign sources must reach ``foreign_precision`` on each other one,
        with at least two of them. On by default since v18; False gives v17.
    training_only:
        Sources that train but are never calibration folds; None (the default since v28)
        is :func:`~crimestats.iccs.vocabulary_sources.statute_sources`, the English penal
        codes, whose held-out points had come to outnumber the police ones.
    """

    def __init__(
        self,
        *,
        neighbours: int = 10,
        temperature: float = 8.0,
        backoff: float = 0.5,
        review_threshold: float = 0.55,
        min_familiarity: float = 0.5,
        foreign_calibration: bool = True,
        foreign_precision: float = 0.95,
        partly_precision: float = 0.98,
        target_precision: float | None = 0.95,
        conformal_alpha: float | None = 0.05,
        every_source: bool = False,
        foreign_transfer: bool = True,
        training_only: frozenset[str] | None = None,
    ) -> None:
        if not 0 < backoff <= 1 or not 0 <= review_threshold <= 1 or not 0 <= min_familiarity <= 1:
            raise UsageError(
                "backoff must be in (0, 1], review_threshold and min_familiarity in [0, 1]",
                hint="e.g. backoff=0.5, review_threshold=0.55, min_familiarity=0.5",
            )
        self.neighbours = neighbours
        self.temperature = temperature
        self.backoff = backoff
        self.review_threshold = review_threshold
        self.min_familiarity = min_familiarity
        self.foreign_calibration = foreign_calibration
        self.foreign_precision = foreign_precision
        self.partly_precision = partly_precision
        self.target_precision = target_precision
        self.conformal_alpha = conformal_alpha
        self.every_source = every_source
        self.foreign_transfer = foreign_transfer
        self.training_only = (
            statute_sources() if training_only is None else frozenset(training_only)
        )
        self._records: dict[tuple[str, str, str], float] = {}
        self._known: frozenset[str] = frozenset()
        self.version = ""
        self._scorer: Scorer | None = None
        self._calibration: Calibration | None = None
        self.n_examples = 0

    # ----- fitting -----------------------------------------------------------------
    def fit(
        self,
        examples: Sequence[Example],
        *,
        calibrate: bool = True,
        records: dict[tuple[str, str, str], float] | None = None,
    ) -> Autocoder:
        """Learn from ``examples``; calibrate on leave-one-source-out folds if asked,
        each held-out text weighing its ``records`` (by source, text, code; else 1)."""
        if not examples:
            raise UsageError("the autocoder needs training examples", hint="pass some")
        from crimestats.iccs._features import TextFeatures

        normal = [with_glossary(e.text) for e in examples]
        features = TextFeatures().fit(normal)
        vectors = features.transform(normal)
        self._scorer = Scorer(features, vectors, examples, self.neighbours)
        self.n_examples = len(examples)
        self._known = _words(normal)
        self.version = MODEL_VERSION
        self._nodes_setup()
        self._calibration = None
        self._records = dict(records or {})
        if calibrate:
            self._calibration = self._fit_calibration(examples, vectors)
        return self

    def threshold_for(self, pool: str) -> float:
        """The review threshold of a calibration pool (see :func:`pool_of`)."""
        if self._calibration is None:
            return self.review_threshold
        return self._calibration.threshold(pool, self.review_threshold)

    def _blocked(self, pool: str) -> str:
        """Why no text of ``pool`` may be auto-coded ("" when it may); a model pickled
        before v18 has no such attribute and is refitted anyway (version check)."""
        if self._calibration is None or not getattr(self, "foreign_transfer", False):
            return ""
        return self._calibration.blocked(pool)

    @property
    def transfer(self) -> TransferCheck | None:
        """The foreign calibration's transfer check (None when not run)."""
        if self._calibration is None or not getattr(self, "foreign_transfer", False):
            return None
        return self._calibration.transfer

    @property
    def foreign_threshold(self) -> float:
        """The review threshold of foreign text the glossary mostly covers (the pool most
        foreign text falls in; :meth:`threshold_for` gives any pool's)."""
        return self.threshold_for(UNDERSTOOD)

    def _nodes_setup(self) -> None:
        import numpy as np

        assert self._scorer is not None
        self._nodes = [c.code for c in load_classification()]
        self._node_level = np.array([code_level(c) for c in self._nodes])
        self._up = up_matrix(self._scorer.codes, self._nodes)
        self._sections = section_index(self._nodes)
        self._node_index = {c: i for i, c in enumerate(self._nodes)}

    def _fit_calibration(self, examples: Sequence[Example], vectors: Any) -> Calibration:
        """Isotonic maps per level and pool from held-out folds, and the foreign pools'
        review thresholds (:mod:`crimestats.iccs._calibration`). The folds are the
        correspondence sources but ``training_only`` (each predicted by a model without
        it) and, with ``foreign_calibration``, all generic non-English text at once
        (predicted by a model that knows those languages only through the glossary). The
        general map learns from every fold (English folds only made its per-level maps
        disagree: model card); the foreign maps from the foreign fold and held-out texts
        that :func:`looks_foreign` (one map: Chile held out, about 62% right at level 2
        among auto-coded, December 2026)."""
        import numpy as np

        present = {e.source for e in examples}
        folds = present - GENERIC_SOURCES - getattr(self, "training_only", frozenset())
        groups = [frozenset({s}) for s in sorted(folds)]
        if self.foreign_calibration and FOREIGN_GENERIC_SOURCES & present:
            groups.append(FOREIGN_GENERIC_SOURCES & present)
        held_out = HeldOut()
        for group in groups:
            keep = np.array([e.source not in group for e in examples])
            held = [int(i) for i in np.flatnonzero(~keep)]
            scorer = Scorer(
                self._require().features,
                vectors[keep],
                [e for e, k in zip(examples, keep, strict=True) if k],
                self.neighbours,
            )
            probs, _ = scorer.scores(vectors[held], self.temperature)
            agg = self._aggregate_with(probs, scorer.codes)
            for row, idx in enumerate(held):
                truth = examples[idx].code
                generic = examples[idx].source in FOREIGN_GENERIC_SOURCES
                text = examples[idx].text
                pools = [] if generic else [ENGLISH]
                if self.foreign_calibration and (generic or looks_foreign(text)):
                    pools += [FOREIGN, foreign_pool(text)]
                weight = self._records.get((examples[idx].source, text, truth), 1.0)
                # the generic foreign text is one fold, so one source
                source = GENERIC_FOLD if generic else examples[idx].source
                for level in range(1, code_level(truth) + 1):
                    cols = np.flatnonzero(self._node_level == level)
                    best = cols[np.argmax(agg[row, cols])]
                    right = self._nodes[best] == truncate(truth, level)
                    held_out.add(pools, level, float(agg[row, best]), right, weight, source)
                if code_level(truth) >= 2:
                    held_out.conformal.add(
                        conformal_pools(
                            text,
                            generic_foreign=generic,
                            foreign_calibration=self.foreign_calibration,
                        ),
                        nonconformity(float(agg[row, self._node_index[truth[:4]]])),
                        weight,
                    )
        return held_out.fit(
            review_threshold=self.review_threshold,
            precision=self.foreign_precision,
            partly_precision=self.partly_precision,
            english_precision=self.target_precision,
            alpha=self.conformal_alpha,
            every_source=self.every_source,
            foreign_transfer=self.foreign_transfer,
        )

    def familiarity(self, texts: Sequence[str]) -> list[float]:
        """Per text, the share of its words (after normalising and the glossary) that
        occur anywhere in the training texts. A text made mostly of words the model never
        saw (a language, jargon or abbreviations without a table, glossary or vocabulary
        entry) is decided by its few known words, and the calibration, learnt on sources
        whose words are mostly known, is then too confident (Chilean table held out: 62%
        right at level 2 among auto-coded). Such texts go to review instead."""
        return [_share_known(with_glossary(t), self._known) for t in texts]

    def _aggregate_with(self, probs: Any, codes: Sequence[str]) -> Any:
        return probs @ up_matrix(codes, self._nodes)

    def _require(self) -> Scorer:
        if self._scorer is None:
            raise UsageError("the autocoder is not fitted", hint="call fit() or fit_default()")
        return self._scorer

    @property
    def calibrated(self) -> bool:
        """True when probabilities pass through a learnt calibration."""
        return self._calibration is not None and bool(self._calibration.maps)

    # ----- the default model -------------------------------------------------------
    @classmethod
    def fit_default(
        cls, table: CorrespondenceTable | None = None, *, cache: bool = True
    ) -> Autocoder:
        """The autocoder trained on ICCS, its index, the vocabulary and ``table``.

        ``table`` defaults to every bundled correspondence table. With ``cache`` the
        fitted model is kept in the user cache directory (``$CRIMESTATS_CACHE_DIR``, or
        ``$XDG_CACHE_HOME/crimestats``, or ``~/.cache/crimestats``), keyed by a hash of
        the training data, the model version and the glossary, so the next run loads it
        instead of fitting (about 15 s).
        """
        table = table if table is not None else load_bundled()
        examples = default_examples(table)
        records = record_weights(table)
        key = model_key(MODEL_VERSION, examples, records)
        path = cache_dir() / f"iccs-autocoder-{key}.pickle"
        if cache and path.is_file():
            with path.open("rb") as handle:
                loaded = pickle.load(handle)  # noqa: S301 - the user's own cache, keyed by hash
            # a pickle written by other code under the same key (e.g. a development
            # build) is refitted rather than trusted
            if isinstance(loaded, cls) and getattr(loaded, "version", None) == MODEL_VERSION:
                return loaded
        model = cls().fit(examples, records=records)
        if cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as handle:
                pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        return model

    # ----- coding ------------------------------------------------------------------
    def code_texts(
        self, texts: Sequence[str], contexts: Sequence[str | None] | None = None
    ) -> list[Coding]:
        """One Coding per input text, in order; each distinct text is scored once. A
        ``contexts`` entry (None or "" for none) is the heading a table shows beside its
        text, e.g. a penal-code chapter: it informs the section (:mod:`.context`)."""
        if contexts is not None:
            from crimestats.iccs.context import code_in_context

            return code_in_context(self, texts, contexts)
        distinct = list(dict.fromkeys(texts))
        coded: dict[str, Coding] = {}
        for start in range(0, len(distinct), _CHUNK):
            chunk = distinct[start : start + _CHUNK]
            coded.update(zip(chunk, with_compounds(chunk, self._code_distinct), strict=True))
        return [coded[t] for t in texts]

    def code_text(self, text: str, context: str | None = None) -> Coding:
        """Code one text, in its ``context`` if given (see :meth:`code_texts`)."""
        return self.code_texts([text], None if context is None else [context])[0]

    def probabilities(self, texts: Sequence[str]) -> tuple[list[str], Any]:
        """Calibrated probability of every ICCS code (columns) for each text (rows)."""
        scorer = self._require()
        probs, _ = scorer.scores(
            scorer.features.transform([with_glossary(t) for t in texts]), self.temperature
        )
        return list(self._nodes), self._calibrate(probs @ self._up, self._pools(texts))

    def _pools(self, texts: Sequence[str]) -> list[str]:
        """The calibration pool of each text (all English without foreign calibration)."""
        maps = self._calibration.maps if self._calibration else {}
        if not self.foreign_calibration or set(maps) <= {ENGLISH}:
            return [ENGLISH] * len(texts)
        return [pool_of(t) for t in texts]

    def _calibrate(self, agg: Any, pools: Sequence[str]) -> Any:
        """Map raw aggregated probabilities through each level's isotonic calibration
        (each row through the maps of its pool)."""
        import numpy as np

        if self._calibration is None or not self._calibration.maps:
            return agg
        out = agg.copy()
        labels = np.array(pools)
        for pool in sorted(set(pools)):
            which = np.flatnonzero(labels == pool)
            for level, iso in self._calibration.maps_for(pool).items():
                cols = np.flatnonzero(self._node_level == level)
                block = agg[np.ix_(which, cols)]
                # Isotonic maps are step functions: two codes can tie after calibration.
                # A vanishing share of the raw score breaks the tie in favour of the code
                # the model itself preferred (otherwise the lower code number would win).
                # Reported probabilities are clipped to 1 (see _code_distinct).
                steps = iso.predict(block.ravel()).reshape(block.shape)
                out[np.ix_(which, cols)] = steps + _TIE * block
        return out

    def _conformal_sets(self, raw: Any, pools: Sequence[str]) -> list[tuple[str, ...]]:
        """Each text's conformal set at level 2 (empty list when there are no sets)."""
        import numpy as np

        conformal = self._calibration.conformal if self._calibration else None
        if conformal is None:
            return []
        cols = np.flatnonzero(self._node_level == 2)
        return conformal.sets(raw[:, cols], [self._nodes[i] for i in cols], pools)

    @property
    def conformal_coverage(self) -> float | None:
        """The coverage the conformal sets are built for (None without sets)."""
        conformal = self._calibration.conformal if self._calibration else None
        return conformal.coverage if conformal else None

    def _code_distinct(self, texts: Sequence[str]) -> list[Coding]:
        scorer = self._require()
        normal = [with_glossary(t) for t in texts]
        queries = scorer.features.transform(normal)
        probs, nearest, similarity = scorer.scores_with_similarity(queries, self.temperature)
        pools = self._pools(texts)
        raw = probs @ self._up
        cal = self._calibrate(raw, pools)
        sets = self._conformal_sets(raw, pools)
        tree = Tree(self._nodes, self._node_level, self._sections, self._node_index)
        out: list[Coding] = []
        for row, text in enumerate(texts):
            if not normal[row]:
                out.append(empty_coding(text))
                continue
            limits = Thresholds(
                self.backoff,
                self.threshold_for(pools[row]),
                self.min_familiarity,
                self._blocked(pools[row]),
            )
            out.append(
                decide(
                    text,
                    normal[row],
                    cal[row],
                    nearest[row],
                    similarity[row],
                    tree=tree,
                    scorer=scorer,
                    query=queries[row],
                    limits=limits,
                    familiarity=_share_known(normal[row], self._known),
                    foreign=pools[row] != ENGLISH,
                    conformal=sets[row] if sets else None,
                )
            )
        return out


def _words(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(w for t in texts for w in t.split())


def _share_known(normal: str, known: frozenset[str]) -> float:
    words = normal.split()
    return sum(w in known for w in words) / len(words) if words else 1.0
