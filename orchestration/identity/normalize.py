"""Normalise the identifying fields of a person record so equal people compare equal."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Names that say "we do not know who this is": never evidence that two records are one person.
PLACEHOLDER_NAMES = frozenset({
    "anonymous", "anon", "unknown", "unk", "client", "doe", "john", "jane", "na", "n a",
    "none", "refused", "test", "noname", "no name", "baby", "male", "female", "x", "xx",
})

_NON_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


def name(value: str | None) -> str | None:
    """Lower case, accents folded, punctuation dropped: `  José-María ` -> `josemaria`."""
    if not value:
        return None
    folded = unicodedata.normalize("NFKD", value)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = _SPACES.sub(" ", _NON_LETTER.sub("", folded.replace("-", " "))).strip()
    folded = folded.replace(" ", "")
    return folded or None


def is_placeholder(first: str | None, last: str | None) -> bool:
    return not first or not last or first in PLACEHOLDER_NAMES or last in PLACEHOLDER_NAMES


def dob(value: str | None, quality: str | None = None) -> date | None:
    """A usable date of birth: parseable, not in the future, and not flagged as unknown."""
    if not value or (quality and quality.strip() in {"8", "9", "99"}):
        return None
    try:
        parsed = date.fromisoformat(value.strip()[:10])
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


def email(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = value.strip().lower()
    return cleaned if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", cleaned) else None


def ssn_last4(value: str | None, quality: str | None = None) -> str | None:
    """Last four SSN digits; quality 8/9/99 means missing, not a value."""
    if not value or (quality and quality.strip() in {"8", "9", "99"}):
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) < 4 or len(set(digits)) == 1:
        return None
    return digits[-4:]
