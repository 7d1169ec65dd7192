"""The offence and place vocabulary of the synthetic national workload.

Offences come from the distinct (IUCR, Primary Type, Description) triples of the real
Chicago 2014 sample bundled with crimestats (``crimestats/bundled/chicago``), weighted by
how often each occurs there; ``--vocab builtin`` uses a list of 60 generic offences
instead. Each offence gets a category (violent, sexual, property, ...) that drives victim
and suspect presence, weapons and injuries in ``generate.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import polars as pl

from crimestats.domain.enums import Injury, Relationship, Sex, TriState, VictimType, Weapon, values
from crimestats.services.demo import BUNDLED, bundled_path

CHICAGO_FILE = bundled_path(BUNDLED[0].file)

# Offence categories drive victim/suspect presence, weapons and injuries.
CATEGORIES = "VSPFDWRX"  # violent sexual property fraud drugs weapons public-oRder other
V, S, P, F, D, W, R, X = range(len(CATEGORIES))
_CHICAGO_CATEGORY = {  # Primary Type -> category
    name: CATEGORIES.index(cat)
    for cat, names in (
        ("V", "BATTERY,ASSAULT,ROBBERY,HOMICIDE,KIDNAPPING,INTIMIDATION,STALKING,"
              "OFFENSE INVOLVING CHILDREN,HUMAN TRAFFICKING"),
        ("S", "CRIM SEXUAL ASSAULT,CRIMINAL SEXUAL ASSAULT,SEX OFFENSE"),
        ("P", "THEFT,BURGLARY,MOTOR VEHICLE THEFT,CRIMINAL DAMAGE,CRIMINAL TRESPASS,ARSON"),
        ("F", "DECEPTIVE PRACTICE"),
        ("D", "NARCOTICS,OTHER NARCOTIC VIOLATION"),
        ("W", "WEAPONS VIOLATION,CONCEALED CARRY LICENSE VIOLATION"),
        ("R", "PUBLIC PEACE VIOLATION,INTERFERENCE WITH PUBLIC OFFICER,PROSTITUTION,"
              "LIQUOR LAW VIOLATION,GAMBLING,OBSCENITY,PUBLIC INDECENCY"),
    )
    for name in names.split(",")
}  # fmt: skip
# code, label, description, category: 60 generic offences, most frequent first.
_BUILTIN = """\
T01|THEFT|Theft from a shop|P;T02|THEFT|Theft of property under 500|P;A01|ASSAULT|Common assault|V
D01|CRIMINAL DAMAGE|Damage to a vehicle|P;T03|THEFT|Theft from a motor vehicle|P
A02|ASSAULT|Domestic assault without injury|V;F01|FRAUD|Online purchase fraud|F
B01|BURGLARY|Burglary of a dwelling|P;N01|DRUGS|Possession of cannabis|D
T04|THEFT|Theft of a bicycle|P;D02|CRIMINAL DAMAGE|Damage to a dwelling|P
A03|ASSAULT|Assault occasioning actual bodily harm|V;M01|VEHICLE THEFT|Theft of a motor vehicle|P
O01|PUBLIC ORDER|Threatening behaviour in public|R;T05|THEFT|Theft from the person|P
F02|FRAUD|Card not present fraud|F;A04|ASSAULT|Domestic assault with injury|V
H01|HARASSMENT|Harassment by telephone or message|V
R01|ROBBERY|Robbery of personal property, no weapon|V
B02|BURGLARY|Burglary of business premises|P;N02|DRUGS|Possession of a class A drug|D
F03|FRAUD|Identity theft|F;T06|THEFT|Theft by an employee|P;D03|CRIMINAL DAMAGE|Graffiti|P
O02|PUBLIC ORDER|Drunk and disorderly|R;R02|ROBBERY|Armed robbery with a knife|V
A05|ASSAULT|Assault on a police officer|V;W01|WEAPONS|Possession of a knife in public|W
B03|BURGLARY|Attempted burglary of a dwelling|P;H02|HARASSMENT|Stalking|V
N03|DRUGS|Supply of a controlled drug|D;F04|FRAUD|Computer fraud, phishing|F
T07|THEFT|Theft of a mobile phone|P;S01|SEXUAL OFFENCE|Sexual assault on an adult|S
A06|ASSAULT|Aggravated assault with a firearm|V;R03|ROBBERY|Armed robbery with a firearm|V
W02|WEAPONS|Unlawful possession of a firearm|W;X01|OTHER|Breach of a protection order|X
O03|PUBLIC ORDER|Resisting an officer|R;F05|FRAUD|Forgery of documents|F
D04|CRIMINAL DAMAGE|Arson of a vehicle|P;S02|SEXUAL OFFENCE|Rape of an adult|S
X02|OTHER|Failure to appear|X;T08|THEFT|Handling stolen goods|P
S03|SEXUAL OFFENCE|Sexual offence against a child|S;A07|ASSAULT|Child neglect or cruelty|V
F06|FRAUD|Benefit fraud|F;O04|PUBLIC ORDER|Prostitution, soliciting|R
X03|OTHER|Drink driving|X;X04|OTHER|Dangerous driving|X;K01|KIDNAPPING|Abduction|V
F07|CORRUPTION|Bribery of an official|F;M02|VEHICLE THEFT|Attempted theft of a motor vehicle|P
H03|HOMICIDE|Murder|V;H04|HOMICIDE|Manslaughter|V;A08|ASSAULT|Attempted murder|V
X05|OTHER|Cruelty to animals|X;F08|FRAUD|Money laundering|F;O05|PUBLIC ORDER|Hate speech|R
S04|SEXUAL OFFENCE|Distribution of child sexual abuse material|S;K02|TRAFFICKING|Human trafficking|V
N04|DRUGS|Cultivation of cannabis|D;W03|WEAPONS|Illegal sale of a firearm|W
X06|OTHER|Environmental offence, illegal dumping|X;O06|PUBLIC ORDER|Illegal gambling|R"""
_BUILTIN_LOCATIONS = (
    ("street", 24), ("residence", 20), ("apartment", 14), ("shop", 8), ("vehicle", 6),
    ("parking lot", 5), ("restaurant or bar", 4), ("school", 3), ("public transport", 3),
    ("park", 3), ("office", 3), ("online", 3), ("hospital", 1), ("other", 3),
)  # fmt: skip

NARRATIVE = (  # prefix, suffix around "<description> at <location>"
    ("Caller reported ", ". Officers attended."),
    ('Victim states "', '", no further details.'),
    ("Report of ", ", suspect left the scene on foot."),
    ("Patrol called to ", "; CCTV to be checked, witness details taken."),
    ("Walk-in report: ", ".\nFollow-up by the local team."),
)


@dataclass(frozen=True)
class Vocabulary:
    """Offence and place vocabularies with their frequencies."""

    source: str
    codes: list[str]
    labels: list[str]
    descriptions: list[str]
    weights: np.ndarray  # sums to 1
    category: np.ndarray  # int, V..X
    domestic: np.ndarray  # share of domestic incidents per offence
    weapon_hint: np.ndarray  # index into WEAPONS, -1 when the text names none
    attempt: np.ndarray  # bool: the description says attempted
    fatal: np.ndarray  # bool: homicide
    locations: list[str]
    location_weights: np.ndarray


WEAPONS, TRI, SEXES = values(Weapon), values(TriState), values(Sex)
VICTIM_TYPES, RELATIONSHIPS, INJURIES = values(VictimType), values(Relationship), values(Injury)
_WEAPON_WORDS = (
    (0, r"HANDGUN|FIREARM|\bGUN|RIFLE|SHOTGUN"),
    (1, r"KNIFE|CUTTING"),
    (2, r"OTHER DANGEROUS WEAPON|OTHER WEAPON"),
    (3, r"NO WEAPON|STRONGARM|HANDS"),
)


def _flags(labels: list[str], descriptions: list[str]) -> dict[str, np.ndarray]:
    text = [f"{lab} {desc}".upper() for lab, desc in zip(labels, descriptions, strict=True)]
    hint = np.full(len(text), -1, dtype=np.int8)
    for weapon, pattern in reversed(_WEAPON_WORDS):
        hint[[bool(re.search(pattern, t)) for t in text]] = weapon
    return {
        "weapon_hint": hint,
        "attempt": np.array(["ATTEMPT" in t for t in text]),
        "fatal": np.array([bool(re.search("HOMICIDE|MURDER|MANSLAUGHTER", t)) for t in text])
        & ~np.array(["ATTEMPT" in t for t in text]),
    }


def load_vocabulary(which: str = "auto") -> Vocabulary:
    """The Chicago sample's offences and places if present (or asked for), else built-ins."""
    files = [CHICAGO_FILE] if which != "builtin" and CHICAGO_FILE.exists() else []
    if which == "chicago" and not files:
        raise SystemExit(f"no Chicago sample at {CHICAGO_FILE}; use --vocab builtin")
    if files:
        df = pl.read_csv(files[0], infer_schema_length=0)
        g = (
            df.group_by("IUCR", "Primary Type", "Description")
            .agg(pl.len().alias("n"), (pl.col("Domestic") == "true").mean().alias("dom"))
            .sort("n", "IUCR", "Description", descending=[True, False, False])
        )
        labels, descs = g["Primary Type"].to_list(), g["Description"].to_list()
        loc = (
            df.group_by("Location Description")
            .len()
            .drop_nulls()
            .sort("len", "Location Description", descending=[True, False])
        )
        locations, loc_w = loc["Location Description"].to_list(), loc["len"].to_numpy()
        codes, weights = g["IUCR"].to_list(), g["n"].to_numpy().astype(float)
        category = np.array([_CHICAGO_CATEGORY.get(lab, X) for lab in labels])
        domestic = g["dom"].to_numpy()
        source = f"chicago-2014-sample ({len(codes)} offences)"
    else:
        rows = [line.split("|") for line in _BUILTIN.replace("\n", ";").split(";")]
        codes, labels, descs = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
        category = np.array([CATEGORIES.index(r[3]) for r in rows])
        weights = 1.0 / np.arange(1, len(rows) + 1) ** 1.1
        domestic = np.where(category == V, 0.3, np.where(category == S, 0.25, 0.02))
        domestic[[("Domestic" in d) for d in descs]] = 0.95
        locations = [name for name, _ in _BUILTIN_LOCATIONS]
        loc_w = np.array([w for _, w in _BUILTIN_LOCATIONS], dtype=float)
        source = f"builtin ({len(codes)} offences)"
    return Vocabulary(
        source, codes, labels, descs, weights / weights.sum(), category, domestic,
        **_flags(labels, descs), locations=locations, location_weights=loc_w / loc_w.sum(),
    )  # fmt: skip
