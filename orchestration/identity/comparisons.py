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

NAME_LEVELS: tuple[Level, ...] = (
    ("exact", "full_name_l = full_name_r", 0.80, 5e-4),
    ("first and last swapped", "first_name_l = last_name_r and last_name_l = first_name_r",
     0.02, 1e-5),
    ("nickname", "list_has_any(first_formal_l, first_formal_r) and last_name_l = last_name_r",
     0.03, 2e-4),
    ("last name typo", "list_has_any(first_formal_l, first_formal_r)"
     " and (damerau_levenshtein(last_name_l, "
     "last_name_r) <= 1 or jaro_winkler_similarity(last_name_l, last_name_r) >= 0.92)",
     0.03, 2e-5),
    ("first name typo", "last_name_l = last_name_r"
     " and jaro_winkler_similarity(first_name_l, first_name_r) >= 0.88", 0.02, 2e-4),
    ("both similar", "jaro_winkler_similarity(first_name_l, first_name_r) >= 0.88"
     " and jaro_winkler_similarity(last_name_l, last_name_r) >= 0.88", 0.01, 5e-4),
    ("last name only", "last_name_l = last_name_r", 0.05, 1e-2),
    ("first name only", "list_has_any(first_formal_l, first_formal_r)", 0.02, 2e-2),
)
DOB_LEVELS: tuple[Level, ...] = (
    ("exact", "dob_l = dob_r", 0.85, 1e-4),
    ("day and month swapped", "year(dob_l) = year(dob_r) and month(dob_l) = day(dob_r)"
     " and day(dob_l) = month(dob_r)", 0.03, 1e-6),
    ("one digit off", "damerau_levenshtein(cast(dob_l as varchar), cast(dob_r as varchar)) <= 1",
     0.05, 5e-4),
)
APPROXIMATE_DOB_LEVELS: tuple[Level, ...] = (  # fixed weights: x4 when close, x0.5 when not
    ("approximate, within 2 years", "(dob_approximate_l or dob_approximate_r)"
     " and abs(year(dob_l) - year(dob_r)) <= 2", 0.04, 0.01),
    ("approximate, further apart", "dob_approximate_l or dob_approximate_r", 0.005, 0.01),
)
SSN_LEVELS: tuple[Level, ...] = (
    ("full SSN", "ssn_l = ssn_r", 0.90, 1e-6),
    ("last four", "ssn4_l = ssn4_r", 0.08, 1e-4),
)
PHONE_LEVELS: tuple[Level, ...] = (("exact", "phone_l = phone_r", 0.80, 1e-5),)
EMAIL_LEVELS: tuple[Level, ...] = (
    ("exact", "email_l = email_r", 0.85, 1e-6),
    ("same mailbox name", "email_user_l = email_user_r", 0.05, 1e-5),
)
ELSE_PRIOR = {"name": (0.02, 0.97), "dob": (0.02, 0.99), "ssn": (0.02, 0.9999),
              "phone": (0.20, 0.99999), "email": (0.10, 0.99999)}
PRIOR_PROBABILITY_TWO_RECORDS_MATCH = 1e-4


@dataclass(frozen=True)
class Field:
    """One comparison: the evidence field a reviewer reads, its null test and its levels."""

    name: str
    null_sql: str
    levels: tuple[Level, ...]
    fixed_levels: tuple[Level, ...] = ()


FIELDS = (
    Field("name", "(first_name_l is null and last_name_l is null)"
                  " or (first_name_r is null and last_name_r is null)", NAME_LEVELS),
    Field("dob", "dob_l is null or dob_r is null", DOB_LEVELS, APPROXIMATE_DOB_LEVELS),
    Field("ssn", "(ssn_l is null or ssn_r is null) and (ssn4_l is null or ssn4_r is null)",
          SSN_LEVELS),
    Field("phone", "phone_l is null or phone_r is null", PHONE_LEVELS),
    Field("email", "email_l is null or email_r is null", EMAIL_LEVELS),
)

# Blocking: each rule is one equality on a key column built in `linkage.py`; a key value that
# more than `max_block_size` records share is dropped there, so no rule yields more than
# N * max_block_size / 2 pairs and cost grows linearly with the number of records.
BLOCKING_KEYS: dict[str, str] = {
    "bk_dob_last": "dob, last_name",
    "bk_dob_first": "dob, first_canon",
    "bk_names_year": "sorted first/last name, birth year",
    "bk_ssn": "full SSN",
    "bk_ssn4_last": "SSN last four, last name",
    "bk_ssn4_first": "SSN last four, first name",
    "bk_site_name": "site, first and last name (name-only candidates, for review)",
    "bk_phone": "phone",
    "bk_email": "email",
}
# EM runs once per rule; each rule leaves the fields it blocks on to the other session.
EM_BLOCKING_RULES = (("dob",), ("first_name", "last_name"))
LAMBDA_RULES = ("l.ssn = r.ssn", "l.email = r.email",
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
        tf = "full_name" if field.name == "name" and index == 0 else None
        levels.append(_level(*level, tf_column=tf))
    m_else, u_else = ELSE_PRIOR[field.name]
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
