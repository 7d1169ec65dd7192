"""Where fitted autocoder models are kept, and the key that says a kept one still holds.

Why: fitting the default model takes tens of seconds, coding with a fitted one a
fraction of a second, so a fitted model is pickled under a key made of everything that
changes what it would code: the model version (bumped when the code's decisions
change), scikit-learn's version, the glossary, every training example and the records
each held-out label weighs (they set the review threshold and the conformal quantiles).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from crimestats.iccs.text import load_glossary
from crimestats.iccs.training import Example


def model_key(
    version: str,
    examples: Sequence[Example],
    records: Mapping[tuple[str, str, str], float] | None = None,
) -> str:
    """The cache key of a model fitted at ``version`` on ``examples`` with the held-out
    labels' ``records`` ((source, label, code) -> records; a change to
    ``record_counts.csv`` alone must refit)."""
    import sklearn

    digest = hashlib.sha256(f"{version}|{sklearn.__version__}|{load_glossary().digest}".encode())
    for e in examples:
        digest.update(f"{e.text}\t{e.code}\t{e.source}\t{e.weight}\n".encode())
    for (source, label, code), weight in sorted((records or {}).items()):
        digest.update(f"records\t{source}\t{label}\t{code}\t{weight}\n".encode())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """Where fitted models are cached (never inside the repository):
    ``$CRIMESTATS_CACHE_DIR``, else ``$XDG_CACHE_HOME/crimestats`` or ``~/.cache/crimestats``."""
    if explicit := os.environ.get("CRIMESTATS_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "crimestats"


__all__ = ["cache_dir", "model_key"]
