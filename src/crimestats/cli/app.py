"""The ``crimestats`` command: a thin shell over the service functions.

Each command lives in its own module under ``crimestats.cli``; this module assembles
them and guarantees the error contract: a user error prints one message and exits 1,
bad usage exits 2, and no traceback ever reaches a user (set ``CRIMESTATS_DEBUG=1`` to
see one when reporting a bug). The machine refusing a user's path (``OSError``) and
running out of memory are user errors with a fix, not bugs; "this is a bug" is kept
for exceptions nothing expected. ``tests/attacks/test_error_promise.py`` sweeps every
option of every command to hold this (docs/security-errors.md).
"""

from __future__ import annotations

import os
import sys

import duckdb
import typer

from crimestats.cli.output import print_error
from crimestats.errors import CrimestatsError, UsageError
from crimestats.output_files import os_reason
from crimestats.storage.store import MEMORY_ENV

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
        alerts_cmd,
        classify_cmd,
        demo_cmd,
        emerging_cmd,
        forecast_audit_cmd,
        forecast_cmd,
        govern_cmd,
        hotspots_cmd,
        iccs_cmd,
        indicators_cmd,
        ingest_cmd,
        ledger_cmd,
        mse_cmd,
        nearrepeat_cmd,
        parquet_cmd,
        quarantine_cmd,
        release_cmd,
        scan_cmd,
        series_cmd,
        serve_cmd,
        sources_cmd,
        stats_cmd,
        store_cmd,
        survey_cmd,
        trends_cmd,
    )

    for module in (
        store_cmd, ingest_cmd, quarantine_cmd, iccs_cmd, classify_cmd, stats_cmd,
        indicators_cmd, series_cmd, release_cmd, ledger_cmd, demo_cmd, mse_cmd, sources_cmd,
        govern_cmd, serve_cmd, emerging_cmd, trends_cmd, hotspots_cmd, forecast_cmd,
        nearrepeat_cmd, scan_cmd, alerts_cmd, survey_cmd, forecast_audit_cmd, parquet_cmd,
    ):  # fmt: skip
        module.register(app)


_register()


def _escape_unencodable_output() -> None:
    """Show what the terminal cannot encode as an escape, instead of failing on it.

    A file name with bytes that are not UTF-8 reaches Python as lone surrogates; quoting
    it in a message must not turn a user's mistake into a crash (UnicodeEncodeError).
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _refuse_undecodable(argv: list[str]) -> None:
    """Refuse an argument that is not UTF-8 before it reaches DuckDB, files or SQL.

    Python hands such bytes over as lone surrogates, which DuckDB, Polars and every
    file written (UTF-8) reject deep inside; one message here names the argument.
    """
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
            raise UsageError(
                f"the argument '{shown}' is not UTF-8 text",
                hint="rename the file, or give the value in UTF-8",
            ) from None


def _os_failure(exc: OSError) -> tuple[str, str]:
    """An operating-system refusal as (message, fix): it concerns the user's files or
    machine (a folder given as a file, a name too long, no permission, a full disk),
    so it is a user error naming the path, not a bug."""
    reason, fix = os_reason(exc)
    where = exc.filename if exc.filename is not None else "a file"
    return f"cannot use {where}: {reason}", fix


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``crimestats`` script; applies the exit-code contract.

    Typer runs in standalone mode, so bad usage prints its message and exits 2; our own
    errors propagate out of it and are rendered here as one message with exit code 1.
    """
    _escape_unencodable_output()
    try:
        _refuse_undecodable(sys.argv[1:] if argv is None else argv)
        app(args=argv, prog_name="crimestats")
    except CrimestatsError as exc:
        print_error(exc.message, exc.hint)
        sys.exit(1)
    except OSError as exc:  # the machine refused (a path, a permission, a full disk)
        if os.environ.get("CRIMESTATS_DEBUG"):
            raise
        print_error(*_os_failure(exc))
        sys.exit(1)
    except (MemoryError, duckdb.OutOfMemoryException):
        if os.environ.get("CRIMESTATS_DEBUG"):
            raise
        print_error(
            "out of memory: the input is larger than this machine can hold",
            f"set {MEMORY_ENV} (e.g. 4GB) so the store spills to disk, "
            "split the input, or use a machine with more memory",
        )
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
