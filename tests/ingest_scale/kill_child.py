"""Child process of the kill tests: ingest one file, printing each step as it starts.

Run as ``python kill_child.py FILE DB SOURCE``. The file stages in the scratch
database whatever its size (as a large file does: the path a kill is likeliest to
leave something behind on). Each line on stdout is a step of
``ingest_files``' progress ("reading", "validating", "loading", "done"), flushed at
once, so the parent can kill the process inside the step it wants to test.
"""

from __future__ import annotations

import sys

from crimestats.services.ingesting import ingest_files
from crimestats.storage import staging


def _step(_file: str, step: str) -> None:
    print(step, flush=True)


if __name__ == "__main__":
    path, db, source = sys.argv[1:4]
    staging.SCRATCH_FROM_BYTES = 0
    ingest_files([path], source=source, db=db, progress=_step)
