"""Hostile inputs to the governance layer: tokens smuggled into the audit log, a log
rewritten wholesale, token checks that must fail alike (issue 16 item 4).

The audit log is read by admins and exported (``audit export``); a token it holds is a
working credential handed to everyone who reads it. The API logs every query parameter
of a request, so whatever a client puts in its query string reaches
:func:`crimestats.govern.audit_chain.canonical_parameters`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from crimestats.govern import audit_chain
from crimestats.govern.roles import Role
from crimestats.govern.tokens import add_user, check_token
from crimestats.storage.store import open_store


def _logged_parameters(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [
            r[0] for r in con.execute("SELECT parameters FROM audit_log ORDER BY seq").fetchall()
        ]
    finally:
        con.close()


def test_a_token_under_any_secret_like_name_or_in_any_value_is_not_logged(
    tmp_path: Path,
) -> None:
    # Found by this attack: only the exact names token/authorization/... were dropped,
    # so ?access_token=cs_... or ?api_key=... or ?q=cs_... were written to the log.
    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        issued = add_user(con, "ana", Role.ANALYST)
        token = issued.token
        audit_chain.append(
            con,
            user_name="public",
            role="public",
            action="iccs.search",
            parameters={
                "access_token": token,
                "api_key": token,
                "X-Auth-Token": token,
                "sessionid": "abc",
                "q": f"theft {token}",
                "by": ["year", token],
                "limit": 10,
            },
        )
    (params,) = _logged_parameters(db)
    secret = token.split("_", 2)[2]
    assert secret not in params
    assert json.loads(params) == {
        "q": "theft [token]",
        "by": ["year", "[token]"],
        "limit": 10,
    }
    assert audit_chain.verify(duckdb.connect(str(db), read_only=True)).ok


def test_ordinary_parameters_are_kept_as_given(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        audit_chain.append(
            con,
            user_name="ana",
            role="analyst",
            action="stats",
            parameters={"by": "year,iccs_l1", "unit": "offences", "source": "cs_town"},
        )
    (params,) = _logged_parameters(db)
    assert json.loads(params) == {"by": "year,iccs_l1", "unit": "offences", "source": "cs_town"}


def _rewrite_whole_chain(db: Path, drop_seq: int) -> None:
    """What a forger with the file does: remove one entry, renumber, rehash every entry
    by the published recipe (hashlib here, not the code under test)."""
    con = duckdb.connect(str(db))
    rows = con.execute(
        "SELECT seq, logged_at, user_name, role, action, parameters, rows_out, result_hash "
        "FROM audit_log WHERE seq <> ? ORDER BY seq",
        [drop_seq],
    ).fetchall()
    con.execute("DELETE FROM audit_log")
    prev = "0" * 64
    for seq, row in enumerate(rows, start=1):
        fields = dict(
            zip(
                ("seq", "logged_at", "user", "role", "action", "parameters", "rows_out"),
                (seq, *row[1:7]),
                strict=True,
            )
        )
        fields |= {"result_hash": row[7], "prev_hash": prev}
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        con.execute(
            "INSERT INTO audit_log (seq, logged_at, user_name, role, action, parameters, "
            "rows_out, result_hash, prev_hash, entry_hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [seq, *row[1:], prev, digest],
        )
        prev = digest
    con.close()


def test_a_forged_chain_passes_alone_but_not_against_a_kept_head(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        for i in range(4):
            audit_chain.append(con, user_name=f"u{i}", role="analyst", action="stats",
                               parameters={"i": i})  # fmt: skip
        _, kept_head = audit_chain.head(con)
    _rewrite_whole_chain(db, drop_seq=2)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert audit_chain.verify(con).ok  # the documented limit: the log alone cannot tell
        verdict = audit_chain.verify(con, known_head=kept_head)
    finally:
        con.close()
    assert not verdict.ok
    assert verdict.kind is audit_chain.Break.TRUNCATED


def test_token_checks_fail_alike_for_every_kind_of_wrong_token(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        token = add_user(con, "ana", Role.ANALYST).token
        token_id = token.split("_")[1]
        wrong = [
            token[:-1] + ("A" if token[-1] != "A" else "B"),  # one character off
            f"cs_{token_id}_",  # empty secret
            f"cs_{token_id}_' OR '1'='1",  # SQL in the secret
            "cs_' OR 1=1 --_x",  # SQL in the id
            token.upper(),
            " " * 3,
            token + "\x00",
        ]
        assert all(check_token(con, w) is None for w in wrong)
        user = check_token(con, f"  {token}\n")
        assert user is not None
        assert user.name == "ana"
