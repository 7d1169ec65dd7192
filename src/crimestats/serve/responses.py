"""JSON by default, CSV on request; one page of a list at a time.

Why the bytes are made here: the audit entry hashes exactly what the caller received,
so each endpoint renders its answer once and hands the same bytes to the log and to
the response.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from fastapi import HTTPException, Request, Response

from crimestats.errors import CrimestatsError, NotFoundError, StoreLockedError, UsageError

MAX_PAGE: Final = 1000
"""The most rows one page of a list returns."""


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


def wanted_format(request: Request) -> Format:
    """``?format=`` if given, else ``text/csv`` in ``Accept``, else JSON."""
    return format_of(request.query_params, request.headers.get("accept", ""))


def format_of(query: Mapping[str, str], accept: str) -> Format:
    """:func:`wanted_format` from the query parameters and the ``Accept`` header (for
    callers without a Starlette request: :mod:`crimestats.serve.fast_reads`)."""
    asked = query.get("format")
    if asked is not None:
        try:
            return Format(asked.lower())
        except ValueError:
            raise HTTPException(422, f"format {asked!r} is not known; use json or csv") from None
    if "text/csv" in accept:
        return Format.CSV
    return Format.JSON


@dataclass(frozen=True, slots=True)
class Page:
    """Which slice of a list to return."""

    limit: int
    offset: int

    def cut(self, rows: Sequence[Any]) -> Sequence[Any]:
        return rows[self.offset : self.offset + self.limit]


def page_of(request: Request, default: int = 100) -> Page:
    """``?limit=`` (1..1000) and ``?offset=`` (0..), or a 422 naming the allowed range."""
    return page_from(request.query_params, default)


def page_from(query: Mapping[str, str], default: int = 100) -> Page:
    """:func:`page_of` from the query parameters alone."""
    try:
        limit = int(query.get("limit", default))
        offset = int(query.get("offset", 0))
    except ValueError:
        raise HTTPException(422, "limit and offset are whole numbers") from None
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise HTTPException(422, f"limit is 1 to {MAX_PAGE} and offset 0 or more")
    return Page(limit, offset)


def _csv_bytes(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return buffer.getvalue().encode("utf-8")


def json_bytes(payload: Any) -> bytes:
    """Compact UTF-8 JSON (dates and decimals as text)."""
    return json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")


def table_body(
    fmt: Format,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    extra: Mapping[str, Any] | None = None,
) -> tuple[bytes, str]:
    """(body, media type) of a table: CSV as is, or JSON ``{columns, rows, ...extra}``."""
    if fmt is Format.CSV:
        return _csv_bytes(columns, rows), "text/csv; charset=utf-8"
    payload: dict[str, Any] = {"columns": list(columns), "rows": list(rows)}
    if extra:
        payload.update(extra)
    return json_bytes(payload), "application/json"


def error_status(exc: CrimestatsError) -> int:
    """The HTTP status of a user's mistake: 404 not found, 503 store busy, 422 bad
    value, 409 anything else (e.g. a release folder changed after release)."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, StoreLockedError):
        return 503
    if isinstance(exc, UsageError | ValueError):
        return 422
    return 409


def respond(body: bytes, media_type: str, headers: Mapping[str, str] | None = None) -> Response:
    return Response(content=body, media_type=media_type, headers=dict(headers or {}))
