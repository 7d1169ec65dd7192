"""Does a coding agree with the evidence it shows? The decision audit.

A :class:`~crimestats.iccs.codings.Coding` carries its evidence: the top candidates at
the chosen level, the two likeliest sections, the nearest training texts and the scope
rules that fired. Measured on police wordings it had never seen, the autocoder's
costliest errors were confident codings whose parts disagreed (a stolen-bicycle text
whose nearest training text was "bike theft 050229" coded 07, fraud) and which were
resolved silently. :func:`audit` lists every such disagreement; the autocoder sends a
coding with any to review, naming them.

The consistency rule, precisely. A coding is consistent when all of these hold:

1. it has a code at level 2 or deeper (a section alone is not a usable code);
2. no scope rule that fired asks for review;
3. when a scope rule set the code (``decided_by``): the code is that rule's decision.
   The rule is the classification's own text excluding the model's code, named in the
   explanation, so it is not a silent resolution; the model's evidence is not checked
   against it;
4. otherwise (the model's own choice):

   a. the code is the first of the top candidates;
   b. its section is the likeliest section (the best level-1 score);
   c. no candidate of another section scores higher at the code's level;
   d. the nearest neighbours shown do not point to another section: neither a majority
      of them, nor the nearest one when it is near-identical (cosine >= ``NEAR``).
"""

from __future__ import annotations

from collections import Counter

from crimestats.iccs.codings import Coding

NEAR = 0.8
"""Cosine similarity from which the nearest training text counts as the same wording."""


def audit(coding: Coding) -> tuple[str, ...]:
    """Every disagreement between ``coding``'s code and its own evidence (empty when it
    is consistent, see the module docstring); each names the parts that disagree."""
    code = coding.code
    if code is None or len(code) < 4:
        return (f"no code at level 2 (best: {code or 'none'})",)
    problems = [f for f in coding.rules if " needs review: " in f]
    if coding.decided_by:
        wanted = f"rule {coding.decided_by} "
        moved = [f for f in coding.rules if f.startswith(wanted) and f" -> {code}:" in f]
        if not moved:
            problems.append(f"rule {coding.decided_by} set the code but does not name {code}")
        return tuple(problems)
    section = code[:2]
    if not coding.top3 or coding.top3[0].code != code:
        first = coding.top3[0].code if coding.top3 else "none"
        problems.append(f"the first candidate is {first}, the code {code}")
    if coding.sections and coding.sections[0].code != section:
        best = coding.sections[0]
        problems.append(f"section scores say {best.code} ({best.label}), the code says {section}")
    own = next((c.probability for c in coding.top3 if c.code == code), 0.0)
    for other in coding.top3:
        if other.code[:2] != section and other.probability > own:
            problems.append(
                f"candidate {other.code} ({other.label}, {other.probability:.2f}) outscores "
                f"{code} ({own:.2f})"
            )
    problems.extend(_neighbour_problems(coding, section))
    return tuple(problems)


def _neighbour_problems(coding: Coding, section: str) -> list[str]:
    shown = coding.neighbours
    if not shown:
        return []
    out: list[str] = []
    votes = Counter(n.code[:2] for n in shown)
    top, count = votes.most_common(1)[0]
    if top != section and count * 2 > len(shown):
        example = next(n for n in shown if n.code[:2] == top)
        out.append(
            f"nearest neighbours say {top} ({example.text} {example.code}), scores say {section}"
        )
    first = shown[0]
    if first.code[:2] != section and first.similarity >= NEAR and not out:
        out.append(
            f"nearest neighbour {first.text!r} ({first.code}, similarity "
            f"{first.similarity:.2f}) says {first.code[:2]}, scores say {section}"
        )
    return out
