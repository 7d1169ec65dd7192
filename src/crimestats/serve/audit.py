"""The audit entry every data request appends (issue 16 item 4).

Why here and not in a middleware: an entry names what went out (rows or cells, and a
hash of the bytes), which only the endpoint knows. Parameters are the request's query
parameters and path values; tokens and bodies never reach the log
(:func:`crimestats.govern.audit_chain.canonical_parameters` drops them by name).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request

from crimestats.govern import audit_chain
from crimestats.serve.auth import Caller
from crimestats.serve.store import ServeStore


def record(
    request: Request,
    caller: Caller,
    action: str,
    *,
    rows_out: int,
    body: bytes,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry for this request, after its answer was computed."""
    store: ServeStore = request.app.state.store
    parameters: dict[str, Any] = dict(request.query_params)
    parameters.update(request.path_params)
    if extra:
        parameters.update(extra)
    with store.writer() as con:
        audit_chain.append(
            con,
            user_name=caller.name,
            role=caller.role.value,
            action=action,
            parameters=parameters,
            rows_out=rows_out,
            result_hash=audit_chain.result_digest(body),
        )
