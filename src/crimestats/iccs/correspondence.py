"""Correspondence tables: a source's national offence codes mapped to ICCS codes.

A correspondence table is the first and surest way to code an offence (DESIGN.md
section 4): a person who read the ICCS definitions, inclusions and exclusions decided once
where each national code belongs. Tables are versioned CSV files with exactly the columns
``source,national_code,national_label,iccs_code,note,version``:

- ``iccs_code`` is the deepest ICCS code that is right for *every* offence the national
  code covers; where the national category is broader than one ICCS category it is a
  parent code and ``note`` says why. ``none`` (:data:`OUT_OF_SCOPE`) means the national
  category is outside ICCS (not a crime, e.g. NIBRS 09C justifiable homicide or police.uk
  anti-social behaviour): its offences stay without a code and never go to the
  autocoder or to review. An empty ``iccs_code`` means the category is a crime but too
  broad for any one code ("All other offenses"): each offence goes to the autocoder, and
  to review when it is unsure.
- ``version`` is the version of the table (bump it when an entry changes).

Bundled tables live in ``data/correspondence`` (see its PROVENANCE.md); a country adds
its own with :func:`read_table` (docs/correspondence.md). Answers from the review queue
become entries through :func:`merge_review_answers`, a pure function.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from crimestats.domain.iccs_codes import is_iccs_code
from crimestats.errors import MappingError, NotFoundError, UsageError

COLUMNS = ("source", "national_code", "national_label", "iccs_code", "note", "version")
"""The columns of every correspondence table, in order."""

BUNDLED_FILES = {
    "chicago": "chicago_iucr.csv",
    "nibrs": "nibrs.csv",
    "policeuk": "policeuk.csv",
    "code_crimedata": "code_crimedata.csv",
    "nypd_hate_crimes": "nypd_pd.csv",
    "chile": "chile_cum.csv",
    "ecuador_mdi": "ecuador_mdi.csv",
    "ipc_1860": "ipc_1860.csv",
    "wa_criminal_code": "wa_criminal_code.csv",
    "canada_criminal_code": "canada_criminal_code.csv",
    "texas_penal_code": "texas_penal_code.csv",
    "south_sudan_penal_code": "south_sudan_penal_code.csv",
    "singapore_penal_code": "singapore_penal_code.csv",
    "washington_criminal_code": "washington_criminal_code.csv",
    "zambia_penal_code": "zambia_penal_code.csv",
    "home_office_classes": "home_office_classes.csv",
    "rwanda_penal_code": "rwanda_penal_code.csv",
    "us_code_title_18": "us_code_title_18.csv",
    "kazakhstan_penal_code": "kazakhstan_penal_code.csv",
    "taiwan_criminal_code": "taiwan_criminal_code.csv",
    "hawaii_penal_code": "hawaii_penal_code.csv",
    "ghana_criminal_offences_act": "ghana_criminal_offences_act.csv",
    "virginia_code_18_2": "virginia_code_18_2.csv",
    "swiss_criminal_code": "swiss_criminal_code.csv",
    "ukraine_criminal_code": "ukraine_criminal_code.csv",
}
"""Bundled tables by ``source`` value (the value ingest writes to ``offences.source``)."""

OUT_OF_SCOPE = "none"
"""What a table writes in ``iccs_code`` for a national category outside ICCS (not a crime)."""


@dataclass(frozen=True, slots=True)
class CorrespondenceEntry:
    """One national code and the ICCS code it corresponds to.

    ``iccs_code`` None with ``out_of_scope`` means the category is not a crime in ICCS
    terms (never coded); None without it means "no single code" (coded case by case).
    """

    source: str
    national_code: str
    national_label: str
    iccs_code: str | None
    note: str = ""
    version: str = "1"
    out_of_scope: bool = False

    def as_row(self) -> dict[str, str]:
        """The entry as a CSV row (``none`` out of scope, empty for no single code)."""
        return {
            "source": self.source,
            "national_code": self.national_code,
            "national_label": self.national_label,
            "iccs_code": OUT_OF_SCOPE if self.out_of_scope else self.iccs_code or "",
            "note": self.note,
            "version": self.version,
        }


class CorrespondenceTable:
    """The entries of one or more sources, looked up by ``(source, national_code)``."""

    def __init__(self, entries: Iterable[CorrespondenceEntry]) -> None:
        self._entries = tuple(entries)
        self._by_key = {(e.source, e.national_code): e for e in self._entries}

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[CorrespondenceEntry]:
        return iter(self._entries)

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources the table covers, in first-seen order."""
        return tuple(dict.fromkeys(e.source for e in self._entries))

    def lookup(self, source: str, national_code: str) -> CorrespondenceEntry | None:
        """The entry for a national code of a source, or None when the table lacks it."""
        return self._by_key.get((source, national_code.strip()))

    def without(self, source: str) -> CorrespondenceTable:
        """The table minus one source (for leave-one-source-out evaluation)."""
        return CorrespondenceTable(e for e in self._entries if e.source != source)

    def only(self, source: str) -> CorrespondenceTable:
        """The entries of one source."""
        return CorrespondenceTable(e for e in self._entries if e.source == source)


def read_table(path: str | Path) -> CorrespondenceTable:
    """Read and check a correspondence CSV; every problem names the file, row and fix.

    Raises MappingError when the header is not exactly :data:`COLUMNS`, an ICCS code is
    not a code of ICCS v1.0, or a ``(source, national_code)`` pair repeats.
    """
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"no correspondence table at {path}", hint="check the path")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return _parse(csv.DictReader(handle), str(path))


def _parse(reader: csv.DictReader[str], where: str) -> CorrespondenceTable:
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise MappingError(
            f"{where}: the header is {reader.fieldnames}, not the correspondence columns",
            hint=f"use exactly these columns in this order: {','.join(COLUMNS)}",
        )
    entries: list[CorrespondenceEntry] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=2):
        code = (row["iccs_code"] or "").strip()
        outside = code.lower() == OUT_OF_SCOPE
        if code and not outside and not is_iccs_code(code):
            raise MappingError(
                f"{where}, line {line}: {code!r} is not a code of ICCS v1.0",
                hint="check the code with `crimestats iccs show CODE`; keep leading zeros; "
                f"write {OUT_OF_SCOPE!r} for a category that is not a crime",
            )
        entry = CorrespondenceEntry(
            source=row["source"].strip(),
            national_code=row["national_code"].strip(),
            national_label=row["national_label"].strip(),
            iccs_code=None if outside else code or None,
            note=row["note"] or "",
            version=row["version"].strip(),
            out_of_scope=outside,
        )
        if not entry.source or not entry.national_code:
            raise MappingError(
                f"{where}, line {line}: source and national_code must not be empty",
                hint="fill both; a text-only category uses its label as national_code",
            )
        key = (entry.source, entry.national_code)
        if key in seen:
            raise MappingError(
                f"{where}, line {line}: {key[1]!r} of source {key[0]!r} appears twice",
                hint="keep one row per national code",
            )
        seen.add(key)
        entries.append(entry)
    return CorrespondenceTable(entries)


def write_table(entries: Iterable[CorrespondenceEntry], path: str | Path) -> None:
    """Write entries as a correspondence CSV (UTF-8, header :data:`COLUMNS`)."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(e.as_row() for e in entries)


def _package_text(name: str) -> str:
    return (resources.files("crimestats") / "data" / "correspondence" / name).read_text(
        encoding="utf-8"
    )


def bundled_sources() -> tuple[str, ...]:
    """The ``source`` values of the bundled tables."""
    return tuple(BUNDLED_FILES)


@cache
def load_bundled(source: str | None = None) -> CorrespondenceTable:
    """A bundled table (one source), or all of them when ``source`` is None."""
    if source is None:
        return CorrespondenceTable(e for s in BUNDLED_FILES for e in load_bundled(s))
    if source not in BUNDLED_FILES:
        raise NotFoundError(
            f"no bundled correspondence table for source {source!r}",
            hint=f"bundled sources: {', '.join(BUNDLED_FILES)}",
        )
    text = _package_text(BUNDLED_FILES[source])
    return _parse(csv.DictReader(io.StringIO(text)), f"data/correspondence/{BUNDLED_FILES[source]}")


@cache
def record_counts() -> dict[tuple[str, str], int]:
    """Records per ``(source, national_code)`` in the bundled incident samples.

    Used to weight evaluation by records, not by categories: a category seen 675 times
    (Chicago "DOMESTIC BATTERY SIMPLE") matters more than one seen once. Ecuador's rows
    are its 2024 extract (``ecuador_mdi_records.csv``, appended). Sources without
    incident data (NIBRS, Chile) are absent; weight their categories 1.
    """
    rows = csv.DictReader(io.StringIO(_package_text("record_counts.csv")))
    return {(row["source"], row["national_code"]): int(row["records"]) for row in rows}


@cache
def chile_descriptions() -> dict[str, str]:
    """Legal descriptions (Spanish) of the Chilean national codes, extra training text."""
    rows = csv.DictReader(io.StringIO(_package_text("chile_cum_descriptions.csv")))
    return {row["national_code"]: row["description"] for row in rows}


@dataclass(frozen=True, slots=True)
class ReviewAnswer:
    """A person's answer to one review-queue item: this national code is this ICCS code.

    For offences with no national code, ``national_code`` is the description text itself
    (the review queue shows distinct texts). ``iccs_code`` None means the person said
    "not a crime": the entry it becomes is out of scope.
    """

    source: str
    national_code: str
    national_label: str
    iccs_code: str | None
    reviewer: str = ""
    note: str = ""


def merge_review_answers(
    entries: Sequence[CorrespondenceEntry],
    answers: Sequence[ReviewAnswer],
    *,
    version: str,
) -> list[CorrespondenceEntry]:
    """Entries with the review answers merged in; the inputs are not changed.

    An answer for a national code the table lacks adds an entry; an answer for one it
    has replaces it when the ICCS code differs (a person's decision outranks an older
    one) and keeps it untouched when the code is the same. Changed and added entries get
    ``version``; ``note`` records the reviewer. Two answers that give the same national
    code different ICCS codes are refused (UsageError): resolve them first.
    """
    decided: dict[tuple[str, str], ReviewAnswer] = {}
    for answer in answers:
        if answer.iccs_code is not None and not is_iccs_code(answer.iccs_code):
            raise UsageError(
                f"review answer for {answer.national_code!r}: {answer.iccs_code!r} "
                "is not a code of ICCS v1.0",
                hint="correct the answer with a code from `crimestats iccs search`",
            )
        key = (answer.source, answer.national_code.strip())
        earlier = decided.get(key)
        if earlier is not None and earlier.iccs_code != answer.iccs_code:
            raise UsageError(
                f"two review answers disagree on {key[1]!r} of {key[0]!r}: "
                f"{earlier.iccs_code} and {answer.iccs_code}",
                hint="keep one answer per national code",
            )
        decided[key] = answer

    def reviewed(answer: ReviewAnswer, label: str) -> CorrespondenceEntry:
        who = f"reviewed by {answer.reviewer}" if answer.reviewer else "reviewed"
        note = f"{who}: {answer.note}" if answer.note else who
        return CorrespondenceEntry(
            source=answer.source,
            national_code=answer.national_code.strip(),
            national_label=label,
            iccs_code=answer.iccs_code,
            note=note,
            version=version,
            out_of_scope=answer.iccs_code is None,
        )

    merged: list[CorrespondenceEntry] = []
    for entry in entries:
        key = (entry.source, entry.national_code)
        same = key in decided and (decided[key].iccs_code, decided[key].iccs_code is None) == (
            entry.iccs_code,
            entry.out_of_scope,
        )
        if key not in decided or same:
            decided.pop(key, None)
            merged.append(entry)
        else:
            merged.append(reviewed(decided.pop(key), entry.national_label))
    merged.extend(reviewed(a, a.national_label) for a in decided.values())
    return merged
