"""The ``crimestats`` command: a thin shell over the service functions.

Each command lives in its own module under ``crimestats.cli``; this module assembles
them and guarantees the error contract: a user error prints one message and exits 1,
bad usage exits 2, and no traceback ever reaches a user (set ``CRIMESTATS_DEBUG=1`` to
see one when reporting a bug).
"""

from __future__ import annotations

import os
import sys

import typer

from crimestats.cli.output import print_error
from crimestats.errors import CrimestatsError

app = typer.Typer(
    name="crimestats",
    help="Event-based crime and criminal-justice statistics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _register() -> None:
    """Attach every command module's commands and sub-apps to ``app``."""
    from crimestats.cli import (
        classify_cmd,
        demo_cmd,
        iccs_cmd,
        indicators_cmd,
        ingest_cmd,
        ledger_cmd,
        mse_cmd,
        quarantine_cmd,
        release_cmd,
        series_cmd,
        stats_cmd,
        store_cmd,
    )

    for module in (
        store_cmd, ingest_cmd, quarantine_cmd, iccs_cmd, classify_cmd, stats_cmd,
        indicators_cmd, series_cmd, release_cmd, ledger_cmd, demo_cmd, mse_cmd,
    ):  # fmt: skip
        module.register(app)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``crimestats`` script; applies the exit-code contract.

    Typer runs in standalone mode, so bad usage prints its message and exits 2; our own
    errors propagate out of it and are rendered here as one message with exit code 1.
    """
    try:
        app(args=argv, prog_name="crimestats")
    except CrimestatsError as exc:
        print_error(exc.message, exc.hint)
        sys.exit(1)
    except KeyboardInterrupt:
        print_error("interrupted; the store is as it was before the interrupted file")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: never a traceback
        if os.environ.get("CRIMESTATS_DEBUG"):
            raise
        print_error(
            f"internal error ({type(exc).__name__}): {exc}",
            "this is a bug in crimestats; rerun with CRIMESTATS_DEBUG=1 and report the traceback",
        )
        sys.exit(1)
