"""Code every offence in the store to ICCS, and learn from the people who review it.

Order (ISSUE 3, DESIGN.md section 4): a code the source gave stays; then correspondence
(entries decided by people in the store, then tables given on the command line, then the
bundled tables); then the autocoder on each distinct text once. A model coding below the
review threshold is flagged for review; a reviewer's answer becomes a correspondence
entry in the store, which the model never overrides.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crimestats.errors import UsageError
from crimestats.iccs.correspondence import (
    OUT_OF_SCOPE,
    CorrespondenceEntry,
    CorrespondenceTable,
    ReviewAnswer,
    load_bundled,
    merge_review_answers,
    read_table,
)
from crimestats.storage.coding import (
    GroupCoding,
    OffenceGroup,
    coding_summary,
    groups_to_code,
    needing_review,
    replace_entries,
    stored_entries,
    write_codings,
)
from crimestats.storage.store import open_store

REVIEW_COLUMNS = (
    "source", "national_code", "national_label", "text", "offences", "suggested_code",
    "suggested_label", "confidence", "alternatives", "iccs_code", "reviewer", "note",
)  # fmt: skip
"""Columns of a review file: the reviewer fills ``iccs_code`` (and may add a note)."""

NO_CODE = (OUT_OF_SCOPE, "-", "not a crime")
"""What a reviewer writes in ``iccs_code`` for a category that gets no ICCS code."""


@dataclass(slots=True)
class ClassifyResult:
    """What ``classify`` did."""

    groups: int = 0
    offences: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    distinct_texts_modelled: int = 0
    needs_review: int = 0
    store_summary: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
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
        given.extend(read_table(path))
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
                        coding.needs_review,
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


def export_review(db: str | os.PathLike[str] | None, out: Path) -> int:
    """Write the review queue (one row per group needing review); returns its length."""
    from crimestats.iccs.autocoder import Autocoder

    with open_store(db) as con:
        groups = needing_review(con)
        people, tables = _tables(stored_entries(con), [])
    model = Autocoder.fit_default(CorrespondenceTable([*people, *tables])) if groups else None
    codings = model.code_texts([g.text for g in groups]) if model else []
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REVIEW_COLUMNS)
        writer.writeheader()
        for group, coding in zip(groups, codings, strict=True):
            best = coding.top3[0] if coding.top3 else None
            writer.writerow(
                {
                    "source": group.source,
                    "national_code": group.key,
                    "national_label": group.label or "",
                    "text": group.text,
                    "offences": group.offences,
                    "suggested_code": coding.code or "",
                    "suggested_label": best.label if best else "",
                    "confidence": f"{coding.confidence:.3f}",
                    "alternatives": "; ".join(
                        f"{c.code} {c.label} ({c.probability:.2f})" for c in coding.top3
                    ),
                    "iccs_code": "",
                    "reviewer": "",
                    "note": "",
                }
            )
    return len(groups)


def _answers(path: Path, reviewer: str | None) -> list[ReviewAnswer]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise UsageError(f"no review file {path}", hint="check the path") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8", hint="save the review file as UTF-8") from None
    answers = []
    for number, row in enumerate(rows, start=2):
        missing = [c for c in ("source", "national_code", "iccs_code") if c not in row]
        if missing:
            raise UsageError(
                f"{path}: missing column(s) {', '.join(missing)}",
                hint="start from the file 'crimestats review export' writes",
            )
        code = (row.get("iccs_code") or "").strip()
        if not code:
            continue  # not reviewed yet
        answers.append(
            ReviewAnswer(
                source=row["source"].strip(),
                national_code=row["national_code"].strip(),
                national_label=(row.get("national_label") or "").strip(),
                iccs_code=None if code.lower() in NO_CODE else code,
                reviewer=(row.get("reviewer") or reviewer or "").strip(),
                note=(row.get("note") or "").strip() + f" (line {number})",
            )
        )
    return answers


def import_review(
    db: str | os.PathLike[str] | None, path: Path, *, reviewer: str | None = None
) -> dict[str, int]:
    """Turn a reviewed file's answers into correspondence entries and apply them."""
    answers = _answers(path, reviewer)
    with open_store(db) as con:
        version = datetime.now(UTC).strftime("review-%Y%m%dT%H%M%S")
        merged = merge_review_answers(stored_entries(con), answers, version=version)
        replace_entries(con, merged)
        codings = [
            GroupCoding(a.source, a.national_code, a.iccs_code, "manual", 1.0, False)
            for a in answers
        ]
        updated = write_codings(con, codings)
    return {"answers": len(answers), "offences_updated": updated, "entries": len(merged)}
