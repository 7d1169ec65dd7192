"""Rebuild the eligible pool and the seeded sample of the Commonwealth Criminal Code
(Schedule to the Criminal Code Act 1995 (Cth), Australia; Compilation No. 98, 18 June 2015).

Run once, before any labelling:
``python sample_sections.py "criminal code act 1995 - volume 1.md" "... - volume 2.md"``
(the two files under ``acts/current/c/`` of xlfe/gitlaw-au, a 2015 Markdown conversion of
the ComLaw Word compilation; PROVENANCE.md gives commit and hashes). It writes
``cth_offence_sections.csv`` (every section that creates an offence, by the rule below) and
``cth_sample_sections.csv`` (the seeded sample, to be labelled by hand).

Why this code: it is the Model Criminal Code family (the Gibbs/MCCOC drafting of the 1990s:
offences by Chapter, Part and Division, headings written as the offence's name), which none
of the other held-out sets belong to.

Reading the source: the body of the Schedule starts at "## Schedule--The Criminal Code"
and ends at "## Dictionary"; before it is the contents. Chapters are ``### Chapter N--``,
Parts ``#### Part N.N--``, Divisions and Subdivisions ``##### Division N--`` /
``##### Subdivision X--``, sections ``##### N.N  Heading``. Markdown emphasis (``**``,
``_``) is dropped; the conversion's own slips are kept (it lost non-breaking hyphens,
"AttorneyGeneral", and italic words, "a resident of" for "a resident of Australia", "the
Conventions" for "the Geneva Conventions"); whitespace is collapsed.

``chapter`` is the section's Part ("7.2") where its Chapter has Parts, else its Chapter
("4", "8": those have Divisions only); ``chapter_title`` that Part's or Chapter's heading;
``division_title`` the heading of the Division the section belongs to (by the section
number's integer part; blank where the conversion lost the Division's heading line).

Which sections create an offence (decided from the headings alone, never from any model
output): a section of Chapters 4, 5, 7, 8, 9 and 10 (Chapters 1 and 2 are codification and
general principles; there are no Chapters 3 and 6) with a non-empty heading, less
* every section of a Division or Subdivision headed "Preliminary", "Miscellaneous",
  "Definitions", "Introductory", "Defences", "Other rules about conduct of trials" or
  "Offences against Division N: general" (definitions, dishonesty rules, savings);
* the Divisions in ``NOT_OFFENCE_DIVISIONS`` (procedure, orders, quantity rules), with the
  offence sections inside them in ``KEEP`` kept;
* a heading that names a definition, purpose, defence, exception, jurisdiction rule,
  saving, proceedings, consent, evidence, presumption, alternative verdict, sentencing,
  authorisation or other administrative rule (``NOT_OFFENCE``, a regex on the heading);
* the sections in ``NOT_OFFENCE_SECTIONS``, read one by one.
A heading repeated in the pool (the war crimes of Subdivisions D-H repeat names such as
"War crime--rape") is kept at its first section only (``first_of_each_heading``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import first_of_each_heading, write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
FIELDS = ["section", "chapter", "chapter_title", "division_title", "text"]

OFFENCE_CHAPTERS = {"4", "5", "7", "8", "9", "10"}
CHAPTER = re.compile(r"^### Chapter (\d+)--(.*)$")
PART = re.compile(r"^#### Part (\d+\.\d+)--(.*)$")
DIVISION = re.compile(r"^##### Division (\d+)(?:--(.*))?$")
SUBDIVISION = re.compile(r"^##### Subdivision ([A-Z]+)--(.*)$")
SECTION = re.compile(r"^##### (\d+\.\d+[A-Z]*)\s*(.*)$")

NOT_OFFENCE_GROUP = re.compile(
    r"^(Preliminary|Miscellaneous|Definitions|Introductory|Defences"
    r"|Other rules about conduct of trials|Offences against Division \d+: general)"
)
NOT_OFFENCE_DIVISIONS = {
    "93": "prosecutions and hearings",
    "94": "forfeiture",
    "104": "control orders (s. 104.27 is the offence)",
    "105": "preventative detention orders (ss. 105.41, 105.45 are the offences)",
    "106": "transitional provisions",
    "279": "video link evidence",
    "301": "serious drugs: meanings, listing, emergency determinations",
    "311": "combining quantities of drugs (rules for other offences)",
    "312": "working out quantities",
    "313": "defences and alternative verdicts",
    "375": "victims' certificates",
}
KEEP = {"104.27", "105.41", "105.45"}
NOT_OFFENCE = re.compile(
    r"^(Definitions?\b|Meanings?\b|Purpose|Objects?\b|Outline|Defences?\b|Exception"
    r"|Geographical jurisdiction|Extended geographical|Jurisdiction|Jurisdictional"
    r"|Territorial and nationality|Saving|Double jeopardy|Bringing proceedings"
    r"|Ministerial certificates|Alternative verdict|Presumptions?\b|Prosecutions?\b"
    r"|Consent|AttorneyGeneral|Mode of trial|Concurrent operation|Application"
    r"|Evidence|Sentencing|Delegation|Authorisation|Review by|Forfeit|Surrendered"
    r"|Destruction of|Marking requirements|Detection agents|Declarations?\b"
    r"|Exclusion of|Proof\b|Dishonesty$|Determination of dishonesty|Special rules"
    r"|Constitutional|Liability for|Interpretation|Other provisions|Provisions relating"
    r"|Agerelated|Legal representation|Responsibility of commanders"
    r"|Children not criminally responsible|Emergency determinations|Mistake of fact"
    r"|Combining|No defence|Division not|Subdivision not)"
    r"|--(jurisdictional requirement|geographical jurisdiction|relevant evidence"
    r"|no defence|other laws not excluded|double jeopardy|extended jurisdiction)"
    r"|conditions for listing|is not an ancillary offence"
)
NOT_OFFENCE_SECTIONS = {
    "72.2": "ADF members not liable for prosecution",
    "131.2": "theft: meaning of dishonesty",
    "131.3": "theft: appropriation",
    "131.4": "theft: land",
    "131.5": "theft: trust property",
    "131.6": "theft: obligation to deal with property",
    "131.7": "theft: property obtained by mistake",
    "131.8": "theft: corporation sole",
    "131.9": "theft: property of 2 or more persons",
    "131.10": "theft: intention of permanently depriving",
    "131.11": "theft: general deficiency",
    "270.2": "slavery is unlawful (declaratory)",
    "271.7A": "removal of organs contrary to the Subdivision (a meaning)",
    "307.4": "no defence relating to lack of commercial intent",
    "360.1": "disposal and acquisition of a firearm (a meaning)",
    "372.6": "attempt (rule for s. 372.1)",
    "474.3": "person acting for a carrier (a deeming rule)",
}


def clean(text: str) -> str:
    """Drop Markdown emphasis and collapse whitespace."""
    return " ".join(text.replace("*", "").replace("_", " ").split())


def sections(sources: list[Path]) -> list[dict[str, str]]:
    """Every section of the Schedule's body with its Chapter, Part, Division, Subdivision."""
    rows: list[dict[str, str]] = []
    for source in sources:
        text = source.read_text(encoding="utf-8")
        body = text[text.index("## Schedule--The Criminal Code") :]
        if "## Dictionary" in body:
            body = body[: body.index("## Dictionary")]
        chapter = chapter_title = part = part_title = subdivision = ""
        divisions: dict[str, str] = {}
        for raw in body.split("\n"):
            line = raw.strip()
            if not line.startswith("#"):
                continue
            hashes, _, rest = line.partition(" ")
            line = f"{hashes} {clean(rest)}"
            if m := CHAPTER.match(line):
                chapter, chapter_title, part, part_title = m.group(1), m.group(2), "", ""
            elif m := PART.match(line):
                part, part_title = m.group(1), m.group(2)
            elif m := DIVISION.match(line):
                divisions[m.group(1)] = m.group(2) or ""
                subdivision = ""
            elif m := SUBDIVISION.match(line):
                subdivision = m.group(2)
            elif m := SECTION.match(line):
                number = m.group(1)
                division = number.split(".")[0]
                rows.append(
                    {
                        "section": number,
                        "chapter": part or chapter,
                        "chapter_title": part_title if part else chapter_title,
                        "division_title": divisions.get(division, ""),
                        "text": m.group(2),
                        "top": chapter,
                        "division": division,
                        "subdivision": subdivision if division in divisions else "",
                    }
                )
    return rows


def order(section: str) -> tuple[int, str]:
    """Sort key: the Division number, then the section number within it (and its letter)."""
    division, _, rest = section.partition(".")
    digits = re.match(r"\d+", rest)
    return int(division), f"{int(digits.group()) if digits else 0:05d}{rest.lstrip('0123456789')}"


def is_offence(row: dict[str, str]) -> bool:
    """The module's rule, on the heading and its place in the Code."""
    if row["top"] not in OFFENCE_CHAPTERS or not row["text"]:
        return False
    if row["section"] in KEEP:
        return True
    if row["division"] in NOT_OFFENCE_DIVISIONS or row["section"] in NOT_OFFENCE_SECTIONS:
        return False
    if NOT_OFFENCE_GROUP.match(row["division_title"]) or NOT_OFFENCE_GROUP.match(
        row["subdivision"]
    ):
        return False
    return NOT_OFFENCE.search(row["text"]) is None


def main(sources: list[Path]) -> None:
    """Write the pool and the sample beside this script."""
    rows = [r for r in sections(sources) if is_offence(r)]
    pool = [{k: r[k] for k in FIELDS} for r in first_of_each_heading(rows, order)]
    write_pool_and_sample(HERE, "cth", pool, SAMPLE_SIZE, order, FIELDS)


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]])
