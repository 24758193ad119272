"""How HMIS vendors and spreadsheets write values, and the canonical form each one means.

Raw keeps every value exactly as it arrived. Validation reads the canonical form (so a date
written `08-MAY-67` is checked as 1967-05-08, not rejected), and every value that needed
reading is flagged as a data issue with the layout it came in. Staging reads the same
layouts in SQL (dbt_project/macros/vendor_values.sql); tests hold the two to one answer.

Dates: `YYYY-MM-DD`, `M/D/YYYY`, `M/D/YY`, `DD-MON-YY(YY)`, `MM-DD-YYYY`, `MM-DD-YY`, each
optionally followed by a time (`HH:MM`, `HH:MM:SS`, fractions, AM/PM, a `T` separator, a `Z`
or `+hh:mm` offset: the wall-clock time is kept, the offset dropped). A two-digit year is
the latest year ending in those digits that does not put the date after the pivot (the
export date, or the load date for other sources), so a date of birth is never after the
export. Codes written `1.0` are the code `1`. Surrounding spaces and tabs are not part of
a value.
"""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}

_TIME = (r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
         r" *(?P<ampm>[AaPp][Mm])? *(?:Z|[+-]\d{2}:?\d{2})?)?")
_DATES = (
    ("YYYY-MM-DD", r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    ("M/D/YYYY", r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"),
    ("M/D/YY", r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{2})"),
    ("DD-MON-YY", r"(?P<d>\d{1,2})-(?P<mon>[A-Za-z]{3})-(?P<y>\d{2}(?:\d{2})?)"),
    ("MM-DD-YYYY", r"(?P<m>\d{1,2})-(?P<d>\d{1,2})-(?P<y>\d{4})"),
    ("MM-DD-YY", r"(?P<m>\d{1,2})-(?P<d>\d{1,2})-(?P<y>\d{2})"),
)
_PATTERNS = [(name, re.compile(f"{pattern}{_TIME}")) for name, pattern in _DATES]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_DECIMAL_CODE = re.compile(r"([+-]?\d+)\.0+")
WHITESPACE = " \t\r\n\f\v\u00a0"


def _year(text: str, month: int, day: int, pivot: date) -> int:
    if len(text) == 4:
        return int(text)
    year = 2000 + int(text)
    return year if (year, month, day) <= (pivot.year, pivot.month, pivot.day) else year - 100


def read_moment(text: str, pivot: date, timed: bool = True) -> tuple[datetime, bool, str] | None:
    """(the moment, whether a time was written, the layout's name), or None if `text` is in
    no layout or names no real date (and, when `timed`, no real time of day)."""
    for name, pattern in _PATTERNS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        parts = found.groupdict()
        month = MONTHS.get(parts["mon"].upper(), 0) if parts.get("mon") else int(parts["m"])
        day = int(parts["d"])
        hour, minute = (int(parts["H"] or 0), int(parts["M"] or 0)) if timed else (0, 0)
        if parts["ampm"] and timed:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if parts["ampm"].upper() == "PM" else 0)
        try:
            moment = datetime(_year(parts["y"], month, day, pivot), month, day, hour, minute,
                              int(parts["S"] or 0) if timed else 0)
        except ValueError:
            return None
        return moment, parts["H"] is not None, name
    return None


def canonical_date(value: str | None, pivot: date) -> str | None:
    """`YYYY-MM-DD` for a date in any layout (a time part is dropped), else the value
    trimmed (so a rule on it fails, naming what was written)."""
    if value is None:
        return None
    text = value.strip(WHITESPACE)
    if not text or _ISO_DATE.fullmatch(text):
        return text
    read = read_moment(text, pivot, timed=False)
    return read[0].date().isoformat() if read else text or None


def canonical_timestamp(value: str | None, pivot: date) -> str | None:
    """`YYYY-MM-DD HH:MM:SS` for a date and time in any layout (a date alone is midnight)."""
    if value is None:
        return None
    text = value.strip(WHITESPACE)
    if not text or _ISO_TIMESTAMP.fullmatch(text):
        return text
    read = read_moment(text, pivot)
    return read[0].isoformat(sep=" ") if read else text or None


def canonical_code(value: str | None) -> str | None:
    """A code as plain digits: `1.0` -> `1`, ` 99 ` -> `99`."""
    if value is None:
        return None
    text = value.strip(WHITESPACE)
    whole = _DECIMAL_CODE.fullmatch(text)
    return whole.group(1) if whole else text or None


def canonical_text(value: str | None) -> str | None:
    """The value without surrounding whitespace; all whitespace is blank (None)."""
    return None if value is None else value.strip(WHITESPACE) or None


def layout_of(value: str, kind: str, pivot: date) -> str:
    """A few words on how a value of `kind` (date, timestamp, code, text) was written, for
    the data-quality flag."""
    text = value.strip(WHITESPACE)
    parts = ["surrounding whitespace"] if text != value else []
    read = read_moment(text, pivot) if kind in {"date", "timestamp"} else None
    if read:
        moment, has_time, layout = read
        if layout != "YYYY-MM-DD":
            parts.append(f"the {layout} layout")
        if layout.endswith("YY") and not layout.endswith("YYYY"):
            parts.append(f"a two-digit year (read as {moment.year})")
        if has_time and kind == "date":
            parts.append("a time part")
        if kind == "timestamp" and not has_time:
            parts.append("no time (read as midnight)")
        elif kind == "timestamp" and not _ISO_TIMESTAMP.fullmatch(text) and layout == "YYYY-MM-DD":
            parts.append("an ISO time form")
    elif kind == "code" and _DECIMAL_CODE.fullmatch(text):
        parts.append("a decimal point")
    return " and ".join(parts) or "a non-standard layout"
