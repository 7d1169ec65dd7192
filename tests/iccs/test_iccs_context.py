"""A coding in its context (crimestats.iccs.context): the heading a table shows beside it.

The contexts here are ICCS's own section labels, not rows of the penal-code evaluation
sets; the floors on those sets sit under the figures measured with the default weights
(docs/iccs-heldout-penal-code.md, "Session 11") and above the figures without context.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from crimestats.errors import UsageError
from crimestats.iccs import Autocoder, load_bundled, load_classification
from crimestats.iccs.context import ContextWeights, code_in_context

DATA = Path(__file__).parents[1] / "data"


def _section_label(code: str) -> str:
    return load_classification().get(code).label


def _bundled_texts(n: int = 300) -> list[str]:
    labels = sorted({e.national_label for e in load_bundled() if e.national_label})
    return random.Random(20261207).sample(labels, n)  # noqa: S311 (a reproducible sample)


def test_without_context_the_codings_are_the_coders_own(autocoder: Autocoder) -> None:
    """No context, an empty one, or one of unknown words: the default path's codings."""
    texts = _bundled_texts()
    own = [c.to_dict() for c in autocoder.code_texts(texts)]
    assert [c.to_dict() for c in autocoder.code_texts(texts, None)] == own
    assert [c.to_dict() for c in autocoder.code_texts(texts, [""] * len(texts))] == own
    assert [c.to_dict() for c in code_in_context(autocoder, texts, [None] * len(texts))] == own
    # a context the model knows too few words of gives no prior (not even an explanation)
    unknown = ["qzxv wqyt"] * len(texts)
    assert [c.to_dict() for c in autocoder.code_texts(texts, unknown)] == own


def test_a_context_settles_a_heading_that_cannot_place_itself(autocoder: Autocoder) -> None:
    """ "Unlawful use" alone names no offence (of what?); under the environment chapter it
    is 10 (unlawful use of a protected resource).

    (Until v24 the example was "Harbouring" under a state-security chapter; v26 learnt the
    US codes' "harboring" as hindering prosecution. v26 and v27 used "Tampering" under a
    property chapter; v28 places it at 08 with 0.35 against 05 at 0.22, which the default
    weights rightly do not overturn. "Unlawful use" is 09 at 0.22 against 10 at 0.18.)"""
    alone = autocoder.code_text("Unlawful use")
    assert (alone.code or "")[:2] != "10"
    placed = autocoder.code_text("Unlawful use", _section_label("10"))
    assert (placed.code or "")[:2] == "10"
    assert placed.needs_review
    assert any("context moved the code" in r for r in placed.review_reasons)
    assert any(
        line.startswith("context 'Acts against the natural environment")
        for line in placed.explanation
    )


@pytest.mark.parametrize("section", ["01", "02", "03", "05", "06", "07", "09", "10", "11"])
def test_a_clear_heading_keeps_its_section_in_any_context(
    autocoder: Autocoder, section: str
) -> None:
    """The context's weight is under one half: it cannot outvote a clear heading."""
    for text in ("Unlawful assembly", "Obstruction"):
        alone = autocoder.code_text(text)
        assert (alone.code or "")[:2] == "08"
        assert not alone.needs_review
        coded = autocoder.code_text(text, _section_label(section))
        assert coded.code == alone.code
        assert not coded.needs_review


def test_weights_are_checked() -> None:
    with pytest.raises(UsageError):
        ContextWeights(weight=0.5 + 0.5, disagree=None)
    with pytest.raises(UsageError):
        ContextWeights(weight=0.3, disagree=None, inside="anywhere")


def _level1(autocoder: Autocoder, rows: list[dict[str, str]], context: bool) -> float:
    contexts = [r["chapter_title"] for r in rows] if context else None
    codings = autocoder.code_texts([r["text"] for r in rows], contexts)
    right = sum(
        (c.code or "")[:2] == r["iccs_code"][:2] for r, c in zip(rows, codings, strict=True)
    )
    return right / len(rows)


def test_the_chapter_context_lifts_level_1_on_codes_never_trained_on(
    autocoder: Autocoder,
) -> None:
    """The Philippine and Nepalese sets are in no training and chose no weight: under v26
    the default weights give 106 of 150 against 105 and 123 against 122 (session 13). The
    context must not lower either, and must add over the two: the weights chosen under v22
    lowered both under v24 (102, 120), and the declared rule's v26 pick (weight 0.3,
    sharpen 4, "mixed") lowers Nepal to 120, which is how a stale or overfitted choice
    shows."""
    gains = []
    for folder, name in (
        ("iccs_heldout_penal_en4", "rpc_sample_labelled.csv"),
        ("iccs_heldout_penal_en6", "npc_sample_labelled.csv"),
    ):
        with (DATA / folder / name).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        without, with_context = _level1(autocoder, rows, False), _level1(autocoder, rows, True)
        assert with_context >= 0.65
        assert with_context >= without
        gains.append(with_context - without)
    assert sum(gains) > 0


def test_cli_context_column(app: typer.Typer, tmp_path: Path) -> None:
    source = tmp_path / "table.csv"
    source.write_text(
        f"heading,chapter,code\nUnlawful use,{_section_label('10')},10\nUnlawful use,,10\n",
        encoding="utf-8",
    )
    out = tmp_path / "coded.csv"
    runner = CliRunner()
    args = ["iccs", "code", "--file", str(source), "--column", "heading", "--out", str(out)]
    result = runner.invoke(app, [*args, "--context-column", "chapter"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        coded = list(csv.DictReader(handle))
    assert coded[0]["iccs_code"][:2] == "10"
    assert coded[1]["iccs_code"][:2] != "10"
    evaluate = ["iccs", "evaluate", str(source), "--text-column", "heading"]
    evaluate += ["--code-column", "code", "--json"]
    result = runner.invoke(app, [*evaluate, "--context-column", "chapter"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["accuracy_by_level"]["1"] == 0.5
    result = runner.invoke(app, ["iccs", "code", "Unlawful use", "--context-column", "chapter"])
    assert result.exit_code != 0
