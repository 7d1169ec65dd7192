"""Rebuild the eligible pool and the seeded sample of the Florida Statutes, Title XLVI (Crimes).

Run once, before any labelling:
``python sample_sections.py /tmp/en24/fl`` (a folder holding the chapter files
``chapter-chapter-0782.json`` ... ``chapter-chapter-0896.json``). It writes
``flcrimes_offence_sections.csv`` (every section that creates an offence, by the rule below)
and ``flcrimes_sample_sections.csv`` (a seeded random sample of them, labelled by hand).

Why this source: Florida's Title XLVI is a US criminal code that follows neither the Model
Penal Code's arrangement nor its vocabulary (chapters by old offence families: "Sexual
Battery", "Lewdness; Indecent Exposure", "Affrays; Riots; Routs; Unlawful Assemblies"), and
its official section catchlines are held, one JSON file per chapter, in the public GitHub
repository ``saint1415/us-statutes`` (branch ``data``, ``data/states/florida/content/``), a
scrape of law.justia.com's copy of the Florida Statutes (2024). See PROVENANCE.md.

The scrape is imperfect, and the rule repairs only what it must: a chapter's first row
carries the chapter's section list run together ("Justifiable use of deadly
force.782.03Excusable homicide"), so a heading is cut at the first embedded section number;
a section number that appears twice keeps its first row; sections the scrape lost are
absent from the pool (said in PROVENANCE.md).

The rule, fixed from the headings alone before any labelling or coder run: a section is
eligible when it stands in chapters 782-896 (chapters 775, 776 and 777 are the code's
general part: definitions, penalties, justification, parties and inchoate forms), its number
is of its own chapter, and its heading is not a definition, title, intent, construction,
exception, evidence, procedure, remedy or penalty-only heading (:data:`NOT_OFFENCE`).
``text`` is the heading with its final full stop removed; everything else (semicolons,
"etc.", the source's slips) is kept. Headings that coincide get `` (s. N)`` appended.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import number_coinciding_headings, write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
FIELDS = ["section", "chapter", "chapter_title", "text"]
FIRST_CHAPTER = 782  # 775-777 are the general part

NOT_OFFENCE = re.compile(
    r"^(definitions?|short title|legislative (findings|intent|purpose)|purpose|intent"
    r"|(rules of )?construction|rules of evidence|applicability|application( and|of)"
    r"|exceptions?|exemptions?|penalt(y|ies)|prima facie evidence|evidence|presumptions?"
    r"|statutory references|standards and schedules|severability|preemption|forfeiture"
    r"|civil (remedies|action|liability|right)|immunity|arrest without warrant"
    r"|jurisdiction|venue|rulemaking|duties of|powers of|enforcement|prosecution"
    r"|procedure|admissibility|justifiable|excusable|abrogation|license|licensing"
    r"|registration of|bond of|seizure of|testing and approval|minimum .* standards"
    r"|public service announcements|risk protection orders|actions? for damages"
    r"|defenses? not available|surety bonds?|statement to buyer|information statement"
    r"|provisions of contract|disbursement of funds|violations may be enjoined"
    r"|information available|access to services|screening for|administration of"
    r"|appointment of|authorization for|tests? for|blood test|juvenile offenders"
    r"|lawful ownership|protection of the right|field of regulation|prohibition of civil"
    r"|books to be evidence|this (chapter|part|act) not exclusive|part \w+ not exclusive"
    r"|dangerous sexual felony offender|common-law presumption|ignorance or belief)\b"
    r"|trust fund|public awareness|public records exemption|exceptions from licensure"
    r"|notification of victim|reclassification of offenses$|mandatory sentencing$"
    r"|^(injunction|records|rehabilitation|instruction|good faith|defenses? precluded"
    r"|crime data|filing and publication|when killing excused|designation of"
    r"|preservation of|disposition|restitution|notice to|grand jury|indictments?"
    r"|local (ordinance|animal)|rewards?|exploited children.s civil remedy"
    r"|pharmacist and practitioner|prohibition of registration|use during)\b"
    r"|recovery limited|exemption from liability|^(supplemental fine|training of"
    r"|exempted activities|fees of|proceedings for|declaration of|discretionary"
    r"|scope of|public place defined|nonapplication|local administrative"
    r"|determination of|fugitive disentitlement|second conviction)\b|cause of action"
    r"|reporting act|monitoring program|lien notice|declared void|legislative intent",
    re.IGNORECASE,
)
"""Headings that define, exempt, empower, fund or prescribe procedure or sentence, and so
create no offence (a heading with a further offence clause, e.g. "...; penalty", is kept
unless it begins with one of these)."""


NOT_OFFENCE_SECTIONS = frozenset(
    """787.061 790.02 790.08 790.333 791.04 791.07 812.0155 812.025 812.055 812.062 823.05
    823.10 823.13 823.14 825.104 825.106 828.03 828.055 828.058 828.073 828.17 831.034
    831.20 832.08 832.09 832.10 836.07 837.07 847.002 847.02 847.03 847.08 849.085 849.086
    849.092 849.0931 849.12 849.13 849.141 849.16 849.17 849.19 849.20 849.232 849.29
    849.30 849.33 849.36 849.39 849.40 849.41 849.42 849.43 849.45 849.46 870.04 870.047
    870.07 874.045 876.05 876.06 876.16 876.21 876.40 876.41 876.44 876.47 876.48 876.50
    893.0301 893.031 893.033 893.035 893.0355 893.0356 893.10 893.105 893.21 893.30
    817.47""".split()  # noqa: SIM905 (a list of numbers reads better as one block)
)
"""Sections whose heading, read on its own, names an arrest or seizure power, a civil
remedy, an authorisation, an exemption, a sentencing or forfeiture rule, a scheduling power
or a general inchoate clause rather than an offence; listed by hand from the headings of the
pool, before the draw and before any coder run (the keyword rule above misses them)."""


CHAPTER_TITLES: dict[int, str] = {
    782: "Homicide",
    784: "Assault; Battery; Culpable Negligence",
    787: "Kidnapping; Custody Offenses; Human Trafficking; Related Offenses",
    790: "Weapons and Firearms",
    791: "Sale of Fireworks",
    794: "Sexual Battery",
    796: "Prostitution",
    797: "Abortion",
    798: "Adultery; Cohabitation",
    800: "Lewdness; Indecent Exposure",
    806: "Arson and Criminal Mischief",
    810: "Burglary and Trespass",
    811: "Unauthorized Aliens",
    812: "Theft, Robbery, and Related Crimes",
    815: "Computer-Related Crimes",
    817: "Fraudulent Practices",
    818: "Alienation or Removal of Property Subject to Lien",
    823: "Public Nuisances",
    825: "Abuse, Neglect, and Exploitation of Elderly Persons and Disabled Adults",
    826: "Bigamy; Incest",
    827: "Abuse of Children",
    828: "Animals: Cruelty; Sales; Animal Enterprise Protection",
    831: "Forgery and Counterfeiting",
    832: "Violations Involving Checks and Drafts",
    836: "Defamation; Libel; Threatening Letters and Similar Offenses",
    837: "Perjury",
    838: "Bribery; Misuse of Public Office",
    839: "Offenses by Public Officers and Employees",
    843: "Obstructing Justice",
    847: "Obscenity",
    849: "Gambling",
    856: "Drunkenness; Open House Parties; Loitering; Prowling; Desertion",
    859: "Poisons; Adulterated Drugs",
    860: "Offenses Concerning Aircraft, Motor Vehicles, Vessels, and Railroads",
    861: "Offenses Relating to Public Roads, Transportation, and Waters",
    865: "Miscellaneous Crimes",
    870: "Affrays; Riots; Routs; Unlawful Assemblies",
    871: "Disturbing Religious and Other Assemblies",
    872: "Offenses Concerning Dead Bodies and Graves",
    873: "Sale of Anatomical Matter",
    874: "Criminal Gang Enforcement and Prevention",
    876: "Criminal Anarchy, Treason, and Other Crimes Against Public Order",
    877: "Miscellaneous Crimes",
    893: "Drug Abuse Prevention and Control",
    895: "Offenses Concerning Racketeering and Illegal Debts",
    896: "Offenses Related to Financial Transactions",
}
"""The chapter titles of Title XLVI, transcribed by this project (the scrape has none)."""


def _key(section: str) -> tuple[int, str]:
    """Code order: ``782.04`` before ``782.051`` before ``782.07`` (decimal order)."""
    chapter, _, rest = section.partition(".")
    return int(chapter), rest.ljust(6, "0")


def _heading(raw: str) -> str:
    """The catchline: cut at an embedded next section number, final full stop removed."""
    head = re.split(r"(?<!s\. )\d{3}\.\d+", raw, maxsplit=1)[0]
    return re.sub(r"\s+", " ", head).strip().removesuffix(".").strip()


def eligible(folder: Path) -> list[dict[str, str]]:
    """Offence-creating sections of chapters 782-896, in the code's order."""
    pool: list[dict[str, str]] = []
    for path in sorted(folder.glob("chapter-chapter-0*.json")):
        chapter = int(path.stem.rsplit("-", 1)[1])
        if chapter < FIRST_CHAPTER or chapter not in CHAPTER_TITLES:
            continue
        seen: set[str] = set()
        for row in json.loads(path.read_text(encoding="utf-8"))["sections"]:
            number = row["number"]
            if not re.fullmatch(rf"{chapter}\.\d+", number) or number in seen:
                continue
            seen.add(number)
            text = _heading(row["heading"])
            if (
                not text
                or number in NOT_OFFENCE_SECTIONS
                or NOT_OFFENCE.search(text)
                or "repealed" in text.casefold()
            ):
                continue
            pool.append(
                {
                    "section": number,
                    "chapter": str(chapter),
                    "chapter_title": CHAPTER_TITLES[chapter],
                    "text": text,
                }
            )
    pool.sort(key=lambda r: _key(r["section"]))
    number_coinciding_headings(pool, "s.")
    return pool


def main(folder: Path) -> None:
    pool = eligible(folder)
    if len({row["text"].casefold() for row in pool}) != len(pool):
        raise ValueError("two eligible sections have the same heading")
    write_pool_and_sample(HERE, "flcrimes", pool, SAMPLE_SIZE, _key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
