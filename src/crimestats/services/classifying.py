"""Code every offence in the store to ICCS, and learn from the people who review it.

Order (ISSUE 3, DESIGN.md section 4): a code the source gave stays; then correspondence
(entries decided by people in the store, then tables given on the command line, then the
bundled tables); then the autocoder on each distinct text once. A model coding below the
review threshold is flagged for review; a reviewer's answer becomes a correspondence
entry in the store, which the model never overrides.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NotRequired, TypedDict

import duckdb

from crimestats.domain.iccs_codes import is_iccs_code
from crimestats.errors import UsageError
from crimestats.iccs.coding_files import refuse_repeated_columns
from crimestats.iccs.correspondence import (
    OUT_OF_SCOPE,
    CorrespondenceEntry,
    CorrespondenceTable,
    ReviewAnswer,
    load_bundled,
    merge_review_answers,
    read_table,
)
from crimestats.iccs.review_queue import ReviewGroup, deciding_rule, review_items
from crimestats.iccs.text import normalise
from crimestats.output_files import check_output_file, open_text
from crimestats.storage.coding import (
    CODING_KEY,
    TEXT,
    GroupCoding,
    OffenceGroup,
    coding_summary,
    groups_to_code,
    needing_review,
    replace_entries,
    stored_entries,
    write_codings,
)
from crimestats.storage.review_policy import (
    ReviewPolicy,
    clear_review_policy,
    review_policies,
    set_review_policy,
)
from crimestats.storage.store import open_store

REVIEW_COLUMNS = (
    "source", "national_code", "national_label", "text", "offences", "other_codes",
    "suggested_code", "suggested_label", "confidence", "alternatives", "review_reason",
    "deciding_rule", "iccs_code", "reviewer", "note",
)  # fmt: skip
"""Columns of a review file: the reviewer fills ``iccs_code`` (and may add a note).
One row per distinct text of a source, most records first; ``other_codes`` lists the
other national codes with that text, which the answer codes too; ``deciding_rule`` is
the line of ICCS that separates the two likeliest codes."""

NO_CODE = (OUT_OF_SCOPE, "-", "not a crime")
"""What a reviewer writes in ``iccs_code`` for a category that gets no ICCS code."""


class ReviewQueue(TypedDict):
    """Where ``classify --review-out`` wrote the groups left for a person to code."""

    file: str
    groups: int


class ClassifySummary(TypedDict):
    """``crimestats classify --json``: what one run coded, by method, and the store's
    coding state after it (``store``); the CLI adds ``review_queue`` when it wrote one."""

    groups: int
    offences: int
    by_method: dict[str, int]
    distinct_texts_modelled: int
    needs_review: int
    store: dict[str, int]
    review_queue: NotRequired[ReviewQueue]


@dataclass(slots=True)
class ClassifyResult:
    """What ``classify`` did."""

    groups: int = 0
    offences: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    distinct_texts_modelled: int = 0
    needs_review: int = 0
    store_summary: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> ClassifySummary:
        """JSON-ready form."""
        return {
            "groups": self.groups,
            "offences": self.offences,
            "by_method": dict(sorted(self.by_method.items())),
            "distinct_texts_modelled": self.distinct_texts_modelled,
            "needs_review": self.needs_review,
            "store": self.store_summary,
        }


def _tables(
    people: Sequence[CorrespondenceEntry], files: Sequence[Path]
) -> tuple[CorrespondenceTable, CorrespondenceTable]:
    """(entries decided by people, every other table in order of precedence)."""
    given: list[CorrespondenceEntry] = []
    for path in files:
        try:
            given.extend(read_table(path))
        except UnicodeDecodeError:
            raise UsageError(
                f"{path} is not UTF-8 text", hint="save the correspondence table as UTF-8 CSV"
            ) from None
        except csv.Error as exc:  # a NUL byte, a field past the size limit
            raise UsageError(
                f"{path} is not a CSV file ({exc})",
                hint="give a correspondence CSV (see docs/correspondence.md)",
            ) from None
    seen = {(e.source, e.national_code) for e in given}
    rest = given + [e for e in load_bundled() if (e.source, e.national_code) not in seen]
    return CorrespondenceTable(people), CorrespondenceTable(rest)


def classify(
    db: str | os.PathLike[str] | None = None,
    *,
    correspondence: Sequence[str | Path] = (),
    recode_model: bool = True,
) -> ClassifyResult:
    """Code every offence that has no code yet (and refresh the model's own codings)."""
    from crimestats.iccs.autocoder import Autocoder

    result = ClassifyResult()
    with open_store(db) as con:
        people_entries = stored_entries(con)
        people, tables = _tables(people_entries, [Path(p) for p in correspondence])
        reviewed_whole = review_policies(con)
        groups = groups_to_code(con, recode_model=recode_model)
        codings: list[GroupCoding] = []
        to_model: list[OffenceGroup] = []
        for group in groups:
            entry = people.lookup(group.source, group.key)
            method = "manual"
            if entry is None:
                entry, method = tables.lookup(group.source, group.key), "correspondence"
            # a person's answer, a code, or "not a crime" (out of scope) is final
            decided = entry is not None and (
                entry.iccs_code is not None or entry.out_of_scope or method == "manual"
            )
            if entry is not None and decided:  # (mypy needs entry narrowed again)
                codings.append(
                    GroupCoding(group.source, group.key, entry.iccs_code, method, 1.0, False)
                )
            else:  # no entry, or a table says "no single code": the model tries, a person checks
                to_model.append(group)
        if to_model:
            training = CorrespondenceTable([*people, *tables])
            model = Autocoder.fit_default(training)
            coded = model.code_texts([g.text for g in to_model])
            result.distinct_texts_modelled = len({g.text for g in to_model})
            for group, coding in zip(to_model, coded, strict=True):
                codings.append(
                    GroupCoding(
                        group.source,
                        group.key,
                        coding.code,
                        "model",
                        round(coding.confidence, 4),
                        coding.needs_review or group.source in reviewed_whole,
                    )
                )
        write_codings(con, codings)
        by_method: Counter[str] = Counter()
        by_group = {(g.source, g.key): g.offences for g in groups}
        for c in codings:
            n = by_group[(c.source, c.key)]
            by_method[c.method] += n
            result.needs_review += n if c.needs_review else 0
        result.groups = len(groups)
        result.offences = sum(by_group.values())
        result.by_method = dict(by_method)
        result.store_summary = coding_summary(con)
    return result


def export_review(
    db: str | os.PathLike[str] | None,
    out: Path,
    *,
    overwrite: bool = False,
    option: str = "--out",
) -> int:
    """Write the review queue (one row per distinct text of a source needing review, most
    records first, :mod:`crimestats.iccs.review_queue`); returns its length.

    The file is written atomically, and an existing one only replaced with ``overwrite``.
    """
    from crimestats.iccs.autocoder import Autocoder

    check_output_file(out, overwrite=overwrite, option=option)  # before fitting the model
    with open_store(db) as con:
        groups = needing_review(con)
        people, tables = _tables(stored_entries(con), [])
        reviewed_whole = review_policies(con)
    model = Autocoder.fit_default(CorrespondenceTable([*people, *tables])) if groups else None
    codings = model.code_texts([g.text for g in groups]) if model else []
    items = review_items(
        [ReviewGroup(g.source, g.key, g.label, g.text, g.offences) for g in groups], codings
    )
    with open_text(out, overwrite=overwrite, option=option) as handle:
        writer = csv.DictWriter(handle, fieldnames=REVIEW_COLUMNS)
        writer.writeheader()
        for item in items:
            coding, best = item.coding, item.coding.top3[0] if item.coding.top3 else None
            writer.writerow(
                {
                    "source": item.source,
                    "national_code": item.first.key,
                    "national_label": item.first.label or "",
                    "text": item.text,
                    "offences": item.offences,
                    "other_codes": "; ".join(g.key for g in item.groups[1:]),
                    "suggested_code": coding.code or "",
                    "suggested_label": best.label if best else "",
                    "confidence": f"{coding.confidence:.3f}",
                    "alternatives": "; ".join(
                        f"{c.code} {c.label} ({c.probability:.2f})" for c in coding.top3
                    ),
                    "review_reason": "; ".join(
                        _reasons(coding.review_reasons, reviewed_whole.get(item.source))
                    ),
                    "deciding_rule": deciding_rule(coding),
                    "iccs_code": "",
                    "reviewer": "",
                    "note": "",
                }
            )
    return len(items)


def _reasons(model: Sequence[str], policy: ReviewPolicy | None) -> list[str]:
    """Why a group is in the review queue: the model's reasons, then its source's policy."""
    return [*model, policy.review_reason()] if policy else list(model)


def review_whole_source(
    db: str | os.PathLike[str] | None, source: str, *, reason: str, set_by: str
) -> ReviewPolicy:
    """Send every model coding of ``source`` to review, from the next ``classify`` on
    (:mod:`crimestats.storage.review_policy`); returns the policy as stored."""
    with open_store(db) as con:
        return set_review_policy(con, source, reason, set_by)


def stop_reviewing_whole_source(db: str | os.PathLike[str] | None, source: str) -> bool:
    """Take ``source``'s policy away (its codings follow the review threshold again at the
    next ``classify``); False when it had none."""
    with open_store(db) as con:
        return clear_review_policy(con, source)


REVIEW_REQUIRED = ("source", "national_code", "iccs_code")
"""The columns an imported review file must have (the others are for the reviewer)."""


def _review_rows(path: Path) -> list[dict[str, str | None]]:
    """The rows of a review file, or one UsageError saying why it is not one."""
    again = "start from the file 'crimestats review export' writes"
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a review file", hint="give the CSV file")
    try:
        text = path.read_text(encoding="utf-8-sig")
        if "\0" in text:
            raise UsageError(f"{path} is a binary file, not a CSV file", hint=again)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = list(reader.fieldnames or [])
        rows = list(reader)
    except FileNotFoundError:
        raise UsageError(f"no review file {path}", hint="check the path") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8", hint="save the review file as UTF-8") from None
    except csv.Error as exc:  # a field past the size limit, a broken quote: not a CSV file
        raise UsageError(f"{path} is not a CSV file ({exc})", hint=again) from None
    if not header:
        raise UsageError(f"{path} is empty", hint=again)
    refuse_repeated_columns(path, header)  # csv.DictReader would keep the last silently
    missing = [c for c in REVIEW_REQUIRED if c not in header]
    if missing:
        raise UsageError(f"{path}: missing column(s) {', '.join(missing)}", hint=again)
    return rows


def _answers(path: Path, reviewer: str | None) -> list[tuple[ReviewAnswer, str]]:
    """Each answer with the text its row shows ("" for a file without the column)."""
    answers = []
    for number, row in enumerate(_review_rows(path), start=2):
        code = (row.get("iccs_code") or "").strip()
        if not code:
            continue  # not reviewed yet
        source, national = (row.get("source") or "").strip(), (row.get("national_code") or "")
        if not source or not national.strip():
            raise UsageError(
                f"{path}, line {number}: an answer without its source or national_code",
                hint="keep the source and national_code columns as exported",
            )
        if code.lower() not in NO_CODE and not is_iccs_code(code):
            raise UsageError(
                f"{path}, line {number}: {code!r} is not a code of ICCS v1.0",
                hint="correct the answer with a code from 'crimestats iccs search' "
                "(leading zeros kept), or write 'none' for not a crime",
            )
        answer = ReviewAnswer(
            source=source,
            national_code=national.strip(),
            national_label=(row.get("national_label") or "").strip(),
            iccs_code=None if code.lower() in NO_CODE else code,
            reviewer=(row.get("reviewer") or reviewer or "").strip(),
            note=(row.get("note") or "").strip() + f" (line {number})",
        )
        answers.append((answer, row.get("text") or ""))
    if not answers:
        raise UsageError(
            f"{path} holds no answer: every iccs_code is blank",
            hint="fill in iccs_code for the rows you reviewed, then import the file again",
        )
    return answers


def _same_text(
    con: duckdb.DuckDBPyConnection, answers: Sequence[tuple[ReviewAnswer, str]]
) -> list[ReviewAnswer]:
    """The answers, and for each one that shows its text, the same answer for every other
    coding key of its source whose text normalises the same and that the model coded (or
    nobody has): the review queue showed them as one row. A key a table, the source or a
    person decided is left alone, and an explicit answer for a key wins over a copy."""
    explicit = {(a.source, a.national_code): a for a, _ in answers}
    wanted = {(a.source, normalise(text)): a for a, text in answers if text.strip()}
    sources = sorted({source for source, _ in wanted})
    rows = con.execute(
        f"SELECT DISTINCT source, {CODING_KEY}, {TEXT} FROM offences WHERE source IN "
        f"(SELECT unnest(?)) AND (iccs_method IS NULL OR iccs_method = 'model') "
        f"AND {CODING_KEY} IS NOT NULL ORDER BY 1, 2",
        [sources],
    ).fetchall()
    copies: dict[tuple[str, str], ReviewAnswer] = {}
    for source, key, text in rows:
        answer = wanted.get((source, normalise(text or "")))
        if answer is not None and (source, key) not in explicit:
            copies.setdefault(
                (source, key),
                replace(
                    answer, national_code=key, national_label="", note=f"{answer.note}, same text"
                ),
            )
    return [*explicit.values(), *copies.values()]


def import_review(
    db: str | os.PathLike[str] | None, path: Path, *, reviewer: str | None = None
) -> dict[str, int]:
    """Turn a reviewed file's answers into correspondence entries and apply them to every
    offence of the same source with the answered text (see :func:`_same_text`)."""
    rows = _answers(path, reviewer)
    with open_store(db) as con:
        answers = _same_text(con, rows)
        version = datetime.now(UTC).strftime("review-%Y%m%dT%H%M%S")
        merged = merge_review_answers(stored_entries(con), answers, version=version)
        replace_entries(con, merged)
        codings = [
            GroupCoding(a.source, a.national_code, a.iccs_code, "manual", 1.0, False)
            for a in answers
        ]
        updated = write_codings(con, codings)
    return {
        "answers": len(rows),
        "national_codes": len(answers),
        "offences_updated": updated,
        "entries": len(merged),
    }
