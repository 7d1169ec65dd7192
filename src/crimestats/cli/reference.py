"""The CLI reference (``docs/cli.md``), generated from the Typer app itself.

Why generated: a hand-written list of commands and options drifts from the code the first
time someone adds an option. This module walks the click command tree that Typer builds
(``typer.main.get_command``) and renders every command, its usage line and a table of its
arguments and options (type, default, help) as Markdown. ``make docs`` writes the file and
``tests/docs/test_cli_reference.py`` fails when the committed file differs from what the
code says.

Run it as ``python -m crimestats.cli.reference [OUT]`` (stdout without ``OUT``).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import typer
import typer.main
from typer import _click
from typer.core import TyperArgument, TyperGroup, TyperOption

HEADER = (
    "# crimestats command reference\n"
    "\n"
    "Generated from the code by `make docs` (`python -m crimestats.cli.reference "
    "docs/cli.md`); do not edit by hand. Every command exits `0` when it succeeds, `1` on a "
    "user error (one message and a `fix:` line) and `2` on bad usage. Where a command "
    "takes `--db`, the store defaults to `$CRIMESTATS_DB`, else `./crimestats.duckdb`.\n"
)


@dataclass(frozen=True)
class ParamDoc:
    """One argument or option of a command, as the reference shows it."""

    name: str
    kind: str
    type_name: str
    default: str
    required: bool
    help: str


@dataclass(frozen=True)
class CommandDoc:
    """One runnable command (a leaf of the tree): its full path, usage, help and parameters."""

    path: str
    usage: str
    help: str
    params: tuple[ParamDoc, ...]


def _clean_help(text: str | None) -> str:
    """The help as the user sees it: dedented, cut at click's ``\\f`` marker."""
    if not text:
        return ""
    return inspect.cleandoc(text.split("\f", 1)[0]).strip()


def _one_line(text: str) -> str:
    """Text fit for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _default_text(param: TyperOption | TyperArgument) -> str:
    """The default shown in the reference: none when it is hidden, unset or a false flag."""
    if param.show_default is False or param.default is None or param.required:
        return ""
    if isinstance(param, TyperOption) and param.is_flag and not param.default:
        return ""
    if callable(param.default):  # computed at run time (e.g. from the environment)
        return ""
    if isinstance(param.default, list | tuple):
        return ", ".join(str(v) for v in param.default)
    return str(param.default)


def _param_doc(param: _click.Parameter, ctx: _click.Context) -> ParamDoc | None:
    """The reference entry of one parameter; ``None`` for hidden ones and ``--help``."""
    if isinstance(param, TyperOption):
        if param.hidden or param.name == "help":
            return None
        names = ", ".join([*param.opts, *param.secondary_opts])
        type_name = "flag" if param.is_flag else param.display_type(ctx).strip("<>")
        if param.multiple:
            type_name += " (repeatable)"
        return ParamDoc(
            names, "option", type_name, _default_text(param), param.required, param.help or ""
        )
    if isinstance(param, TyperArgument):
        if param.hidden:
            return None
        name = (param.metavar or (param.name or "").upper()) + ("..." if param.nargs == -1 else "")
        return ParamDoc(
            name,
            "argument",
            param.display_type(ctx).strip("<>"),
            _default_text(param),
            param.required,
            param.help or "",
        )
    return None


def _walk(
    command: _click.Command, path: list[str], parent: _click.Context | None
) -> Iterator[CommandDoc]:
    """Every visible command under ``command``, depth first in registration order."""
    ctx = command.make_context(path[-1], [], parent=parent, resilient_parsing=True)
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub, [*path, name], ctx)
        return
    params = tuple(p for p in (_param_doc(param, ctx) for param in command.params) if p)
    usage = " ".join([*path, *command.collect_usage_pieces(ctx)])
    yield CommandDoc(" ".join(path), usage, _clean_help(command.help), params)


def collect(app: typer.Typer | None = None) -> list[CommandDoc]:
    """Every command of ``app`` (default: the ``crimestats`` app), as reference entries."""
    if app is None:
        from crimestats.cli.app import app as crimestats_app

        app = crimestats_app
    return list(_walk(typer.main.get_command(app), ["crimestats"], None))


def _render_command(doc: CommandDoc) -> list[str]:
    """The Markdown section of one command."""
    lines = [f"## `{doc.path}`", "", "```text", doc.usage, "```", ""]
    if doc.help:
        lines += [doc.help, ""]
    if doc.params:
        lines += ["| parameter | type | default | help |", "|---|---|---|---|"]
        for p in doc.params:
            name = f"`{p.name}`" + (" (required)" if p.required else "")
            default = f"`{_one_line(p.default)}`" if p.default else ""
            lines.append(f"| {name} | {p.type_name} | {default} | {_one_line(p.help)} |")
        lines.append("")
    return lines


def render(app: typer.Typer | None = None) -> str:
    """The whole reference as Markdown: a header, a command index, one section per command."""
    docs = collect(app)
    lines = [HEADER, "## Commands", ""]
    for doc in docs:
        summary = _one_line(doc.help.split("\n\n", 1)[0])
        lines.append(f"- `{doc.path}`: {summary}")
    lines.append("")
    for doc in docs:
        lines += _render_command(doc)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> None:
    """Write the reference to the file named by the first argument, or to stdout."""
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
