"""Rebuild the eligible pool and the seeded sample of Canadian Criminal Code sections.

Run once, before any labelling: ``python sample_sections.py /path/to/CCC_2022-11-23-ANS.csv``.
It writes ``cc_offence_sections.csv`` (every section that creates an offence or its
punishment, by the rule below) and ``cc_sample_sections.csv`` (a seeded random sample of
them, to be labelled by hand). The rule is applied to the Parts, subheadings and marginal
notes alone, not to any model output, so the sample does not depend on how the autocoder
does on it.

The source is a row-per-provision table parsed from Justice Canada's XML of the Criminal
Code (see PROVENANCE.md). A section's heading is its own marginal note, or, when the
section is divided into subsections, the marginal note of subsection (1) (else of its
first subsection), as the Code's table of provisions shows it.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent
FIELDS = ["section", "chapter", "chapter_title", "text"]

# The Parts that create offences. Part I (general: parties, justifications, defences) and
# Parts XIV onwards (jurisdiction, procedure, sentencing) do not.
OFFENCE_PARTS = {
    "PART II", "PART II.1", "PART III", "PART IV", "PART V", "PART VI", "PART VII",
    "PART VIII", "PART VIII.1", "PART IX", "PART X", "PART XI", "PART XII", "PART XII.2",
    "PART XIII",
}  # fmt: skip

# Subheadings inside those Parts under which no section creates an offence of its own:
# definitions, powers, procedure, evidence, orders, forfeiture, exemptions, and the
# Homicide group (ss. 222-228: what homicide is, causation rules).
NON_OFFENCE_SUBHEADINGS = {
    "Interpretation", "Definitions", "List of Entities", "Seizure and Restraint of Property",
    "Forfeiture of Property", "Recognizance with Conditions",
    "Proceedings and Aggravated Punishment", "Prohibition Orders", "Search and Seizure",
    "Exempted Persons", "Limitations on Access", "General", "Search", "Verdicts",
    "Investigative Matters", "Evidentiary Matters", "General Provisions",
    "Recognition and Declaration", "Special Provisions as to Proof", "Forfeiture",
    "Search, Seizure and Detention of Proceeds of Crime", "Forfeiture of Proceeds of Crime",
    "Disclosure Provisions", "Specific Rules of Forfeiture", "Regulations", "Homicide",
}  # fmt: skip

# Headings that name no conduct: the continuation of the section before ("Punishment"
# for forcible entry, perjury, bigamy; "Idem"; "Offence"). A table row with only these
# words cannot be coded from its text.
BARE = {"Punishment", "Idem", "Offence"}

# Headings that define a term are never offences ("Definitions", "Definition of traffic").
DEFINITION = re.compile(r"^Definitions?\b")

# Sections under offence subheadings whose marginal note names a definition, a defence
# or exception, a duty, a power, a procedure or evidence rule, an order, a sentencing or
# aggravation rule, a penalty rule for several offences, or a general form of liability
# (attempt, counselling, conspiracy, accessory), not an offence.
NOT_OFFENCES = {
    "48",  # limitation
    "55",  # evidence of overt acts
    "59",  # defines seditious words, libel, conspiracy (the offence is s. 61)
    "60",  # exception
    "67",  # reading the riot proclamation (a power)
    "70",  # orders by the Governor in Council (a power)
    "79",  # duty of care re explosive (its breach is s. 80)
    "82.1",  # sentences to be served consecutively
    "82.2",  # definition of device
    "82.7",  # armed forces (exemption)
    "83.08",  # freezing of property (a prohibition; the offence is s. 83.12)
    "83.09",  # exemptions
    "83.1",  # disclosure (a duty; the offence is s. 83.12)
    "83.11",  # audit (a duty; the offence is s. 83.12)
    "83.222",  # warrant of seizure
    "83.223",  # order to a computer system's custodian
    "130.1",  # aggravating circumstance
    "133",  # corroboration
    "149",  # service of term for escape (sentencing)
    "150.1",  # consent no defence
    "156",  # historical offences (transitional)
    "161",  # order of prohibition
    "162.2",  # prohibition order
    "163.1",  # definition of child pornography (heading names a definition)
    "164", "164.1", "164.2", "164.3",  # warrants of seizure, forfeiture, relief
    "169",  # punishment for ss. 163, 167, 168 (several offences)
    "184.1", "184.2", "184.3", "184.4", "184.6",  # authorised interceptions
    "185", "186", "186.1", "187", "188", "188.1", "188.2",  # authorisation procedure
    "189", "190", "192", "194", "195", "196", "196.1",  # evidence, forfeiture, reports
    "204", "207", "207.1",  # exemptions and permitted lotteries
    "215", "216", "217", "217.1", "263",  # duties (headings name a duty)
    "219",  # defines criminal negligence (the offences are ss. 220-221)
    "231",  # classification of murder
    "232",  # murder reduced to manslaughter (partial defence)
    "241.1", "241.2",  # medical assistance in dying: definitions, eligibility
    "241.31",  # filing information (a duty)
    "265",  # defines assault (s. 266 creates the offence under the same heading)
    "269.01", "270.03",  # aggravating circumstance; consecutive sentences
    "273.1", "273.2",  # meaning of consent; belief in consent
    "274", "275", "276", "277", "278",  # evidence rules
    "278.1", "278.2", "278.3", "278.4", "278.5", "278.6", "278.7", "278.8", "278.9",
    "278.91", "278.92", "278.93", "278.94", "278.95", "278.96", "278.97", "278.98",
    "279.04",  # exploitation (definition)
    "284", "285", "286",  # defences
    "286.5",  # immunity
    "297", "298", "299",  # definitions (newspaper, defamatory libel, publishing)
    "303",  # presumption
    *(str(n) for n in range(305, 317)),  # defamatory libel: defences
    "320", "320.1",  # warrants of seizure
    "320.101",  # definition of conversion therapy
    "320.19", "320.2", "320.21",  # punishment for several conveyance offences
    "320.22", "320.23", "320.24", "320.25", "320.26",  # sentencing rules and orders
    "323",  # oysters (ownership rule)
    "325",  # agent pledging goods, when not theft
    "333",  # taking ore for scientific purpose (exception)
    "348.1",  # aggravating circumstance
    "350",  # entrance (definition)
    "355.3",  # in rem prohibition
    "355.5",  # punishment for ss. 355.2 and 355.4
    "358",  # having in possession when complete (rule)
    "368.2",  # public officers acting in the course of duty (exception)
    "380.1", "380.2",  # sentencing; prohibition order
    "395",  # search for valuable minerals (a power)
    "402.1",  # definition of identity information
    "414", "421",  # presumption; evidence of enlistment
    "431.2", "445.2",  # definitions
    "447.1",  # order of prohibition or restitution
    "463", "464", "465",  # attempts, accessories, counselling, conspiracy (general forms)
    "466",  # conspiracy in restraint of trade (a definition and exception)
    "467", "467.1", "467.14",  # saving; definitions; consecutive sentences
}  # fmt: skip


def section_key(section: str) -> tuple[int, str]:
    """Order of the Code: 83.02 < 83.1 < 83.18 < 83.181 < 83.19 < 83.2."""
    match = re.match(r"(\d+)(?:\.(\d+))?", section)  # "157 and 158" (repealed) sorts by 157
    if match is None:
        raise ValueError(section)
    return int(match.group(1)), match.group(2) or ""


def _subsection_key(label: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", label))


def headings(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """Each section's Part, Part title, subheading and heading (marginal note)."""
    found: dict[str, dict[str, str]] = {}
    notes: dict[str, dict[str, str]] = {}
    for row in rows:
        section = row["sectionLabel"]
        if not section:
            continue
        entry = found.setdefault(
            section,
            {
                "part": row["heading1Label"],
                "title": row["heading1TitleText"],
                "sub": row["heading2TitleText"],
                "note": "",
            },
        )
        note = " ".join(row["marginalNote"].split())
        if not note:
            continue
        if row["marginalNoteKey"] == row["sectionKey"]:
            entry["note"] = note
        else:
            notes.setdefault(section, {}).setdefault(row["subsectionLabel"], note)
    for section, by_label in notes.items():
        if not found[section]["note"]:
            first = by_label.get("(1)") or by_label[min(by_label, key=_subsection_key)]
            found[section]["note"] = first
    return found


def eligible(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Offence-creating sections, in the Code's order, with their own headings.

    Repealed sections (no marginal note) and, where two sections share a heading, the
    later one (s. 236 "Manslaughter" after s. 234; s. 344 "Robbery" after s. 343) are
    left out, so that every heading in the pool is distinct.
    """
    pool: list[dict[str, str]] = []
    seen: set[str] = set()
    found = headings(rows)
    for section in sorted(found, key=section_key):
        entry = found[section]
        text = entry["note"]
        if entry["part"] not in OFFENCE_PARTS or entry["sub"] in NON_OFFENCE_SUBHEADINGS:
            continue
        if not text or text in BARE or DEFINITION.match(text) or section in NOT_OFFENCES:
            continue
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        chapter = entry["part"].removeprefix("PART ")
        pool.append(
            {"section": section, "chapter": chapter, "chapter_title": entry["title"], "text": text}
        )
    return pool


def main(source: Path) -> None:
    with source.open(encoding="utf-8", newline="") as handle:
        pool = eligible(list(csv.DictReader(handle)))
    write_pool_and_sample(HERE, "cc", pool, SAMPLE_SIZE, section_key, FIELDS)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
