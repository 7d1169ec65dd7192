"""Facts about the store kept per store state, so a table does not scan the store for them.

Why: a table's metadata reads facts of the whole store that take a scan each (the
coverage of :mod:`crimestats.stats.coverage_cache`, the ICCS coding groups of
:mod:`crimestats.stats.iccs_notes`): at ten million rows 0.5-2 s apiece, several times a
small table's own group-by (issue 19). They change only when the store does, so each is
computed once per store state and reused:

* in this process, for the connection's store and state (a release, the API);
* across processes, in ``<store>.cache/<name>.json`` beside the store (the command
  line), written under a temporary name and renamed, so a reader never sees half a
  file. A store in a folder nobody may write is scanned each time, with the same result.

The state is :func:`crimestats.storage.reads.store_state`, the fingerprint the Spark
export is keyed by: the store file's size and modification time (and its write-ahead
log's), the schema version, the ingests and every event table's row count. Any write to
the store changes it, so a kept fact is never stale; a write that changed none (a
classification, for the coverage) costs one scan more, never a wrong answer. Only an
Ibis DuckDB backend on a store file is kept (Spark, or a store cut to a window, computes).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

T = TypeVar("T")

CACHE_SUFFIX: Final = ".cache"
"""The folder beside the store: ``<store>.cache/``."""
_MEMO_SIZE: Final = 16
_memo: dict[tuple[str, str, str], Any] = {}
"""(store path, state key, name) -> the fact, in this process."""


def kept(
    con: Any,
    name: str,
    compute: Callable[[], T],
    dump: Callable[[T], Any],
    load: Callable[[Any], T],
    version: int,
) -> T:
    """The fact ``name`` of ``con``'s store: from this process, the file, or ``compute``.

    ``dump``/``load`` turn it into JSON and back; ``version`` is bumped when the fact's
    form or its computation changes, so old files are not read.
    """
    from ibis.backends.duckdb import Backend

    from crimestats.storage.reads import store_state

    located = (
        store_state(con, {"kept": name, "format": version}) if isinstance(con, Backend) else None
    )
    if located is None:
        return compute()
    path, key = located
    memo_key = (str(path), key, name)
    if memo_key in _memo:
        return _memo[memo_key]  # type: ignore[no-any-return]
    file = path.with_name(path.name + CACHE_SUFFIX) / f"{name}.json"
    value = _read(file, key, load)
    if value is None:
        value = compute()
        _write(file, key, dump(value))
    if len(_memo) >= _MEMO_SIZE:
        _memo.pop(next(iter(_memo)))
    _memo[memo_key] = value
    return value


def _read(file: Path, key: str, load: Callable[[Any], T]) -> T | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return None if data.get("key") != key else load(data["value"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, of another version, or damaged: compute again


def _write(file: Path, key: str, value: Any) -> None:
    partial = file.with_name(f"{file.name}.{os.getpid()}.part")
    try:
        file.parent.mkdir(exist_ok=True)
        partial.write_text(json.dumps({"key": key, "value": value}), encoding="utf-8")
        partial.replace(file)
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only folder: this process's memo only
