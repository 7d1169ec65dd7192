"""``crimestats users add|list|revoke`` and ``crimestats audit verify|head|export``.

Why on the command line: the API's roles and audit log must be managed by someone who
holds the store's file (an admin at the machine), not only through the API itself; a
token is printed once, here, and never again.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crimestats.cli.options import DbOption, ForceOption, JsonOption
from crimestats.cli.output import console, print_error, print_json
from crimestats.govern import audit_chain, tokens
from crimestats.govern.cli_audit import operator
from crimestats.govern.roles import Role
from crimestats.output_files import write_text
from crimestats.storage.store import open_store

_HASH = re.compile(r"[0-9a-f]{64}")


users_app = typer.Typer(help="API users and their tokens: add, list, revoke.", no_args_is_help=True)
audit_app = typer.Typer(
    help="The tamper-evident audit log: verify the chain, print its head, export it.",
    no_args_is_help=True,
)


class GrantableRole(StrEnum):
    """The roles a token can carry (typer lists them in --help; others exit 2)."""

    ANALYST = Role.ANALYST.value
    STEWARD = Role.STEWARD.value
    ADMIN = Role.ADMIN.value


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The user's name, as the audit log shows it.")],
    role: Annotated[GrantableRole, typer.Option("--role", help="What the token may do.")],
    expires: Annotated[
        datetime | None,
        typer.Option("--expires", formats=["%Y-%m-%d"], help="Last day is the day before."),
    ] = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Issue a token for NAME; it is printed once and stored only as a salted hash."""
    with open_store(db) as con:
        con.execute("BEGIN")
        until = None if expires is None else expires.date()
        issued = tokens.add_user(con, name, Role(role.value), until)
        audit_chain.append(
            con,
            user_name=operator(),
            role="cli",
            action="users.add",
            parameters={
                "name": issued.user.name,
                "role": role.value,
                "token_id": issued.user.token_id,
            },
        )
        con.execute("COMMIT")
    if json_out:
        print_json(
            {
                "name": issued.user.name,
                "role": issued.user.role.value,
                "token_id": issued.user.token_id,
                "token": issued.token,
                "expires_at": issued.expires_at,
            }
        )
        return
    console.print(f"token for {escape(issued.user.name)} ({issued.user.role.value}):")
    print(issued.token)  # noqa: T201 - plain, so it can be copied or piped as it is
    console.print("it is shown once: keep it; a lost token is revoked and issued anew")


@users_app.command("list")
def list_(json_out: JsonOption = False, db: DbOption = None) -> None:
    """Every token issued, with its user, role and state (never the token itself)."""
    with open_store(db, read_only=True) as con:
        records = tokens.list_users(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    if json_out:
        print_json({"users": [{**asdict(r), "state": r.state(now)} for r in records]})
        return
    table = Table(title=f"{len(records)} tokens")
    for col in ("name", "role", "token id", "created", "expires", "state"):
        table.add_column(col)
    for r in records:
        table.add_row(
            escape(r.name), r.role.value, r.token_id, r.created_at, r.expires_at or "", r.state(now)
        )
    console.print(table)


@users_app.command("revoke")
def revoke(
    name: Annotated[str, typer.Argument(help="The user whose active token is revoked.")],
    db: DbOption = None,
) -> None:
    """Revoke NAME's active token at once (it stays listed, as revoked)."""
    with open_store(db) as con:
        con.execute("BEGIN")
        count = tokens.revoke(con, name)
        audit_chain.append(
            con, user_name=operator(), role="cli", action="users.revoke", parameters={"name": name}
        )
        con.execute("COMMIT")
    console.print(f"revoked {count} token(s) of {escape(name)}")


@audit_app.command("verify")
def verify(
    head: Annotated[
        str | None,
        typer.Option("--head", help="A head printed earlier by 'audit head' (kept elsewhere)."),
    ] = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Recompute the hash chain; name the first entry edited, deleted, inserted or moved.

    Exits 1 when the chain is broken, so a scheduler can alert on it.
    """
    if head is not None and not _HASH.fullmatch(head.strip().lower()):
        raise typer.BadParameter("give the 64 hex digits 'audit head' printed", param_hint="--head")
    with open_store(db, read_only=True) as con:
        verdict = audit_chain.verify(con, known_head=head)
    if json_out:
        print_json({**asdict(verdict), "kind": verdict.kind and verdict.kind.value})
    elif verdict.ok:
        console.print(f"audit log intact: {verdict.entries:,} entries, head {verdict.head}")
    if not verdict.ok:
        kind = verdict.kind.value if verdict.kind else "broken"
        print_error(
            f"the audit log is broken at entry {verdict.first_bad_seq} ({kind}): {verdict.detail}",
            "compare the store with a backup or the exported log (audit export) to see what "
            "changed; keep heads elsewhere (audit head) to catch a cut end",
        )
        raise typer.Exit(1)


@audit_app.command("head")
def head(json_out: JsonOption = False, db: DbOption = None) -> None:
    """The latest entry's hash: keep it elsewhere, and check it later with verify --head."""
    with open_store(db, read_only=True) as con:
        seq, digest = audit_chain.head(con)
    if json_out:
        print_json({"seq": seq, "head": digest})
        return
    print(digest)  # noqa: T201 - plain, to be kept or piped


@audit_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="JSON lines file to write.")],
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Write every entry as one JSON object per line (verifiable without crimestats)."""
    with open_store(db, read_only=True) as con:
        lines = [json.dumps(asdict(e), ensure_ascii=False) for e in audit_chain.entries(con)]
    write_text(out, "".join(f"{line}\n" for line in lines), overwrite=force)
    console.print(f"wrote {len(lines):,} entries to {escape(str(out))}")


def register(app: typer.Typer) -> None:
    """Attach the ``users`` and ``audit`` groups."""
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")
