"""Rebuild the eligible pool and the seeded sample of South Sudan Penal Code Act 2008 sections.

Run once, before any labelling:
``python sample_sections.py /path/to/Penal-Code-Act-South-Sudan-2008.md``. It writes
``sspc_offence_sections.csv`` (every section that creates an offence, by the rule below)
and ``sspc_sample_sections.csv`` (a seeded random sample of them, to be labelled by hand).

Why the Act's own *Arrangement of Sections* and not the body: the Markdown copy (a text
extraction of the Gazette PDF) holds the full arrangement (ss. 1-397, with every chapter
number and title) but its body stops at s. 115. The arrangement gives each section's
heading as the Act words it (the body's bold headings for ss. 1-115 are the same words).
The copy's PDF artefacts are undone by rule: running page footers ("17 **Act 9** *Penal
Code Act* **2008**") are removed, Markdown escapes (``\\.``) are undone, whitespace is
collapsed, and one trailing full stop is dropped; the Act's own slips ("HARRASSMENT",
"Section 381 or 382" in s. 377) are kept. Sections are found in order (1, 2, ... 397), so
a number inside a heading ("Section 88.") is never taken for the next section.

The rule is applied to the headings alone, not to any model output, so the sample does
not depend on how the autocoder does on it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
LAST_SECTION = 397

FOOTER = re.compile(r"(?:\s\d+)?\s*\*\*Act 9\*\* \*Penal Code Act\* \*\*2008\*\*")
# A chapter's number, then its title in one or more bold runs (Chapter XXII's title is
# broken over two: "OFFENCES RELATING TO THE DAMAGE OR" / "DESTRUCTION OF PROPERTY").
CHAPTER = re.compile(r"\*\*CHAPTER ([IVXL]+)\*\*((?:\s*\*\*[^*]+\*\*)+)")

# Chapters I-IV (preliminary; application of law, sentences and compensation; criminal
# responsibility and defences; joint acts, abetment, conspiracy and attempt) and XXIX
# (miscellaneous) create no offence of their own.
NOT_OFFENCE_CHAPTERS = {"I", "II", "III", "IV", "XXIX"}

# Headings that define a term ("... Defined", "Definitions in Part ...") are never offences.
DEFINITION = re.compile(r"\b(Defined|Definitions?)\b")

# Sections inside the offence chapters whose heading names a power, a procedure or
# evidence rule, a time limit, a sentencing rule, a list of lawful exceptions or a
# general explanation, not an offence.
NOT_OFFENCES = {
    "128",  # offences relating to evidence (names a class of offences; ss. 129-139 are they)
    "185",  # destruction of property upon conviction (a power of the court)
    "198",  # power to order temporary custody or destruction of animal
    "199",  # time limit for prosecution
    "263",  # sentence for certain offences where accused is infected with HIV/AIDS
    "290",  # factors to consider (in defamation)
    "367",  # property and other marks (what a property mark is)
    "377",  # effect of previous conviction (a sentencing rule)
    "381",  # evidence of intent to commit an offence
    "387",  # persons who may lawfully possess, deal in or use dangerous drugs (exceptions)
    "392",  # aggravating circumstances for offences under ss. 389-391 (a sentencing rule)
}


def _title(runs: str) -> str:
    """A chapter title from its bold runs, joined by one space."""
    return " ".join(" ".join(re.findall(r"\*\*([^*]+)\*\*", runs)).split())


def arrangement(markdown: str) -> list[dict[str, str]]:
    """Every section of the Arrangement of Sections, in order, with its chapter number and
    title and its heading as the Act gives it (artefacts undone as the module says)."""
    head = markdown.split("**LAWS OF SOUTHERN SUDAN**", 1)[0]
    text = " ".join(FOOTER.sub(" ", head.replace("\\.", ".")).split())
    starts = []
    position = 0
    for number in range(1, LAST_SECTION + 1):
        match = re.compile(rf"(?<!\S){number}\. ").search(text, position)
        if match is None:
            raise ValueError(f"section {number} not found")
        starts.append((number, match.start(), match.end()))
        position = match.end()
    rows = []
    chapter, title = "", ""
    ends = [s for _, s, _ in starts[1:]] + [len(text)]
    preamble = text[: starts[0][1]]
    for found in CHAPTER.finditer(preamble):
        chapter, title = found.group(1), _title(found.group(2))
    for (number, _, body_start), end in zip(starts, ends, strict=True):
        span = text[body_start:end]
        first = CHAPTER.search(span)
        heading = span[: first.start()] if first else span
        heading = heading.strip().removesuffix(".").strip()
        rows.append(
            {
                "section": str(number),
                "chapter": chapter,
                "chapter_title": title,
                "text": heading,
            }
        )
        for found in CHAPTER.finditer(span):  # a chapter that opens after this section
            chapter, title = found.group(1), _title(found.group(2))
    return rows


def eligible(markdown: str) -> list[dict[str, str]]:
    """Offence-creating sections, in the Act's order (the rule above)."""
    return [
        row
        for row in arrangement(markdown)
        if row["chapter"] not in NOT_OFFENCE_CHAPTERS
        and row["section"] not in NOT_OFFENCES
        and not DEFINITION.search(row["text"])
    ]


def _key(section: str) -> tuple[int, str]:
    return int(section), ""


FIELDS = ["section", "chapter", "chapter_title", "text"]


def main(source: Path) -> None:
    pool = eligible(source.read_text(encoding="utf-8"))
    write_pool_and_sample(HERE, "sspc", pool, SAMPLE_SIZE, _key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
