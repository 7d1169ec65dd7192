"""The scrubber: text shown by ``watch`` loses what could name or reach a person.

Why: ``crimestats emerging`` shows offence descriptions and terms from them, and a
description field is free text. Police text holds, now and then, a victim's name, a
phone number, a street address or a car's plate. Nothing ``watch`` shows may identify a
person, so every text it shows passes :func:`scrub` first, and terms are counted on
scrubbed text (a name the scrubber removes can never become a "bursting term").

What it replaces, each by a tag (:class:`Category`, e.g. ``[phone]``):

- e-mail addresses;
- phone numbers: international (``+44 20 7946 0958``), US (``(312) 555-0142``,
  ``312-555-0142``) and UK (``020 7946 0958``, ``07700 900123``) formats;
- vehicle plates: any letters-and-digits token after a plate word (``plate``, ``reg``,
  ``registration``, ``VRM``, ``tag``), and the current UK format (``AB12 CDE``) anywhere;
- street addresses: a house or block number followed by up to three words and a street
  word (``221B Baker Street``, ``012XX S MICHIGAN AVE``), UK postcodes, and a US state
  abbreviation followed by a ZIP code;
- identifiers: runs of seven or more digits, and two letters followed by six or more
  digits (case numbers such as Chicago's ``HW123456``);
- web addresses and social handles (``@name``), as names; IP addresses, US social
  security numbers, payment card numbers, local phone numbers (``555-0142``) and UK
  national insurance numbers, as identifiers; coordinate pairs (``51.5034, -0.1276``)
  as ``[place]``; and exact dates (``12/03/1985``, ``1985-03-12``) as ``[date]``;
- personal names: words after a title (Mr, Mrs, Ms, Dr ...) or after a role word (victim,
  suspect, offender, witness ...), and, list-free, in prose (text mostly in lower case)
  any capitalised word that does not start a sentence. In capitals-only text a word
  after a title or role word is a name unless it is an offence word (a word of the ICCS
  training vocabulary) or a common English word.

Its promise is to over-scrub rather than under-scrub: a place or brand in prose ("stolen
from Tesco") becomes ``[name]``. Its limits (see docs/watch-emerging.md): a name in
capitals with no title or role word before it ("JOHN SMITH ASSAULTED"), an address
without a number, a plate with no plate word that is not in the UK format, and numbers
written in words are not found. Rules, not a model: each is tested, near misses included
(``THEFT OF MOTOR VEHICLE``, ICCS codes such as ``060111``, ``2 CARS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Category(StrEnum):
    """What the scrubber removed; the tag it leaves is ``[value]``."""

    EMAIL = "email"
    PHONE = "phone"
    PLATE = "plate"
    ADDRESS = "address"
    ID = "id"
    NAME = "name"
    DATE = "date"
    PLACE = "place"

    @property
    def tag(self) -> str:
        return f"[{self.value}]"


@dataclass(frozen=True, slots=True)
class Scrubbed:
    """A scrubbed text and what was removed from it (each category once per find)."""

    text: str
    removed: tuple[Category, ...]


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_PHONE_INTERNATIONAL = re.compile(r"\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,6}")
_PHONE_US = re.compile(r"(?<![\d-])(?:1[\s.-])?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)")
_PHONE_UK = re.compile(r"(?<![\d-])0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)")

_PLATE_WORD = re.compile(
    r"\b(?:licen[cs]e\s+plate|number\s+plate|plates?|reg(?:istration)?|vrm|tag)\b"
    r"(?:\s*(?:no\.?|number|num|#))?\s*[:#.]?\s*"
    r"(?P<plate>[A-Z0-9]{1,8}(?:-[A-Z0-9]{1,4}){0,2}(?:\s[A-Z0-9]{2,4})?)\b",
    re.IGNORECASE,
)
_PLATE_UK = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b")

_STREET_WORDS = (
    "street|st|road|rd|avenue|ave|av|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|"
    "way|terrace|ter|close|crescent|cres|highway|hwy|parkway|pkwy|square|sq|row|mews|"
    "gardens|gdns|grove|hill|walk|circle|cir|trail|pike|expressway|expy"
)
_ADDRESS = re.compile(
    r"\b\d{1,5}[A-Z]{0,2}(?:X{1,3})?\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9'][\w'.-]*\s+){0,3}"
    rf"(?:{_STREET_WORDS})\b\.?",
    re.IGNORECASE,
)
_POSTCODE_UK = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|"
    "NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_STATE_ZIP = re.compile(rf"\b(?:{_US_STATES})\s+\d{{5}}(?:-\d{{4}})?\b")

_ID = re.compile(r"\b[A-Z]{2}\d{6,}\b|(?<!\d)\d{7,}(?!\d)", re.IGNORECASE)

# Found by the red-team attack (tests/attacks/test_attack_watch.py): these went through.
_URL = re.compile(
    r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co\.uk)/\S*", re.I
)
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,}")
_IP = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_COORDINATES = re.compile(
    r"(?<![\d.])-?\d{1,3}\.\d{3,}\s*(?:[,;/]|\s)\s*(?:(?:lon|lng|long|longitude)\s*[:=]?\s*)?"
    r"-?\d{1,3}\.\d{3,}(?![\d.])",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"(?<![\d/.-])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2}))(?![\d/.-])"
)
_DIGIT_GROUPS = re.compile(
    r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])"  # US social security number
    r"|(?<!\d)\d{4}(?:[\s-]\d{4}){2,3}(?!\d)"  # payment card
    r"|(?<!\d)\d{3}[\s.-]\d{4}(?!\d)"  # local phone number, 555-0142
    r"|\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",  # UK NI number
    re.IGNORECASE,
)

_TITLE = r"(?:mr|mrs|ms|miss|mx|dr|sir|dame|master|mstr)\.?"
_ROLE = (
    r"(?:named|called|victims?|suspects?|offenders?|complainants?|witness(?:es)?|accused|defendants?|"
    r"perpetrators?|informants?|subjects?)"
)
_LINK = r"(?:\s*[:,-]\s*|\s+(?:named|called|name|is|was|were|being|identified\s+as)\s+)*"
_NAME_WORD = r"(?:[A-Z]\.\s*)*[A-Z][A-Za-z'-]*"
_AFTER_TITLE = re.compile(rf"\b(?i:{_TITLE})\s+(?P<names>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})")
_AFTER_ROLE = re.compile(
    rf"\b(?i:{_ROLE}){_LINK}\s*(?P<names>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})"
)
_NOT_TITLE = r"(?!(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Master)\b)"
_CAPITALISED = re.compile(
    rf"\b{_NOT_TITLE}[A-Z][a-z'][A-Za-z'-]*(?:\s+{_NOT_TITLE}[A-Z][a-z'][A-Za-z'-]*)*"
)

_COMMON = frozenset(
    {
        "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "by", "with", "from",
        "for", "into", "onto", "over", "under", "near", "not", "no", "was", "were", "is",
        "are", "be", "been", "being", "has", "had", "have", "who", "which", "that", "this",
        "these", "those", "his", "her", "their", "its", "he", "she", "they", "him", "them",
        "it", "i", "we", "you", "male", "female", "man", "woman", "boy", "girl", "person",
        "unknown", "aged", "age", "years", "old", "yrs", "adult", "juvenile", "child",
        "unk", "none", "n/a", "also", "then", "after", "before", "during", "while", "when",
        "where", "as", "but", "if", "so", "one", "two", "three", "four", "five", "six",
        "seven", "eight", "nine", "ten", "first", "second", "third", "both", "other",
        "others", "all", "any", "some", "same", "said", "who's", "whom", "states", "stated",
        "reports", "reported", "says", "arrested", "fled", "left", "went", "came", "got",
        "took", "attended", "arrived", "called", "contacted", "approached", "entered",
        "removed", "stole", "hit", "punched", "kicked", "seen", "found", "saw", "told",
        "asked", "refused", "ran", "walked", "drove", "returned", "ended", "started",
    }
)  # fmt: skip
"""Common English words that are never taken for a name in capitals-only text."""


@lru_cache(maxsize=1)
def offence_words() -> frozenset[str]:
    """Every word of the autocoder's training texts (ICCS, its index, the vocabulary and
    the bundled correspondence tables), normalised: in capitals-only text such a word
    after a role word is an offence word ("VICTIM INJURED"), not a name."""
    from crimestats.iccs.correspondence import load_bundled
    from crimestats.iccs.text import normalise
    from crimestats.iccs.training import default_examples

    return frozenset(w for e in default_examples(load_bundled()) for w in normalise(e.text).split())


def _is_ordinary(word: str) -> bool:
    """An offence or common word (so not a name) when the text gives no case to go by."""
    folded = word.strip(".,:;'-").casefold()
    if not folded or folded in _COMMON:
        return True
    known = offence_words()
    # inflected forms of a vocabulary word: "ASSAULTED", "STABBED", "THREATS"
    stem = re.sub(r"(?:ed|ing|es|s)$", "", folded)
    forms = {
        folded,
        stem,
        stem + "e",
        stem + "ing",
        stem + "s",
        stem[:-1] if stem[-2:-1] == stem[-1:] else stem,
    }
    forms |= {f + "ing" for f in forms} | {f + "e" for f in forms}
    return any(f in known for f in forms if len(f) >= 3)


def _name_run(words: str, *, caps_only: bool) -> tuple[str, str]:
    """Split the words after a title or role word into (the name, what follows it).

    In mixed-case text the capitalised words are the name. In capitals-only text the
    name stops at the first offence or common word.
    """
    end = 0
    for match in re.finditer(r"\S+", words):
        part = match.group(0)
        if re.fullmatch(r"[A-Z]\.", part):  # an initial
            end = match.end()
            continue
        if (caps_only and _is_ordinary(part)) or (not caps_only and not part[:1].isupper()):
            break
        end = match.end()
    return words[:end], words[end:]


def _without_tags(text: str) -> str:
    return re.sub(r"\[(?:" + "|".join(c.value for c in Category) + r")\]", " ", text)


def _is_caps_only(text: str) -> bool:
    letters = [c for c in _without_tags(text) if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _is_prose(text: str) -> bool:
    """Mostly lower-case words: a capitalised word inside a sentence then stands out."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", _without_tags(text))
    lower = sum(w[0].islower() for w in words)
    return len(words) >= 3 and lower / len(words) >= 0.6


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip()
    return not before or before[-1] in ".!?:;\n\"'("


class _Finds:
    """Collects what each rule removed while the text is rewritten."""

    def __init__(self) -> None:
        self.removed: list[Category] = []

    def sub(
        self,
        pattern: re.Pattern[str],
        category: Category,
        text: str,
        keep: Callable[[re.Match[str]], bool] | None = None,
    ) -> str:
        def replace(match: re.Match[str]) -> str:
            if keep is not None and keep(match):
                return match.group(0)
            self.removed.append(category)
            return category.tag

        return pattern.sub(replace, text)


def _digits(match: re.Match[str]) -> int:
    return sum(c.isdigit() for c in match.group(0))


def _scrub_plates(text: str, finds: _Finds) -> str:
    """A token after a plate word is a plate when it holds both letters and digits; a
    second token (after a space; hyphens always join) belongs to it in the UK shape
    (``AB12 CDE``) or when it holds digits."""

    def replace(match: re.Match[str]) -> str:
        plate = match.group("plate")
        first, _, second = plate.partition(" ")
        joined = bool(second) and (
            (second.isalpha() and len(second) == 3) or any(c.isdigit() for c in second)
        )
        candidate = plate if joined else first
        digits = any(c.isdigit() for c in candidate)
        if len(first.replace("-", "")) < 2 or not (digits and any(c.isalpha() for c in candidate)):
            return match.group(0)
        finds.removed.append(Category.PLATE)
        whole = match.group(0)
        start = match.start("plate") - match.start(0)
        return whole[:start] + Category.PLATE.tag + whole[start + len(candidate) :]

    return _PLATE_WORD.sub(replace, text)


def _scrub_names(text: str, finds: _Finds) -> str:
    caps_only = _is_caps_only(text)

    def after(match: re.Match[str]) -> str:
        name, rest = _name_run(match.group("names"), caps_only=caps_only)
        if not name:
            return match.group(0)
        finds.removed.append(Category.NAME)
        whole = match.group(0)
        start = match.start("names") - match.start(0)
        return whole[:start] + Category.NAME.tag + rest

    text = _AFTER_TITLE.sub(after, text)
    text = _AFTER_ROLE.sub(after, text)
    if not caps_only and _is_prose(text):

        def capitalised(match: re.Match[str]) -> str:
            run = match.group(0)
            if _sentence_start(text, match.start()):
                first, _, rest = run.partition(" ")
                if not rest:  # one capitalised word opening a sentence: ordinary case
                    return run
                if _is_ordinary(first):
                    finds.removed.append(Category.NAME)
                    return f"{first} {Category.NAME.tag}"
            finds.removed.append(Category.NAME)
            return Category.NAME.tag

        text = _CAPITALISED.sub(capitalised, text)
    return text


def scrub_report(text: str) -> Scrubbed:
    """Scrub ``text`` and say what was removed (see the module docstring for the rules)."""
    finds = _Finds()
    out = finds.sub(_EMAIL, Category.EMAIL, text)
    out = finds.sub(_URL, Category.NAME, out)
    out = finds.sub(_HANDLE, Category.NAME, out)
    out = finds.sub(_IP, Category.ID, out)
    out = finds.sub(_COORDINATES, Category.PLACE, out)
    out = finds.sub(_DATE, Category.DATE, out)
    out = finds.sub(_PHONE_INTERNATIONAL, Category.PHONE, out, keep=lambda m: _digits(m) < 8)
    out = finds.sub(_PHONE_US, Category.PHONE, out)
    out = finds.sub(_PHONE_UK, Category.PHONE, out, keep=lambda m: _digits(m) not in (10, 11))
    out = finds.sub(_DIGIT_GROUPS, Category.ID, out)
    out = _scrub_plates(out, finds)
    out = finds.sub(_PLATE_UK, Category.PLATE, out)
    out = finds.sub(_ADDRESS, Category.ADDRESS, out)
    out = finds.sub(_POSTCODE_UK, Category.ADDRESS, out)
    out = finds.sub(_STATE_ZIP, Category.ADDRESS, out)
    out = finds.sub(_ID, Category.ID, out)
    out = _scrub_names(out, finds)
    return Scrubbed(out, tuple(finds.removed))


def scrub(text: str) -> str:
    """``text`` with names, phone numbers, e-mail addresses, street addresses, plates and
    long identifiers replaced by tags such as ``[phone]``.

    >>> scrub("Victim John Smith, call 07700 900123 or js@example.org")
    'Victim [name], call [phone] or [email]'
    >>> scrub("THEFT OF MOTOR VEHICLE")
    'THEFT OF MOTOR VEHICLE'
    """
    return scrub_report(text).text


TAGS = frozenset(c.tag for c in Category)
"""Every tag the scrubber leaves."""
