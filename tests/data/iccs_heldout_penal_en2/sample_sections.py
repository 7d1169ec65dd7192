"""Rebuild the eligible pool and the seeded sample of Western Australian Criminal Code sections.

Run once, before any labelling: ``python sample_sections.py /path/to/cc.json``. It writes
``wa_offence_sections.csv`` (every section that creates an offence or its punishment, by
the rule below) and ``wa_sample_sections.csv`` (a seeded random sample of them, to be
labelled by hand), and fills the ``chapter_title`` column of the labelled file
``wa_cc_1913_sample_labelled.csv`` by section, leaving its labels as they are (session 11:
the heading a penal-code table shows beside each section, as context for the coder). The
rule is applied to the headings alone, not to any model output, so
the sample does not depend on how the autocoder does on it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/data: penal_sampling
from penal_sampling import add_titles, write_pool_and_sample

SAMPLE_SIZE = 150
HERE = Path(__file__).parent

# Parts II-VII of the Code create the offences; Part I (introductory: interpretation,
# parties, criminal responsibility) and Part VIII (miscellaneous) do not.
OFFENCE_PARTS = {"p2", "p3", "p4", "p5", "p6", "p7"}

# Headings that define a term are never offences.
DEFINITION = re.compile(r"^(Terms? used|Meaning of)\b")

# Sections inside the offence Parts whose heading names a definition, a defence, a
# justification, a duty or causation rule, a power, a procedure, a penalty rule for
# several offences, or a general form of liability (attempt, incitement, conspiracy,
# accessory after the fact: coded under the offence aimed at), not an offence.
NOT_OFFENCES = {
    "45",  # acts excepted from s. 44 (seditious intention)
    "49",  # compulsion as a defence
    "64",  # unlawful assembly may be ordered to disperse (a power)
    "66",  # rioters may be ordered to disperse (a power)
    "68A",  # lawful excuses under ss. 68B-68E
    "70B",  # trespasser may be asked for name and address (a power)
    "80E",  # conduct and private conduct, meaning of
    "80F",  # belief as to racial group
    "80G",  # defences
    "80H",  # consent to prosecution
    "80J",  # forfeiture of unlawful material
    "80N",  # display of Nazi symbols (when a symbol is displayed; offences are "Offence to ...")
    "80R",  # defence
    "80S",  # general defences
    "80T",  # exceptions
    "80U",  # removal notice: issue
    "80V",  # removal notice: content
    "80W",  # removal notice: service
    "80X",  # removal notice: duration
    "80Y",  # removal notice: revocation
    "80ZA",  # police powers
    "80ZB",  # correcting mistakes in a notice
    "80ZC",  # delegation
    "80ZD",  # forfeiture
    "80ZE",  # no compensation
    "80ZF",  # exclusion of a rule
    "84",  # ss. 82-83 do not apply to judicial officers
    "94",  # application of Chapter XIV
    "95",  # liability for acts of others
    "107",  # evidentiary matters
    "205",  # ignorance of age no defence
    "221A",  # defences and exclusions
    "221B",  # forfeiture of unlawful material
    "221BE",  # court may order rectification
    "221BF",  # review of amendments
    # Chapter XXVI: assault is unlawful; justifications (execution of process, arrest,
    # suppressing riot, self-defence, defence of property, discipline, treatment).
    *(str(n) for n in range(223, 262)),
    "259A",  # inoculation procedure, liability for
    # Chapter XXVII: duties relating to the preservation of life.
    "262",
    "263",
    "265",
    "266",
    "267",
    # Chapter XXVIII: killing unlawful, child a human being, causation rules, murder or
    # manslaughter (the offences are ss. 279 ff.).
    "268",
    "269",
    "271",
    "272",
    "273",
    "274",
    "275",
    "277",
    "331",  # ignorance of age no defence
    # Chapter XXXVI: things capable of being stolen, cases not stealing, ownership rules,
    # deeming rules (the offence and its penalty are s. 378).
    "370",
    "371A",
    "372",
    "373",
    "374",
    "375",
    "376",
    "422",  # defence
    "426",
    "426A",
    "427",  # summary conviction penalties for several offences
    "441",
    "442",  # when acts injuring property are unlawful
    "444A",  # a duty (its breach is s. 445A)
    "493",  # attempt offences do not apply
    "494",  # certificate to victim
    "531",  # gift to agent's parent deemed gift to agent
    "536",  # aiding Chapter LV offences in or outside WA
    "537",  # liability of director
    "538",  # penalty for Chapter LV offences (names no offence)
    "539",
    "540",
    "541",
    "542",
    "543",  # procedure and evidence
    # Part VII general forms of liability.
    "552",
    "553",
    "555A",
    "556",
    "557A",
    "557C",
    "558",
    "560",
    "562",
}


def _key(section: str) -> tuple[int, str]:
    match = re.fullmatch(r"(\d+)([A-Z]*)", section)
    if match is None:
        raise ValueError(section)
    return int(match.group(1)), match.group(2)


def eligible(code: dict[str, object]) -> list[dict[str, str]]:
    """Offence-creating sections, in the Code's order, with their own headings and their
    chapter's title as the source gives it (whitespace collapsed)."""
    chapters = {str(c["id"]): str(c["label"]) for c in code["chapters"]}  # type: ignore[attr-defined]
    titles = {str(c["id"]): " ".join(str(c["title"]).split()) for c in code["chapters"]}  # type: ignore[attr-defined]
    rows = []
    for item in code["sections"]:  # type: ignore[attr-defined]
        section = str(item["num"]).strip()
        title = " ".join(str(item["t"]).split()).rstrip(".-").strip()
        if item["grp"] not in OFFENCE_PARTS or item["unit"] != "s":
            continue
        if section in NOT_OFFENCES or DEFINITION.match(title):
            continue
        chapter = chapters[str(item["ch"])].removeprefix("Chapter ")
        rows.append(
            {
                "section": section,
                "chapter": chapter,
                "chapter_title": titles[str(item["ch"])],
                "text": title,
            }
        )
    return sorted(rows, key=lambda r: _key(r["section"]))


FIELDS = ["section", "chapter", "chapter_title", "text"]
LABELLED = "wa_cc_1913_sample_labelled.csv"


def main(source: Path) -> None:
    pool = eligible(json.loads(source.read_text(encoding="utf-8")))
    write_pool_and_sample(HERE, "wa", pool, SAMPLE_SIZE, _key, FIELDS)
    add_titles(HERE / LABELLED, pool)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
