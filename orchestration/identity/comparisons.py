"""What the probabilistic model compares, and how candidate pairs are found (blocking).

Every comparison level carries a prior (m, u): the model an agency starts with before it has
enough records to train, and the value a trained level falls back to when its training data
never showed it. Approximate DOBs (HUD quality 2) have fixed, weak weights on purpose: a
guessed date must neither make nor break a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

# (label shown as evidence, SQL condition, prior m, prior u)
Level = tuple[str, str, float, float]


def _similar(column: str, at_least: float) -> str:
    return f"jaro_winkler_similarity({column}_l, {column}_r) >= {at_least}"


FIRST_NAME_LEVELS: tuple[Level, ...] = (
    ("exact", "first_name_l = first_name_r", 0.85, 1e-2),
    ("is the other's last name", "first_name_l = last_name_r", 0.02, 1e-4),
    ("nickname", "list_has_any(first_formal_l, first_formal_r)", 0.03, 1e-3),
    ("typo", _similar("first_name", 0.92), 0.04, 2e-3),
    ("similar", _similar("first_name", 0.8), 0.03, 2e-2),
)
LAST_NAME_LEVELS: tuple[Level, ...] = (
    ("exact", "last_name_l = last_name_r", 0.85, 5e-3),
    ("is the other's first name", "last_name_l = first_name_r", 0.02, 1e-4),
    ("typo", _similar("last_name", 0.92), 0.05, 2e-3),
    ("similar", _similar("last_name", 0.8), 0.03, 2e-2),
)
MIDDLE_NAME_LEVELS: tuple[Level, ...] = (
    ("exact", "middle_name_l = middle_name_r", 0.70, 5e-2),
    ("same initial", "left(middle_name_l, 1) = left(middle_name_r, 1)", 0.20, 1e-1),
)
DOB_LEVELS: tuple[Level, ...] = (
    ("exact", "dob_l = dob_r", 0.85, 1e-4),
    ("day and month swapped", "dob_l = dob_swapped_r", 0.02, 1e-6),
    ("one digit off", "damerau_levenshtein(dob_text_l, dob_text_r) <= 1", 0.06, 5e-4),
    ("within a year", "abs(dob_day_l - dob_day_r) <= 366", 0.03, 1e-2),
    ("two digits off", "damerau_levenshtein(dob_text_l, dob_text_r) <= 2", 0.02, 5e-3),
)
APPROXIMATE_DOB_LEVELS: tuple[Level, ...] = (  # fixed weights: x4 when close, x0.5 when not
    ("approximate, within 2 years", "(dob_approximate_l or dob_approximate_r)"
     " and abs(year(dob_l) - year(dob_r)) <= 2", 0.04, 0.01),
    ("approximate, further apart", "dob_approximate_l or dob_approximate_r", 0.005, 0.01),
)
SSN_LEVELS: tuple[Level, ...] = (
    ("full SSN", "ssn_l = ssn_r", 0.90, 1e-6),
    ("last four", "ssn4_l = ssn4_r", 0.08, 1e-4),
    ("last four, one digit off", "damerau_levenshtein(ssn4_l, ssn4_r) <= 1", 0.01, 4e-3),
)
PHONE_LEVELS: tuple[Level, ...] = (
    ("exact", "phone_l = phone_r", 0.80, 1e-5),
    ("one digit off", "damerau_levenshtein(phone_l, phone_r) <= 1", 0.05, 1e-4),
)
EMAIL_LEVELS: tuple[Level, ...] = (
    ("exact", "email_l = email_r", 0.85, 1e-6),
    ("same mailbox name", "email_user_l = email_user_r", 0.05, 1e-5),
)
ADDRESS_LEVELS: tuple[Level, ...] = (
    ("exact", "address_number_l = address_number_r and address_street_l = address_street_r"
     " and coalesce(address_unit_l = address_unit_r, true)", 0.70, 1e-4),
    ("same number, street typo", "address_number_l = address_number_r and "
     + _similar("address_street", 0.88), 0.10, 2e-4),
    ("same street, number typo", "address_street_l = address_street_r"
     " and damerau_levenshtein(address_number_l, address_number_r) <= 1", 0.05, 2e-3),
    ("same street", "address_street_l = address_street_r", 0.05, 1e-2),
)
CITY_LEVELS: tuple[Level, ...] = (
    ("exact", "city_l = city_r", 0.85, 5e-2),
    ("typo", _similar("city", 0.9), 0.05, 5e-3),
)
ZIP_LEVELS: tuple[Level, ...] = (
    ("exact", "zip_l = zip_r", 0.85, 2e-2),
    ("one digit off", "damerau_levenshtein(zip_l, zip_r) <= 1", 0.05, 2e-2),
)
PRIOR_PROBABILITY_TWO_RECORDS_MATCH = 1e-4


@dataclass(frozen=True)
class Field:
    """One comparison: the evidence field a reviewer reads, its null test, its levels (the
    first term-frequency adjusted on `tf_column`), and the m, u of disagreeing."""

    name: str
    null_sql: str
    levels: tuple[Level, ...]
    different: tuple[float, float]
    fixed_levels: tuple[Level, ...] = ()
    tf_column: str | None = None


def _missing(*columns: str) -> str:
    return " or ".join(f"{c}_l is null or {c}_r is null" for c in columns)


FIELDS = (
    Field("first_name", _missing("first_name"), FIRST_NAME_LEVELS, (0.03, 0.96),
          tf_column="first_name"),
    Field("last_name", _missing("last_name"), LAST_NAME_LEVELS, (0.05, 0.97),
          tf_column="last_name"),
    Field("middle_name", _missing("middle_name"), MIDDLE_NAME_LEVELS, (0.10, 0.85)),
    Field("dob", _missing("dob"), DOB_LEVELS, (0.02, 0.98), APPROXIMATE_DOB_LEVELS),
    Field("ssn", "(ssn_l is null or ssn_r is null) and (ssn4_l is null or ssn4_r is null)",
          SSN_LEVELS, (0.01, 0.995)),
    Field("phone", _missing("phone"), PHONE_LEVELS, (0.15, 0.9999)),
    Field("email", _missing("email"), EMAIL_LEVELS, (0.08, 0.99999)),
    Field("address", _missing("address_street"), ADDRESS_LEVELS, (0.10, 0.99)),
    Field("city", _missing("city"), CITY_LEVELS, (0.10, 0.945), tf_column="city"),
    Field("zip", _missing("zip"), ZIP_LEVELS, (0.10, 0.96)),
)
TF_COLUMNS = tuple(f.tf_column for f in FIELDS if f.tf_column)

# Blocking: each rule is one equality on a key column built in `workspace.py`; a key value
# that more than `max_block_size` records share is dropped there, so no rule yields more than
# N * max_block_size / 2 pairs and cost grows linearly with the number of records.
BLOCKING_KEYS: dict[str, str] = {
    "bk_dob_last": "dob, last_name",
    "bk_dob_first": "dob, first_canon",
    "bk_names": "sorted first/last name",
    "bk_names_year": "sorted first/last name, birth year",
    "bk_ssn": "full SSN",
    "bk_ssn4_last": "SSN last four, last name",
    "bk_ssn4_first": "SSN last four, first name",
    "bk_ssn4_dob": "SSN last four, dob",
    "bk_ssn4_zip": "SSN last four, zip",
    "bk_dob_zip": "dob, zip",
    "bk_last_zip": "last name, zip",
    "bk_address": "house number, street",
    "bk_site_name": "site, first and last name (name-only candidates, for review)",
    "bk_phone": "phone",
    "bk_email": "email",
}
# Keys of a name and a place only: the site (candidates for records with nothing else, a
# survey with no phone or email) or the ZIP (a person whose DOB and SSN were both mistyped).
# Shared by more than this many records, a name and a place identify nobody, and with the
# common cap the site's key alone made 60% of all comparisons at 1,000,000 records.
NAME_ONLY_KEYS = frozenset({"bk_site_name", "bk_last_zip"})
NAME_ONLY_BLOCK_SIZE = 10
# EM runs once per rule; each rule leaves the fields it blocks on to the other session, so
# every comparison is trained in at least one.
EM_BLOCKING_RULES = (("dob",), ("first_name", "last_name"))
# Pairs these rules find are taken to be matches when estimating how likely two random
# records are to match (λ): each agreement is too rare to be chance.
LAMBDA_RULES = ("l.ssn = r.ssn", "l.email = r.email", "l.ssn4 = r.ssn4 and l.dob = r.dob",
                "l.dob = r.dob and l.first_name = r.first_name and l.last_name = r.last_name")


def _level(label: str, sql: str, m: float, u: float, fixed: bool = False,
           tf_column: str | None = None) -> Any:
    return cll.CustomLevel(sql, label_for_charts=label).configure(
        m_probability=m, u_probability=u, fix_m_probability=fixed, fix_u_probability=fixed,
        tf_adjustment_column=tf_column)


def _comparison(field: Field) -> cl.CustomComparison:
    levels = [cll.CustomLevel(field.null_sql, label_for_charts="missing").configure(
        is_null_level=True)]
    levels += [_level(*lv, fixed=True) for lv in field.fixed_levels]
    for index, level in enumerate(field.levels):
        levels.append(_level(*level, tf_column=field.tf_column if index == 0 else None))
    m_else, u_else = field.different
    levels.append(cll.ElseLevel().configure(label_for_charts="different", m_probability=m_else,
                                            u_probability=u_else))
    return cl.CustomComparison(levels, output_column_name=field.name)


def splink_settings() -> dict[str, Any]:
    """The untrained model: comparisons with their priors and the blocking rules."""
    creator = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=PRIOR_PROBABILITY_TWO_RECORDS_MATCH,
        comparisons=[_comparison(f) for f in FIELDS],
        blocking_rules_to_generate_predictions=[block_on(k) for k in BLOCKING_KEYS],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,  # keeps the gamma_* columns: the evidence
        additional_columns_to_retain=[],
    )
    return creator.create_settings_dict("duckdb")
