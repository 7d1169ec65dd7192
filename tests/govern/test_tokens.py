"""API tokens: printed once, stored as salted hashes, expired and revoked (issue 16 item 3)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from crimestats.cli.app import app
from crimestats.errors import NotFoundError, UsageError
from crimestats.govern import tokens
from crimestats.govern.roles import Role, parse_role
from crimestats.storage.store import open_store


def test_a_token_checks_and_only_its_salted_hash_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with open_store(db) as con:
        issued = tokens.add_user(con, "alice", Role.ANALYST)
        assert tokens.check_token(con, issued.token) == issued.user
        stored = con.execute("SELECT salt, token_hash FROM api_users").fetchone()
    secret = issued.token.split("_", 2)[2]
    assert stored is not None
    assert stored[1] == hashlib.sha256(f"{stored[0]}:{secret}".encode()).hexdigest()
    raw = db.read_bytes()
    assert secret.encode() not in raw


@pytest.mark.parametrize(
    "forged",
    ["", "cs_", "nonsense", "cs_abc", "cs_000000000000_x", "Bearer cs_1_2"],
)
def test_malformed_or_unknown_tokens_are_refused(tmp_path: Path, forged: str) -> None:
    with open_store(tmp_path / "s.duckdb") as con:
        tokens.add_user(con, "alice", Role.ADMIN)
        assert tokens.check_token(con, forged) is None


def test_a_wrong_secret_revoked_or_expired_token_is_refused(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as con:
        issued = tokens.add_user(con, "bob", Role.STEWARD)
        other = "B" if issued.token.endswith("A") else "A"
        assert tokens.check_token(con, issued.token[:-1] + other) is None
        tomorrow = tokens.add_user(con, "carol", Role.ANALYST, date.today() + timedelta(days=2))
        assert tokens.check_token(con, tomorrow.token) is not None
        con.execute("UPDATE api_users SET expires_at = TIMESTAMP '2000-01-01' WHERE name='carol'")
        assert tokens.check_token(con, tomorrow.token) is None
        assert tokens.revoke(con, "bob") == 1
        assert tokens.check_token(con, issued.token) is None
        with pytest.raises(NotFoundError):
            tokens.revoke(con, "bob")
        now = datetime.now()
        states = {r.name: r.state(now) for r in tokens.list_users(con)}
    assert states == {"bob": "revoked", "carol": "expired"}


def test_one_active_token_per_user_and_bad_input_refused(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as con:
        tokens.add_user(con, "dan", Role.ANALYST)
        with pytest.raises(UsageError, match="already has an active token"):
            tokens.add_user(con, "dan", Role.ADMIN)
        with pytest.raises(UsageError, match="not in the future"):
            tokens.add_user(con, "eve", Role.ADMIN, date(2000, 1, 1))
        with pytest.raises(UsageError, match="not usable"):
            tokens.add_user(con, "  ", Role.ADMIN)
    with pytest.raises(UsageError, match="unknown role"):
        parse_role("public")
    assert parse_role(" Steward ") is Role.STEWARD
    assert Role.ADMIN.may(Role.STEWARD)
    assert not Role.ANALYST.may(Role.STEWARD)


def test_users_and_audit_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "c.duckdb")
    runner = CliRunner()
    added = runner.invoke(app, ["users", "add", "fay", "--role", "analyst", "--json", "--db", db])
    assert added.exit_code == 0, added.output
    assert '"token": "cs_' in added.output
    bad = runner.invoke(app, ["users", "add", "gus", "--role", "public", "--db", db])
    assert bad.exit_code == 2
    listed = runner.invoke(app, ["users", "list", "--json", "--db", db])
    assert '"state": "active"' in listed.output
    assert "cs_" not in listed.output
    assert runner.invoke(app, ["users", "revoke", "fay", "--db", db]).exit_code == 0
    head = runner.invoke(app, ["audit", "head", "--db", db]).output.strip()
    ok = runner.invoke(app, ["audit", "verify", "--head", head, "--db", db])
    assert ok.exit_code == 0
    assert "intact: 2 entries" in ok.output
    con = duckdb.connect(db)
    con.execute("UPDATE audit_log SET action = 'nothing' WHERE seq = 1")
    con.close()
    broken = runner.invoke(app, ["audit", "verify", "--db", db])
    assert broken.exit_code == 1
    assert "broken at entry 1 (edited)" in broken.output
    out = tmp_path / "audit.jsonl"
    assert runner.invoke(app, ["audit", "export", "--out", str(out), "--db", db]).exit_code == 0
    assert len(out.read_text().splitlines()) == 2
