"""The one line every benchmark prints about its target (issue 19 item 5).

Why one function: ``bench/RESULTS.md`` keeps a summary table (target, latest figure, met
or not) and each script's output should read the same way, so a reader (or ``run.py``)
finds ``TARGET <name>: <figure> (target <target>): met|MISSED`` in any log.
"""

from __future__ import annotations


def target_line(name: str, figure: str, target: str, met: bool | None) -> str:
    """Print and return the target line; ``met`` None: not measured in this run."""
    verdict = "not measured" if met is None else ("met" if met else "MISSED")
    line = f"TARGET {name}: {figure} (target {target}): {verdict}"
    print(line)
    return line
