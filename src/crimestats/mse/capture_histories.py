"""Capture histories: the data of multiple systems estimation, read from either input shape.

MSE sees a hidden population only through several lists (police, NGOs, local
authorities...) and how they overlap. Everything it needs is the number of cases with
each *capture history* (the set of lists a case is on). There are ``2**t - 1``
observable histories for ``t`` lists; the all-zero history is the dark figure.

Two input shapes are read:

* a **list-overlap table**: one 0/1 column per list and a last column with the count of
  cases with that history; histories not listed have zero count (the layout of the data
  sets in the R package SparseMSE, Chan, Silverman & Vincent 2019, ``tidylists``);
* an **individual-level file**: one row per case, 0/1 list columns only, aggregated here.

A file either loads whole or is refused with one message naming the file, the line and
the column (``FileRefusedError``, STYLE.md practice 5): an estimate built on half a file
would be wrong without saying so.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from crimestats.errors import FileRefusedError, NotFoundError

#: Header names of the last column that mark a list-overlap table (case-insensitive).
COUNT_COLUMN_NAMES = frozenset({"count", "counts", "freq", "frequency", "n", "cases", "number"})
#: More lists than this make 2**t histories and the stepwise search impractical, and no
#: published MSE study we know of uses so many; merge related lists instead.
MAX_LISTS = 10
#: The largest count of one capture history: far above any population (the world has
#: about 8e9 people) and small enough that 2**MAX_LISTS such counts add up without
#: leaving int64, so no sum overflows and floats keep every digit (below 2**53).
MAX_COUNT = 10**12
_DUPLICATE_HINT = "give every list column its own, non-empty name"
_TOO_MANY_HINT = "merge lists from similar sources (as the UK study merged PF and NCA)"


def check_list_count(t: int, source: str) -> None:
    """Refuse more than :data:`MAX_LISTS` lists before anything of size ``2**t`` is built."""
    if t > MAX_LISTS:
        raise FileRefusedError(
            source,
            "mse-too-many-lists",
            f"{t} lists; at most {MAX_LISTS} are supported",
            hint=_TOO_MANY_HINT,
        )


IntArray = npt.NDArray[np.int64]


def all_histories(t: int) -> IntArray:
    """Every observable capture history for ``t`` lists, as rows of 0/1.

    Ordered by the number of lists a case is on, then lexicographically with the first
    list varying slowest (the order SparseMSE's ``tidylists`` uses for its tables).
    """
    rows = [h for h in itertools.product((1, 0), repeat=t) if any(h)]
    rows.sort(key=lambda h: (sum(h), tuple(-x for x in h)))
    return np.array(rows, dtype=np.int64).reshape(len(rows), t)


@dataclass(eq=False)
class CaptureData:
    """Counts of cases by capture history over *every* observable history.

    Attributes
    ----------
    lists
        List names, in column order.
    histories
        ``(2**t - 1, t)`` 0/1 matrix, one row per observable history (see
        :func:`all_histories`).
    counts
        Number of cases with each history (zero where none was seen).
    source
        Where the data came from (a file path, or a label), for messages and reports.
    shape
        ``"table"`` or ``"individual"``: which input shape it was read from.
    notes
        What was done to the data on the way in (aggregation, merged duplicate rows).
    """

    lists: tuple[str, ...]
    histories: IntArray
    counts: IntArray
    source: str = "<data>"
    shape: str = "table"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_rows(
        cls,
        lists: Sequence[str],
        rows: Iterable[tuple[Sequence[int], int]],
        *,
        source: str = "<data>",
        shape: str = "table",
        notes: Sequence[str] = (),
    ) -> CaptureData:
        """Aggregate ``(history, count)`` pairs; repeated histories are summed.

        Histories must be 0/1 and not all zero; counts must be non-negative.
        """
        t = len(lists)
        if t < 2:
            raise FileRefusedError(
                source,
                "mse-too-few-lists",
                f"{t} list column(s); multiple systems estimation needs at least two lists",
                hint="give one 0/1 column per list (and a last 'count' column for a table)",
            )
        if len(set(lists)) != t:
            raise FileRefusedError(
                source,
                "mse-duplicate-column",
                "list names repeat: " + ", ".join(lists),
                hint=_DUPLICATE_HINT,
            )
        check_list_count(t, source)
        histories = all_histories(t)
        index = {tuple(int(x) for x in h): k for k, h in enumerate(histories)}
        counts = np.zeros(len(histories), dtype=np.int64)
        for history, count in rows:
            key = tuple(int(x) for x in history)
            if len(key) != t or any(x not in (0, 1) for x in key):
                raise FileRefusedError(
                    source,
                    "mse-not-binary",
                    f"history {key} is not 0/1",
                    hint=f"give each history as {t} values of 0 or 1, one per list",
                )
            if not 0 <= count <= MAX_COUNT:
                raise FileRefusedError(
                    source,
                    "mse-bad-count",
                    f"count {count} of history {key} is not between 0 and {MAX_COUNT:,}",
                    hint="give the number of cases with that history",
                )
            if not any(key):
                if count > 0:
                    raise FileRefusedError(
                        source,
                        "mse-no-list",
                        "a case is on no list",
                        hint="remove the all-zero history: an unseen case cannot be counted",
                    )
                continue
            counts[index[key]] += count
        return cls(tuple(lists), histories, counts, source, shape, tuple(notes))

    @property
    def t(self) -> int:
        """Number of lists."""
        return len(self.lists)

    @property
    def observed(self) -> int:
        """Number of cases seen on at least one list."""
        return int(self.counts.sum())

    def list_totals(self) -> dict[str, int]:
        """Cases on each list (whatever other lists they are also on)."""
        totals = self.histories.T @ self.counts
        return {name: int(n) for name, n in zip(self.lists, totals, strict=True)}

    def overlap(self, i: int, j: int) -> int:
        """Cases on both list ``i`` and list ``j`` (SparseMSE's overlap of a pair)."""
        both = self.histories[:, i] * self.histories[:, j]
        return int(both @ self.counts)

    def pairs(self) -> list[tuple[int, int]]:
        """Every pair of list indices ``(i, j)`` with ``i < j``."""
        return list(itertools.combinations(range(self.t), 2))

    def empty_pairs(self) -> list[tuple[int, int]]:
        """Pairs of lists with no case in common."""
        return [p for p in self.pairs() if self.overlap(*p) == 0]

    def pair_name(self, pair: tuple[int, int]) -> str:
        """``"A:B"`` for the pair of lists (the R formula spelling of an interaction)."""
        return f"{self.lists[pair[0]]}:{self.lists[pair[1]]}"

    def nonzero_rows(self) -> list[tuple[tuple[int, ...], int]]:
        """The observed histories with their counts, in table order."""
        return [
            (tuple(int(x) for x in h), int(c))
            for h, c in zip(self.histories, self.counts, strict=True)
            if c > 0
        ]

    def with_counts(self, counts: IntArray) -> CaptureData:
        """The same lists and histories with other counts (a bootstrap replicate)."""
        return CaptureData(self.lists, self.histories, counts, self.source, self.shape)

    def select_lists(self, keep: Sequence[int]) -> CaptureData:
        """Only the lists at ``keep``; cases left on no list are dropped."""
        rows = [
            (tuple(int(h[k]) for k in keep), int(c))
            for h, c in zip(self.histories, self.counts, strict=True)
            if c > 0 and any(h[k] for k in keep)
        ]
        return CaptureData.from_rows(
            [self.lists[k] for k in keep],
            rows,
            source=self.source,
            shape=self.shape,
            notes=self.notes,
        )


def read_capture_file(path: str | Path, shape: str = "auto") -> CaptureData:
    """Read a list-overlap table or an individual-level file (CSV, TSV or ``;``-separated).

    ``shape`` is ``"table"``, ``"individual"`` or ``"auto"``: a table when the last
    header is a count name (:data:`COUNT_COLUMN_NAMES`) or the last column holds any
    value other than 0/1; otherwise one row per case. Blank lines are skipped; line
    numbers in messages are those of the file.
    """
    name = str(path)
    if shape not in {"auto", "table", "individual"}:
        raise FileRefusedError(
            name, "mse-bad-shape", f"unknown shape {shape!r}", hint="use auto, table or individual"
        )
    header, body = _read_table(Path(path), name)
    if shape == "auto":
        shape = "table" if _looks_like_table(header, body) else "individual"
    lists = header[:-1] if shape == "table" else header
    check_list_count(len(lists), name)  # before 2**t histories are built
    rows: list[tuple[tuple[int, ...], int]] = []
    for line, row in body:
        history = tuple(_binary(v, name, line, c) for v, c in zip(row, lists, strict=False))
        count = _count(row[-1], name, line, header[-1]) if shape == "table" else 1
        if not any(history) and (count > 0 or shape == "individual"):
            raise FileRefusedError(
                name,
                "mse-no-list",
                f"line {line} is on no list, so it cannot have been observed",
                hint="remove the row, or mark the list(s) the case was found on",
            )
        rows.append((history, count))
    notes = []
    if shape == "individual":
        notes.append(f"aggregated {len(body)} case records into capture histories")
    data = CaptureData.from_rows(lists, rows, source=name, shape=shape, notes=notes)
    if data.observed == 0:
        raise FileRefusedError(
            name, "mse-no-cases", "every count is zero", hint="give the counts of cases seen"
        )
    return data


def _read_table(p: Path, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and numbered non-blank rows, each row as long as the header."""
    if not p.is_file():
        raise NotFoundError(
            f"{name}: no such file", hint="check the path; give a CSV of list columns"
        )
    try:
        text = p.read_text(encoding="utf-8-sig")
        if "\0" in text:
            raise FileRefusedError(
                name, "mse-encoding", "a binary file, not CSV text", hint="give a CSV file"
            )
    except UnicodeDecodeError as exc:
        raise FileRefusedError(
            name,
            "mse-encoding",
            f"not UTF-8 text ({exc.reason} at byte {exc.start})",
            hint="save the file as UTF-8 CSV",
        ) from exc
    lines = text.splitlines()
    numbered = [(k, line) for k, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise FileRefusedError(name, "mse-empty", "the file is empty", hint="add a header row")
    delimiter = _delimiter(numbered[0][1])
    try:
        parsed = [(k, next(csv.reader([line], delimiter=delimiter))) for k, line in numbered]
    except csv.Error as exc:  # a field past csv's size limit
        raise FileRefusedError(
            name, "mse-not-csv", f"cannot be read as CSV ({exc})", hint="give a CSV file"
        ) from exc
    header = [h.strip() for h in parsed[0][1]]
    body = parsed[1:]
    if not body:
        raise FileRefusedError(
            name,
            "mse-no-cases",
            "a header but no rows",
            hint="add one row per capture history (a table) or per case",
        )
    if len(set(header)) != len(header) or any(not h for h in header):
        raise FileRefusedError(
            name,
            "mse-duplicate-column",
            "column names must be unique and not empty: " + ", ".join(repr(h) for h in header),
            hint=_DUPLICATE_HINT,
        )
    for line, row in body:
        if len(row) != len(header):
            raise FileRefusedError(
                name,
                "mse-row-length",
                f"line {line} has {len(row)} fields, the header has {len(header)}",
                hint="give every row one value per column",
            )
    return header, body


def _delimiter(header_line: str) -> str:
    for candidate in ("\t", ";"):
        if candidate in header_line and "," not in header_line:
            return candidate
    return ","


def _looks_like_table(header: list[str], body: list[tuple[int, list[str]]]) -> bool:
    if header[-1].lower() in COUNT_COLUMN_NAMES:
        return True
    return any(row[-1].strip() not in {"0", "1"} for _, row in body)


def _binary(value: str, path: str, line: int, column: str) -> int:
    v = value.strip()
    if v in {"0", "1"}:
        return int(v)
    raise FileRefusedError(
        path,
        "mse-not-binary",
        f"line {line}, column {column!r}: {value!r} is not 0 or 1",
        hint="list columns hold 1 when the case is on that list and 0 when it is not",
    )


def _count(value: str, path: str, line: int, column: str) -> int:
    """A whole number of cases, 0 to :data:`MAX_COUNT` (``12.0`` is read as 12)."""
    v = value.strip()
    try:
        number = int(v) if v.isdigit() else float(v)
    except ValueError:
        number = float("nan")
    # a comparison, not np.isfinite: an int past 2**64 is no numpy type (nan fails it too)
    if not (0 <= number <= MAX_COUNT and number == int(number)):
        raise FileRefusedError(
            path,
            "mse-bad-count",
            f"line {line}, column {column!r}: {value!r} is not a count of cases",
            hint=f"the last column of a list-overlap table is a whole number from 0 to "
            f"{MAX_COUNT:,}",
        )
    return int(number)


def informative_lists(data: CaptureData) -> tuple[CaptureData, list[str]]:
    """Drop lists that carry no information about the dark figure, saying why.

    As SparseMSE's ``removenoninformativelists``: a list with no cases, a list holding
    every observed case (nobody is seen *off* it, so its capture probability is 1 and
    the dark figure would be 0 by construction) and a list identical to an earlier one.
    """
    warnings: list[str] = []
    totals = data.list_totals()
    keep: list[int] = []
    seen: dict[bytes, str] = {}
    for k, name in enumerate(data.lists):
        column = (data.histories[:, k] * (data.counts > 0)).astype(np.int8).tobytes()
        if totals[name] == 0:
            warnings.append(f"list {name} has no cases: dropped (it says nothing)")
        elif totals[name] == data.observed:
            only = int(
                data.counts[(data.histories.sum(axis=1) == 1) & (data.histories[:, k] == 1)].sum()
            )
            warnings.append(
                f"list {name} holds every observed case: dropped, as a list nobody is seen off "
                f"cannot inform the dark figure ({only} case(s) on it alone leave the "
                "estimation data)"
            )
        elif column in seen:
            warnings.append(f"list {name} has exactly the cases of list {seen[column]}: dropped")
        else:
            seen[column] = name
            keep.append(k)
    if len(keep) == data.t:
        return data, warnings
    if len(keep) < 2:
        raise FileRefusedError(
            data.source,
            "mse-too-few-lists",
            f"only {len(keep)} informative list(s) remain; at least two are needed",
            hint="; ".join(warnings) or None,
        )
    return data.select_lists(keep), warnings


__all__ = [
    "COUNT_COLUMN_NAMES",
    "MAX_COUNT",
    "MAX_LISTS",
    "CaptureData",
    "all_histories",
    "informative_lists",
    "read_capture_file",
]
