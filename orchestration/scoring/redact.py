"""Redaction before a note leaves the building, with an offset map back to the original.

Identifiers become typed placeholders ([NAME], [SSN], [PHONE], [EMAIL], [ADDRESS], [DOB]).
A model quotes the redacted text; `Redaction.locate` finds that quote and maps it back to a
verbatim span of the original note, widening any placeholder it touches to the whole
identifier it replaced, so reports highlight the real sentence.

Detection errs toward redacting: the client's own identifiers from raw.hmis_client and
intake (any case, accents or not), any capitalised word that is a name somewhere in the
agency's records, names after a title or a relation ("Ms. Cole", "her son Dre"), and the
shapes of SSNs, phones, emails, street addresses and labelled dates of birth.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

KINDS = ("EMAIL", "SSN", "PHONE", "DOB", "ADDRESS", "NAME")  # overlaps keep the earliest kind

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SSN = re.compile(r"(?<![\d-])(?:\d{3}([- ])\d{2}\1\d{4}|\d{9})(?![\d-])")
_SSN_LABELLED = re.compile(
    r"\b(?:ssn|ss#|social security(?: number| no\.?| #)?)\W{0,3}"
    r"(?:(?:ending|ends|last|four|digits|number|no|is|in|with|of)\W+){0,4}(\d[\d -]{2,10}\d)",
    re.IGNORECASE)
_PHONE = re.compile(
    r"(?<![\w-])(?:(?:\+?1[-. ]?)?(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}"
    r"|(?:\+?1)?\d{10}|\d{3}-\d{4})(?![\w-])")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}"
         rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}})")
_DOB_LABELLED = re.compile(
    rf"\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|birthday|born(?: on)?)\W{{0,3}}({_DATE})",
    re.IGNORECASE)
_SUFFIX = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Way"
           r"|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Trail|Trl|Loop)")
_STREET = (rf"(?:(?:(?:[A-Z][\w'’.-]*|\d+(?:st|nd|rd|th))\s+){{1,5}}{_SUFFIX}\b"
           rf"|(?:Avenida|Calle|Camino|Via)(?:\s+[\w'’]+){{1,3}})")
_UNIT = r",?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*#?\w+"
# A house number and street, a street and unit ("Oak Ave Apt 5": the unit makes it one
# home even without the number), or a PO box.
_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?{_STREET}(?:{_UNIT})?"
    rf"|\b{_STREET}{_UNIT}"
    rf"|\bP\.?\s?O\.?\s+Box\s+\d+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_CUE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|named|goes by|aka|a\.k\.a\.|son|daughter|mother|father"
    r"|mom|dad|brother|sister|wife|husband|partner|boyfriend|girlfriend|fianc[eé]e?|aunt|uncle"
    r"|cousin|grandmother|grandfather|grandma|grandpa|niece|nephew|friend|roommate|landlord"
    r"|neighbor|neighbour|child|kids?)\b\.?,?\s+([A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*)")
_NOT_NAMES = frozenset(
    [*_MONTHS, "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
     "i", "he", "she", "they", "we", "you", "the", "a", "an", "and", "or", "is", "was", "has",
     "had", "will", "to", "at", "in", "on", "of", "for", "who", "that", "this", "his", "her",
     "their", "client", "staff", "worker"])


def fold(text: str) -> str:
    """Case- and accent-blind form of a name, so 'LUCIA' matches 'Lucía'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1 << 14)
def name_parts(name: str) -> frozenset[str]:
    """Folded words of a name and of its hyphenated pieces ('Smith-Jones' -> 3 parts).
    Cached: redaction asks this of every word of every note, and words repeat."""
    parts: set[str] = set()
    for word in _WORD.findall(name or ""):
        for piece in (word, *re.split(r"['’-]", word)):
            folded = fold(piece)
            if len(folded) >= 2:
                parts.add(folded)
    return frozenset(parts)


def dob_spellings(day: date) -> set[str]:
    """How a worker might write a date of birth."""
    month = _MONTHS[day.month - 1]
    return {
        day.isoformat(), f"{day.month}/{day.day}/{day.year}", f"{day:%m/%d/%Y}",
        f"{day.month}/{day.day}/{day:%y}", f"{day:%m/%d/%y}", f"{day:%m-%d-%Y}",
        f"{month} {day.day}, {day.year}", f"{month} {day.day} {day.year}",
        f"{month[:3]} {day.day}, {day.year}", f"{day.day} {month} {day.year}",
    }


@dataclass(frozen=True)
class ClientFacts:
    """What the records say about the note's own client: redacted wherever it appears.

    SSNs and phones need no entry: every SSN- or phone-shaped number is redacted anyway.
    """

    names: frozenset[str] = frozenset()  # folded name parts
    literals: tuple[tuple[str, str], ...] = ()  # (kind, text matched in any case)

    @classmethod
    def of(cls, names: Iterable[str] = (), dobs: Iterable[str] = (),
           emails: Iterable[str] = (), addresses: Iterable[str] = ()) -> ClientFacts:
        literals: set[tuple[str, str]] = set()
        for value in dobs:
            try:
                literals |= {("DOB", s) for s in dob_spellings(date.fromisoformat(value[:10]))}
            except (TypeError, ValueError):
                continue
        literals |= {("EMAIL", e.strip()) for e in emails if e and "@" in e}
        literals |= {("ADDRESS", " ".join(a.split())) for a in addresses if a and a.strip()}
        parts: set[str] = set()
        for name in names:
            parts |= name_parts(name)
        return cls(frozenset(parts), tuple(sorted(literals)))


@dataclass(frozen=True)
class Redaction:
    """A redacted text and, per placeholder, where it sits in the redacted and original text."""

    original: str
    text: str
    spans: tuple[tuple[int, int, int, int], ...] = ()  # (red_start, red_end, orig_start, orig_end)

    @classmethod
    def none(cls, text: str) -> Redaction:
        return cls(text, text)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the redacted text to the original, widening over placeholders."""
        shift_start = shift_end = 0
        orig_start = orig_end = None
        for red_start, red_end, o_start, o_end in self.spans:
            shift = (red_end - red_start) - (o_end - o_start)
            if orig_start is None:
                if start >= red_end:
                    shift_start += shift
                elif start >= red_start:
                    orig_start = o_start
            if orig_end is None:
                if end >= red_end:
                    shift_end += shift
                elif end > red_start:
                    orig_end = o_end
        return (start - shift_start if orig_start is None else orig_start,
                end - shift_end if orig_end is None else orig_end)

    def locate(self, quote: str) -> tuple[int, int] | None:
        """Original (start, end) of a quote taken from the redacted text, or None if it is not
        a verbatim span of it."""
        quote = quote.strip()
        at = self.text.find(quote) if quote else -1
        if at < 0:
            return None
        return self.to_original(at, at + len(quote))


class Redactor:
    """Redacts notes; `known_names` are folded name parts from every record in the agency.

    Agency-wide names count only when capitalised and not a common word ("Will", "May"); the
    note's own client's names count in any case, common word or not.
    """

    def __init__(self, known_names: Iterable[str] = ()) -> None:
        self.known_names = frozenset(known_names) - _NOT_NAMES

    def redact(self, text: str, client: ClientFacts | None = None,
               keep: frozenset[str] = frozenset()) -> Redaction:
        """`keep`: kinds left as written (a report edition that may name its clients keeps
        NAME, and still hides their phones, emails and addresses)."""
        client = client or ClientFacts()
        kept = {KINDS.index(kind) for kind in keep}
        spans = _merge(text, sorted(s for s in self._detect(text, client) if s[2] not in kept))
        parts: list[str] = []
        placed: list[tuple[int, int, int, int]] = []
        cursor = length = 0
        for start, end, kind in spans:
            parts.append(text[cursor:start])
            length += start - cursor
            placeholder = f"[{kind}]"
            placed.append((length, length + len(placeholder), start, end))
            parts.append(placeholder)
            length += len(placeholder)
            cursor = end
        parts.append(text[cursor:])
        return Redaction(text, "".join(parts), tuple(placed))

    def _detect(self, text: str, client: ClientFacts) -> Iterator[tuple[int, int, int]]:
        """(start, end, kind rank) of every identifier found, overlaps allowed."""
        rank = {kind: i for i, kind in enumerate(KINDS)}
        lowered = text.lower()
        for kind, literal in client.literals:
            needle = literal.lower()
            at = lowered.find(needle)
            while at >= 0:
                yield at, at + len(needle), rank[kind]
                at = lowered.find(needle, at + 1)
        for pattern, kind, group in ((_EMAIL, "EMAIL", 0), (_SSN, "SSN", 0),
                                     (_SSN_LABELLED, "SSN", 1), (_PHONE, "PHONE", 0),
                                     (_DOB_LABELLED, "DOB", 1), (_ADDRESS, "ADDRESS", 0),
                                     (_CUE, "NAME", 1)):
            for match in pattern.finditer(text):
                if kind != "NAME" or fold(match.group(1)) not in _NOT_NAMES:
                    yield match.start(group), match.end(group), rank[kind]
        for match in _WORD.finditer(text):
            word = _POSSESSIVE.sub("", match.group(0))
            if self._is_name(word, client):
                yield match.start(), match.start() + len(word), rank["NAME"]

    def names_in(self, text: str) -> frozenset[str]:
        """The agency-wide names the text's capitalised words are: all that redacting it reads
        of `known_names`, so a page whose texts meet the same ones redacts them the same."""
        return frozenset(part for match in _WORD.finditer(text) if match.group(0)[0].isupper()
                         for part in name_parts(_POSSESSIVE.sub("", match.group(0)))
                         & self.known_names)

    def _is_name(self, word: str, client: ClientFacts) -> bool:
        parts = name_parts(word)
        if parts & client.names:
            return True
        return word[0].isupper() and bool(parts & self.known_names)


def _merge(text: str, spans: list[tuple[int, int, int]]) -> list[tuple[int, int, str]]:
    """Overlapping spans become one (the higher-ranked kind), as do names a space apart."""
    merged: list[list[int]] = []
    name = KINDS.index("NAME")
    for start, end, kind in spans:
        if merged:
            last = merged[-1]
            adjacent_names = kind == name == last[2] and not text[last[1]:start].strip()
            if start < last[1] or adjacent_names:
                last[1] = max(last[1], end)
                last[2] = min(last[2], kind)
                continue
        merged.append([start, end, kind])
    return [(s, e, KINDS[k]) for s, e, k in merged]
