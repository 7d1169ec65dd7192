"""How the CLI talks to people: one console, one error shape, JSON when asked.

Errors reach a user as one message (and a ``fix:`` line) on stderr with exit code 1;
bad usage exits 2 (STYLE.md practice 6). Nothing here computes anything.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

# Outside a terminal (CI logs, pipes) Rich would wrap at 80 columns; tables need more.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(highlight=False, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, width=_WIDTH)


def print_json(data: Any) -> None:
    """Print one JSON document to stdout (for ``--json``), with no Rich markup."""
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def print_error(message: str, hint: str | None = None) -> None:
    """The one shape of an error on the command line."""
    # Messages quote user data (file names, values): escape it, or Rich eats "[...]".
    err_console.print(f"[bold red]error:[/] {escape(message)}", markup=True, soft_wrap=True)
    if hint:
        err_console.print(f"  [bold]fix:[/] {escape(hint)}", markup=True, soft_wrap=True)
