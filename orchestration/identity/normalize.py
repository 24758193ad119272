"""Normalise the identifying fields of a person record so equal people compare equal."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from orchestration.ingest.vendor import canonical_code, canonical_date

# Names that say "we do not know who this is": never evidence that two records are one person.
PLACEHOLDER_NAMES = frozenset({
    "anonymous", "anon", "unknown", "unk", "client", "na", "none", "refused", "test",
    "noname", "baby", "male", "female", "x", "xx", "xxx", "declined", "notgiven", "nn",
})
# Real names on their own, placeholders together ("John Doe" is nobody in particular).
PLACEHOLDER_FULL_NAMES = frozenset({("john", "doe"), ("jane", "doe"), ("baby", "boy"),
                                    ("baby", "girl")})
UNKNOWN_QUALITY = frozenset({"8", "9", "99"})  # HUD: doesn't know / prefers not / not collected
APPROXIMATE_QUALITY = "2"  # HUD: approximate or partial
_FAKE_SSNS = frozenset({"123456789", "987654321", "078051120"})

_NON_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=500_000)
def name(value: str | None) -> str | None:
    """Lower case, accents folded, punctuation dropped: `  José-María ` -> `josemaria`.

    Cached: a million records hold a few thousand distinct names.
    """
    if not value:
        return None
    folded = unicodedata.normalize("NFKD", value)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = _SPACES.sub(" ", _NON_LETTER.sub("", folded.replace("-", " "))).strip()
    folded = folded.replace(" ", "")
    return folded or None


def identifying_names(first: str | None, last: str | None) -> tuple[str | None, str | None]:
    """Normalised (first, last) with placeholder parts dropped, so they never count as agreeing."""
    first, last = name(first), name(last)
    if (first, last) in PLACEHOLDER_FULL_NAMES:
        return None, None
    return (None if first in PLACEHOLDER_NAMES else first,
            None if last in PLACEHOLDER_NAMES else last)


def _code(quality: str | None) -> str | None:
    """A HUD data-quality code as plain digits (`8.0` and ` 8` are 8)."""
    return canonical_code(quality)


def dob(value: str | None, quality: str | None = None, pivot: date | None = None) -> date | None:
    """A usable date of birth: in any vendor layout (`08-MAY-67`, a two-digit year read as
    one not after `pivot`, the export date), not in the future, not flagged as unknown."""
    if not value or _code(quality) in UNKNOWN_QUALITY:
        return None
    try:
        parsed = date.fromisoformat(canonical_date(value, pivot or date.today()) or "")
    except ValueError:
        return None
    if parsed > date.today() or parsed.year < 1900:
        return None
    return parsed


def phone(value: str | None) -> str | None:
    """Ten US digits, or nothing: `(555) 123-4567` and `+1 555.123.4567` compare equal."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or len(set(digits)) == 1:
        return None
    return digits


def dob_is_approximate(quality: str | None) -> bool:
    """HUD DOBDataQuality 2: the date is a guess and may only agree weakly."""
    return _code(quality) == APPROXIMATE_QUALITY


def email(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = value.strip().lower()
    return cleaned if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", cleaned) else None


def ssn_last4(value: str | None, quality: str | None = None) -> str | None:
    """Last four SSN digits; quality 8/9/99 means missing, not a value."""
    if not value or _code(quality) in UNKNOWN_QUALITY:
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) < 4 or len(set(digits)) == 1 or digits[-4:] == "0000":
        return None
    return digits[-4:]


# USPS Publication 28 suffixes and directionals, so `12 Oak Street` is `12 Oak St`.
_STREET_WORDS = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr",
    "place": "pl", "court": "ct", "lane": "ln", "boulevard": "blvd", "circle": "cir",
    "crescent": "cres", "highway": "hwy", "terrace": "ter", "parkway": "pkwy", "square": "sq",
    "trail": "trl", "way": "way", "close": "cl", "circuit": "cct", "north": "n",
    "south": "s", "east": "e", "west": "w", "northeast": "ne", "northwest": "nw",
    "southeast": "se", "southwest": "sw", "mount": "mt", "saint": "st", "apartment": "apt",
}
_UNIT_WORDS = frozenset({"apt", "unit", "ste", "suite", "rm", "room", "fl", "floor", "lot",
                         "trlr", "bldg", "spc", "space", "flat"})
_ADDRESS_TOKENS = re.compile(r"#|[a-z0-9]+")


def address(value: str | None) -> tuple[str | None, str | None, str | None]:
    """(house number, street, unit) of a street address, e.g. `12B Oak Street, Apt. 4` ->
    (`12b`, `oak st`, `4`); a PO box is street `po box` with the box as its number."""
    if not value:
        return None, None, None
    folded = unicodedata.normalize("NFKD", value)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    street_line, *rest = folded.split(",")
    tokens = [_STREET_WORDS.get(t, t) for t in _ADDRESS_TOKENS.findall(street_line)]
    unit = None
    for part in rest:  # a later line counts only as a unit (`Apt 4`), not a locality
        found = [_STREET_WORDS.get(t, t) for t in _ADDRESS_TOKENS.findall(part)]
        if found and (found[0] in _UNIT_WORDS or found[0] == "#") and len(found) > 1:
            unit = found[-1]
    for index, token in enumerate(tokens):
        if (token in _UNIT_WORDS or token == "#") and index + 1 < len(tokens):
            unit = tokens[index + 1]  # `#3 44 Main St` puts it first, `44 Main St #3` last
            tokens = tokens[index + 2:] if index == 0 else tokens[:index]
            break
    if tokens[:2] in (["po", "box"], ["p", "o"]) or tokens[:1] == ["pobox"]:
        numbers = [t for t in tokens if t.isdigit()]
        return (numbers[0] if numbers else None), "po box", unit
    number = tokens[0] if tokens and tokens[0][:1].isdigit() else None
    street = " ".join(tokens[1:] if number else tokens) or None
    return number, street, unit


def place(value: str | None) -> str | None:
    """A city as a name: `St. Louis` and `st louis` compare equal."""
    return name(value)


def zip_code(value: str | None) -> str | None:
    """The five-digit ZIP of a ZIP or ZIP+4; another country's code as written, without
    spaces or case (`4011`, `TQ13 8JN` = `tq138jn`), never just its digits."""
    cleaned = re.sub(r"[^0-9a-z]", "", (value or "").lower())
    if cleaned.isdigit() and len(cleaned) == 9:
        cleaned = cleaned[:5]
    if not 3 <= len(cleaned) <= 8 or len(set(cleaned)) == 1:
        return None
    return cleaned


def ssn(value: str | None, quality: str | None = None) -> str | None:
    """All nine SSN digits when they can be a real SSN; partial, unknown or fake is nothing."""
    if not value or (quality and _code(quality) != "1"):
        return None
    digits = re.sub(r"\D", "", value)
    if (len(digits) != 9 or len(set(digits)) == 1 or digits in _FAKE_SSNS
            or digits[:3] in {"000", "666"} or digits[0] == "9"
            or digits[3:5] == "00" or digits[5:] == "0000"):
        return None
    return digits
