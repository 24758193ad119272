"""Synthetic identities and the ways real systems mistype them.

Phones, emails and SSNs are derived from the person's index through bijections, so two
different true people never share one: any link the pipeline makes on them is evidence,
never an accident of the generator.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from orchestration.demo.dates import days


def _names(text: str) -> tuple[str, ...]:
    """Name pools are comma-separated text: compact, and names may contain spaces."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


FEMALE = _names("""
    Maria, Jennifer, Aisha, Keisha, Linda, Patricia, Elizabeth, Margaret, Katherine, Jessica,
    Ashley, Brittany, Tiffany, Guadalupe, Rosa, Ana, Lucía, Zoë, Chloé, Renée, Inés, Mai, Linh,
    Ngọc, Fatima, Amina, Priya, Mei, Yuki, Soo-jin, Dolores, Shanice, Latoya, Ebony, Wanda,
    Crystal, Destiny, Precious, Mary-Kate, Anne-Marie, Dorothy, Barbara, Susan, Deborah, Angela,
    Tamika, Nia, Imani, Sofía, Mónica, Beatriz
""")
MALE = _names("""
    James, Robert, Michael, William, David, Richard, Joseph, Thomas, Christopher, Daniel,
    Anthony, Jose, José, Juan, Luis, Carlos, Raúl, Andrés, Jesús, François, Björn, Søren,
    DeShawn, Tyrone, Jamal, Malik, Terrell, Darnell, Marcus, Andre, Minh, Huy, Đức, Mohammed,
    Omar, Abdi, Kwame, Kofi, Raj, Arjun, Hiroshi, Jin, Jean-Luc, Billy-Ray, Edward, Charles,
    Kenneth, Gregory, Timothy, Nicholas, Benjamin
""")
NEUTRAL = _names("Alex, Jordan, Taylor, Casey, Riley, Jamie, Morgan, Quinn, Avery")
LAST = _names("""
    Smith, Johnson, Williams, Brown, Jones, Garcia, García, Miller, Davis, Rodriguez, Rodríguez,
    Martinez, Martínez, Hernandez, Lopez, Gonzalez, Wilson, Anderson, Thomas, Taylor, Moore,
    Jackson, Martin, Lee, Thompson, White, Harris, Clark, Lewis, Robinson, Walker, Young, Allen,
    King, Wright, Scott, Torres, Nguyen, Nguyễn, Trần, Phạm, Hill, Flores, Green, Adams, Nelson,
    Baker, Hall, Rivera, Campbell, Mitchell, Carter, Roberts, O'Brien, O'Connor, D'Angelo,
    McDonald, MacLeod, St. John, Van der Berg, Smith-Jones, García-López, Peña, Núñez, Íñiguez,
    Müller, Kowalski, Okafor, Mensah, Diallo, Abdi, Mohamed, Haddad, Cohen, Goldberg, Patel,
    Singh, Chen, Wang, Kim, Park, Choi, Nakamura, Tanaka, Begay, Yazzie, Tsosie, Washington,
    Jefferson, Brooks, Sanders, Price, Bennett, Wood
""")
NICKNAMES = dict(
    pair.split(":")
    for pair in _names("""
    William:Bill, Robert:Bob, Richard:Rick, Michael:Mike, James:Jim, Joseph:Joe, Thomas:Tom,
    Christopher:Chris, Daniel:Danny, Anthony:Tony, Edward:Eddie, Charles:Chuck, Kenneth:Ken,
    Gregory:Greg, Timothy:Tim, Nicholas:Nick, Benjamin:Ben, Elizabeth:Liz, Margaret:Peggy,
    Katherine:Kate, Jennifer:Jen, Patricia:Patty, Jessica:Jess, Deborah:Debbie, Dorothy:Dot,
    Barbara:Barb, Susan:Sue, José:Pepe, Jose:Pepe, Guadalupe:Lupe, Dolores:Lola, Jesús:Chuy,
    Alex:Lex, Mohammed:Mo, Andre:Dre
""")
)
MIDDLE = ("A", "B", "C", "D", "E", "J", "L", "M", "R", "S", "T", "Lee", "Marie", "Ann", "")
SUFFIXES = ("",) * 8 + ("Jr.", "Sr.", "III")
STREETS = _names("""
    Main St, Oak Ave, Elm St, Maple Dr, Cedar Ln, Pine St, Washington Blvd,
    Martin Luther King Jr Way, 5th Ave, Church St, Park Ave, Lincoln Rd, Avenida del Sol,
    River Rd, Lakeview Ter, Hillcrest Ct, Sunset Blvd
""")
AREA_CODES = ("217", "312", "314", "402", "503", "505", "612", "702", "713", "919")
SPREAD = 2_147_483_647  # prime; shares no factor with 8,000,000 or 665 * 99 * 9999
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
RACES = _names("""
    AmIndAKNative, Asian, BlackAfAmerican, HispanicLatinaeo, MidEastNAfrican, NativeHIPacific, White
""")


@dataclass(frozen=True)
class Identity:
    """One true person's real-world identifiers; records carry noisy copies of these."""

    first: str
    middle: str
    last: str
    suffix: str
    dob: date
    ssn: str
    phone: str  # ten digits
    email: str
    street: str
    city: str
    zip: str
    gender: str  # woman / man / nonbinary
    races: tuple[str, ...]
    veteran: bool

    @property
    def pronouns(self) -> dict[str, str]:
        """Note templates say {his} / {him}; these fill them for the person's gender."""
        return {
            "woman": {"his": "her", "him": "her"},
            "man": {"his": "his", "him": "him"},
            "nonbinary": {"his": "their", "him": "them"},
        }[self.gender]


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded if c.isalnum() and c.isascii()).lower()


def make_identity(rng: random.Random, index: int, as_of: date, city: str, zip3: str) -> Identity:
    """A person with a unique phone, email and SSN (see the module docstring)."""
    roll = rng.random()
    gender = "woman" if roll < 0.49 else "man" if roll < 0.97 else "nonbinary"
    pool = FEMALE if gender == "woman" else MALE if gender == "man" else NEUTRAL
    first = rng.choice(pool) if rng.random() < 0.93 else rng.choice(NEUTRAL)
    last = rng.choice(LAST)
    if rng.random() < 0.04:
        last = f"{last}-{rng.choice(LAST)}"
    age_days = rng.randint(18 * 365 + 5, 78 * 365)
    dob = as_of - days(age_days)
    # a prime multiplier coprime to each modulus permutes the index space: unique, not sequential
    code = (index * SPREAD + 104_729) % 8_000_000
    phone = f"{rng.choice(AREA_CODES)}{200 + code // 10_000:03d}{code % 10_000:04d}"
    ssn_code = (index * SPREAD + 7919) % (665 * 99 * 9999)
    ssn = (
        f"{ssn_code // (99 * 9999) + 1:03d}{(ssn_code // 9999) % 99 + 1:02d}"
        f"{ssn_code % 9999 + 1:04d}"
    )
    local = rng.choice(
        (
            f"{_ascii_slug(first)}.{_ascii_slug(last)}{index}",
            f"{_ascii_slug(first)[:1]}{_ascii_slug(last)}{index}",
            f"{_ascii_slug(last)}.{_ascii_slug(first)}{index}",
        )
    )
    race_count = 1 if rng.random() < 0.9 else 2
    races = tuple(sorted(rng.sample(RACES, race_count)))
    return Identity(
        first=first,
        middle=rng.choice(MIDDLE),
        last=last,
        suffix=rng.choice(SUFFIXES) if gender == "man" else "",
        dob=dob,
        ssn=ssn,
        phone=phone,
        email=f"{local}@{rng.choice(EMAIL_DOMAINS)}",
        street=f"{rng.randint(10, 9899)} {rng.choice(STREETS)}"
        + (f" Apt {rng.randint(1, 40)}" if rng.random() < 0.3 else ""),
        city=city,
        zip=f"{zip3}{rng.randint(0, 99):02d}",
        gender=gender,
        races=races,
        veteran=rng.random() < 0.07,
    )


# ---- how people and systems type identities ----------------------------------------


def format_phone(rng: random.Random, phone: str) -> str:
    a, b, c = phone[:3], phone[3:6], phone[6:]
    return rng.choice(
        (
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            phone,
            f"+1 {a} {b} {c}",
            f"1-{a}-{b}-{c}",
        )
    )


def vary_email(rng: random.Random, email: str) -> str:
    return rng.choice((email, email, email.upper(), email.title(), f" {email}"))


def vary_typing(rng: random.Random, name: str) -> str:
    """Case and whitespace noise of a hurried form entry."""
    return rng.choice(
        (name.upper(), name.lower(), f"  {name}", f"{name} ", name.replace(" ", "  "))
    )


def nickname(first: str) -> str | None:
    return NICKNAMES.get(first)


def typo(rng: random.Random, name: str) -> str:
    """One keyboard slip: swap, drop or double a letter (never the first)."""
    if len(name) < 4:
        return name + name[-1]
    i = rng.randint(1, len(name) - 2)
    kind = rng.randint(0, 2)
    if kind == 0 and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def transposed_dob(dob: date) -> date | None:
    """Day and month swapped (a US/European date mix-up), when that is a different valid date."""
    if dob.day > 12 or dob.day == dob.month:
        return None
    return dob.replace(month=dob.day, day=dob.month)


def variant_identity(rng: random.Random, ident: Identity) -> tuple[Identity, str]:
    """A second site's copy of a person: exact half the time, else one realistic flaw."""
    if rng.random() < 0.5:
        return ident, "exact"
    choices = ["typo", "swapped_names", "case_whitespace"]
    if nickname(ident.first):
        choices.append("nickname")
    if transposed_dob(ident.dob):
        choices.append("transposed_dob")
    kind = rng.choice(choices)
    if kind == "typo":
        return replace(ident, last=typo(rng, ident.last)), kind
    if kind == "swapped_names":
        return replace(ident, first=ident.last, last=ident.first), kind
    if kind == "case_whitespace":
        return replace(
            ident, first=vary_typing(rng, ident.first), last=vary_typing(rng, ident.last)
        ), kind
    if kind == "nickname":
        return replace(ident, first=nickname(ident.first) or ident.first), kind
    return replace(ident, dob=transposed_dob(ident.dob) or ident.dob), kind


def fold_to_cp1252(text: str) -> str:
    """What a Windows-1252 export does to characters it lacks: strip them to the base letter."""
    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char.replace("đ", "d").replace("Đ", "D"))
            out.append(base[0] if base[0].encode("cp1252", "ignore") else "?")
    return "".join(out)
