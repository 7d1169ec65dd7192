"""Steward endpoints: load files, see the loads and the quarantine, review ICCS codes.

Why a load lock apart from the audit lock: a load may take minutes, and every request
appends to the audit log; holding the audit lock through a load would stall every
reader. Loads go one at a time (``ServeStore.loading``) in their own transactions
(:func:`crimestats.services.ingesting.ingest_files` opens the store by path, which
DuckDB resolves to the server's own database instance), and readers, on their own
cursors, see a load all at once when it commits, never half of it. An upload's load runs
on one DuckDB thread from a thread of lower priority (:mod:`crimestats.serve.loads`),
so that the public's answers keep a core meanwhile.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, Response, UploadFile
from pydantic import BaseModel, Field

from crimestats.errors import CrimestatsError
from crimestats.govern.roles import Role
from crimestats.serve import audit, uploads
from crimestats.serve.auth import Caller, needs
from crimestats.serve.loads import run_load
from crimestats.serve.responses import json_bytes, page_of, respond, table_body, wanted_format
from crimestats.serve.store import ServeStore

router = APIRouter(prefix="/v1")
Steward = Annotated[Caller, Depends(needs(Role.STEWARD))]


def _unprocessable(exc: CrimestatsError) -> HTTPException:
    return HTTPException(422, {"error": exc.message, "fix": exc.hint})


@router.post("/ingest")
async def ingest(
    request: Request,
    caller: Steward,
    file: Annotated[UploadFile, File(description="the file to load")],
    source: Annotated[str, Form(description="the source's name, e.g. memphis")],
    mapping: Annotated[UploadFile | None, File(description="a mapping (YAML)")] = None,
    replace: Annotated[bool, Form()] = False,
) -> Response:
    """Load one file; answers with its reconciliation (read = accepted + quarantined +
    duplicates) as ``crimestats ingest --json`` would."""
    from crimestats.services.ingesting import ingest_files, summarise

    store = ServeStore.of(request)
    limit = request.app.state.settings.max_body_bytes
    with uploads.private_folder() as folder:
        data = await uploads.save(file, folder, "upload", limit)
        rules = await uploads.save(mapping, folder, "mapping", limit) if mapping else None
        if rules is not None and rules.suffix not in {".yaml", ".yml"}:
            rules = rules.rename(folder / "mapping.yaml")

        def load() -> dict[str, Any]:
            with store.loading():
                results = ingest_files(
                    [data], source=source, db=store.path, mapping=rules, replace=replace
                )
            return summarise(results)

        try:
            summary = await run_load(load)
        except CrimestatsError as exc:
            raise _unprocessable(exc) from None
    for entry in summary["files"]:
        entry["file"] = uploads.client_label(file.filename)
    body = json_bytes(summary)
    await audit.record_async(
        request, caller, "ingest", rows_out=int(summary["accepted"]), body=body,
        extra={"source": source, "file": uploads.client_label(file.filename)},
    )  # fmt: skip
    status = 422 if summary["refused"] else 200
    return Response(body, status_code=status, media_type="application/json")


@router.get("/ingests")
def ingests(request: Request, caller: Steward, source: str | None = None) -> Response:
    """Every load, oldest first, with its reconciliation and state."""
    from dataclasses import asdict

    from crimestats.storage.sources import IngestRecord, ingest_records

    page = page_of(request)
    with ServeStore.of(request).reader() as con:
        records = ingest_records(con, source)
    rows = [asdict(r) for r in page.cut(records)]
    body, media = table_body(
        wanted_format(request), list(IngestRecord.__dataclass_fields__), rows,
        {"total": len(records)},
    )  # fmt: skip
    audit.record(request, caller, "ingests.list", rows_out=len(rows), body=body)
    return respond(body, media)


_QUARANTINE_COLUMNS = ["source", "file", "line", "codes", "problems", "fixes", "raw"]


@router.get("/quarantine")
def quarantine(request: Request, caller: Steward, source: str | None = None) -> Response:
    """Rows a load rejected, with each reason's message and fix."""
    from crimestats.services.quarantine import _explain

    page = page_of(request)
    where, args = ("WHERE source = ?", [source]) if source else ("", [])
    with ServeStore.of(request).reader() as con:
        total = con.execute(f"SELECT count(*) FROM quarantine {where}", args).fetchone()
        records = con.execute(
            f"SELECT source, file, row_number, reasons, raw FROM quarantine {where} "
            "ORDER BY ingest_id, row_number LIMIT ? OFFSET ?",
            [*args, page.limit, page.offset],
        ).fetchall()
    rows = []
    for src, name, row_number, reasons, raw in records:
        codes, problems, fixes = _explain(reasons, src)
        line = None if row_number is None else int(row_number) + 1
        rows.append({"source": src, "file": name, "line": line, "codes": codes,
                     "problems": problems, "fixes": fixes, "raw": raw})  # fmt: skip
    body, media = table_body(
        wanted_format(request), _QUARANTINE_COLUMNS, rows, {"total": int(total[0]) if total else 0}
    )
    audit.record(request, caller, "quarantine.list", rows_out=len(rows), body=body)
    return respond(body, media)


_REVIEW_COLUMNS = ["source", "national_code", "national_label", "text", "offences",
                   "suggested_code", "suggested_label", "confidence"]  # fmt: skip


@router.get("/review")
def review_queue(request: Request, caller: Steward) -> Response:
    """The ICCS review queue: groups the model coded below the review threshold, with
    its code as the suggestion."""
    from crimestats.iccs.classification import load_classification
    from crimestats.storage.coding import CODING_KEY, needing_review

    page = page_of(request)
    with ServeStore.of(request).reader() as con:
        groups = needing_review(con)
        suggested = {
            (r[0], r[1]): (r[2], r[3])
            for r in con.execute(
                f"SELECT source, {CODING_KEY} AS key, mode(iccs_code), max(iccs_confidence) "
                "FROM offences WHERE needs_review GROUP BY source, key"
            ).fetchall()
        }
    iccs = load_classification()
    rows = []
    for g in page.cut(groups):
        code, confidence = suggested.get((g.source, g.key), (None, None))
        label = iccs.get(code).label if code and code in iccs else None
        score = None if confidence is None else round(confidence, 3)
        rows.append({"source": g.source, "national_code": g.key, "national_label": g.label,
                     "text": g.text, "offences": g.offences, "suggested_code": code,
                     "suggested_label": label, "confidence": score})  # fmt: skip
    body, media = table_body(wanted_format(request), _REVIEW_COLUMNS, rows, {"total": len(groups)})
    audit.record(request, caller, "review.list", rows_out=len(rows), body=body)
    return respond(body, media)


class ReviewAnswerIn(BaseModel):
    """A reviewer's decision on one group: an ICCS code, or ``none`` (not a crime)."""

    source: str = Field(min_length=1, max_length=200)
    national_code: str = Field(min_length=1, max_length=500)
    iccs_code: str = Field(min_length=1, max_length=20)
    note: str = Field(default="", max_length=2000)


class ReviewAnswersIn(BaseModel):
    answers: list[ReviewAnswerIn] = Field(min_length=1, max_length=10_000)


@router.post("/review")
def review_answer(request: Request, caller: Steward, payload: ReviewAnswersIn) -> Response:
    """Accept or change codes: each answer becomes a correspondence entry in the store
    (as ``crimestats review import`` does), and the group's offences are recoded."""
    from crimestats.services.classifying import REVIEW_COLUMNS, import_review

    store = ServeStore.of(request)
    with uploads.private_folder() as folder:
        path = folder / "review.csv"
        _write_review(path, payload, REVIEW_COLUMNS, caller.name)
        try:
            with store.loading():
                outcome = import_review(store.path, path, reviewer=caller.name)
        except CrimestatsError as exc:
            raise _unprocessable(exc) from None
    body = json_bytes(outcome)
    audit.record(
        request, caller, "review.answer", rows_out=outcome["answers"], body=body,
        extra={"answers": [a.model_dump() for a in payload.answers][:50]},
    )  # fmt: skip
    return respond(body, "application/json")


def _write_review(
    path: Path, payload: ReviewAnswersIn, columns: tuple[str, ...], reviewer: str
) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for a in payload.answers:
            writer.writerow({"source": a.source, "national_code": a.national_code,
                             "iccs_code": a.iccs_code, "reviewer": reviewer,
                             "note": a.note})  # fmt: skip


class ReleaseIn(BaseModel):
    """What a steward may choose for a release; the folder is the server's to name."""

    threshold: int | None = Field(default=None, ge=1, le=100)
    as_of: str | None = Field(default=None, max_length=40)


@router.post("/releases")
def release(request: Request, caller: Steward, payload: ReleaseIn) -> Response:
    """Build, record and publish a protected release of the store, as ``crimestats
    release`` does (:mod:`crimestats.serve.publishing`); answers its id and tables."""
    from crimestats.serve.publishing import publish

    root: Path = request.app.state.settings.releases_folder
    try:
        result = publish(
            ServeStore.of(request), root, threshold=payload.threshold, as_of=payload.as_of
        )
    except CrimestatsError as exc:
        raise _unprocessable(exc) from None
    finally:
        request.app.state.releases.invalidate()
    body = json_bytes(
        {"release_id": result.release_id, "tables": result.tables, "files": result.files}
    )
    audit.record(
        request, caller, "release", rows_out=len(result.files), body=body,
        extra=payload.model_dump(),
    )  # fmt: skip
    return Response(body, status_code=201, media_type="application/json")
