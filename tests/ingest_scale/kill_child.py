"""Child process of the kill tests: ingest one file, printing each step as it starts.

Run as ``python kill_child.py FILE DB SOURCE``. Each line on stdout is a step of
``ingest_files``' progress ("reading", "validating", "loading", "done"), flushed at
once, so the parent can kill the process inside the step it wants to test.
"""

from __future__ import annotations

import sys

from crimestats.services.ingesting import ingest_files


def _step(_file: str, step: str) -> None:
    print(step, flush=True)


if __name__ == "__main__":
    path, db, source = sys.argv[1:4]
    ingest_files([path], source=source, db=db, progress=_step)
