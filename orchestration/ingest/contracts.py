"""Data contracts per raw table: which columns a file must have and what each row must hold.

Each rule has a severity:
- `reject`: the row cannot be trusted at all (no key, a broken reference, an impossible
  date order); it goes to `quarantine.<table>` with the rule, field and value, not to raw.
- `flag`: the row is usable but a field breaks the HUD spec (a code outside its list, a
  malformed SSN); the row loads and the finding goes to `quarantine.flags`, where the
  data-quality report counts it as a data issue.
Rules run as SQL where the file is staged (`validation.py`) and each outcome is recorded as
a Great Expectations validation result (`contract_results.py`); this module only declares them.
"""

from __future__ import annotations

from dataclasses import dataclass

REJECT, FLAG = "reject", "flag"

YES_NO = ("0", "1", "8", "9", "99")
DATA_QUALITY = ("1", "2", "8", "9", "99")
RACE = ("0", "1", "99")
PROJECT_TYPES = ("0", "1", "2", "3", "4", "6", "7", "8", "9", "10", "11", "12", "13", "14")
RELATIONSHIP = ("1", "2", "3", "4", "5", "99")
LIVING_SITUATIONS = (
    "101", "116", "118", "204", "205", "206", "207", "215", "225", "302", "312", "313", "314",
    "327", "329", "332", "335", "336", "410", "411", "421", "422", "423", "426", "435",
    "8", "9", "17", "24", "30", "37", "99",
)
SERVICE_RECORD_TYPES = ("141", "142", "143", "144", "151", "152", "161", "200", "210", "300")
COLLECTION_STAGES = ("1", "2", "3", "5", "6")
DATE = "%Y-%m-%d"
TIMESTAMP = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Rule:
    """One expectation on one field (or field pair) of a file."""

    # not_blank | unique | in_set | date | not_future | date_after | date_order | number |
    # equals | regex | references
    kind: str
    field: str
    severity: str
    reason: str
    values: tuple[str, ...] = ()
    other: str = ""  # date_order: the earlier field; references: "<File.csv>.<field>"
    fmt: str = DATE
    low: float | None = None
    high: float | None = None

    @property
    def name(self) -> str:
        """The rule's name in quarantine and the ledger, e.g. `in_set:relationship_to_ho_h`."""
        return f"{self.kind}:{self.field}"


def key(field: str) -> list[Rule]:
    """A record key: present and unique within its file."""
    return [Rule("not_blank", field, REJECT, f"{field} (the record key) is blank"),
            Rule("unique", field, REJECT, f"{field} repeats an earlier row of this file")]


def required(field: str, why: str) -> Rule:
    return Rule("not_blank", field, REJECT, f"{field} is blank: {why}")


def codes(field: str, values: tuple[str, ...], severity: str = FLAG, what: str = "") -> Rule:
    listed = ", ".join(values) if len(values) <= 12 else f"{len(values)} HUD codes"
    return Rule("in_set", field, severity,
                f"{field} is not a valid {what or 'HUD'} code ({listed})", values)


def date(field: str, severity: str, fmt: str = DATE) -> Rule:
    shape = "YYYY-MM-DD" if fmt == DATE else "YYYY-MM-DD HH:MM:SS"
    return Rule("date", field, severity, f"{field} is not a real date in the form {shape}",
                fmt=fmt)


def not_future(field: str, severity: str) -> Rule:
    return Rule("not_future", field, severity, f"{field} is after the file was exported")


def references(field: str, target: str, what: str, severity: str = REJECT) -> Rule:
    return Rule("references", field, severity,
                f"{field} names no {what} in this export's {target.split('.')[0]}", other=target)


def order(later: str, earlier: str, severity: str, reason: str) -> Rule:
    return Rule("date_order", later, severity, reason, other=earlier)


def number(field: str, low: float, high: float, severity: str = FLAG) -> Rule:
    return Rule("number", field, severity, f"{field} is not a number from {low:g} to {high:g}",
                low=low, high=high)


def regex(field: str, pattern: str, severity: str, reason: str) -> Rule:
    return Rule("regex", field, severity, reason, values=(pattern,))


# Vendors re-stamp files with another ExportID than Export.csv's: a flag, never a rejection.
AUDIT_RULES = [date("date_created", FLAG, TIMESTAMP), date("date_updated", FLAG, TIMESTAMP),
               references("export_id", "Export.csv.export_id", "export", FLAG)]


@dataclass(frozen=True)
class Contract:
    """What one raw table's files must look like."""

    table: str
    required_columns: tuple[str, ...]
    rules: tuple[Rule, ...]


def _contract(table: str, columns: str, rules: list[Rule]) -> Contract:
    return Contract(table, tuple(columns.split()), tuple(rules))


HMIS_AUDIT = "date_created date_updated user_id date_deleted export_id"
DISABILITY_TYPES = ("5", "6", "7", "8", "9", "10")
# types 5-9 answer yes/no; a substance use disorder (10) answers 1 alcohol, 2 drug, 3 both
DISABILITY_RESPONSES = ("0", "1", "2", "3", "8", "9", "99")
WHEN_OCCURRED = ("1", "2", "3", "4", "8", "9", "99")
HOUSEHOLD_TYPES = ("1", "3", "4")
EVENTS = tuple(str(i) for i in range(1, 19))


def _enrollment_file(table: str, key_: str, date_field: str, what: str,
                     rules: list[Rule] | tuple = ()) -> Contract:
    """A file of records about one enrollment (its key, its enrollment, its date)."""
    return _contract(table, f"{key_} enrollment_id personal_id {date_field} {HMIS_AUDIT}", [
        *key(key_),
        references("enrollment_id", "Enrollment.csv.enrollment_id", "enrollment"),
        required(date_field, f"{what} needs its date"),
        date(date_field, REJECT), not_future(date_field, REJECT),
        *rules, *AUDIT_RULES,
    ])


def _project_file(table: str, key_: str, rules: list[Rule] | tuple = ()) -> Contract:
    """A file of records about one project."""
    return _contract(table, f"{key_} project_id {HMIS_AUDIT}", [
        *key(key_), references("project_id", "Project.csv.project_id", "project"),
        *rules, *AUDIT_RULES,
    ])


def _hud_files() -> list[Contract]:
    """The HUD files beyond the core ones: keys, references, dates and the code lists the
    marts read (Disabilities and HealthAndDV for chronic and DV status, Inventory for beds)."""
    stage = codes("data_collection_stage", COLLECTION_STAGES, what="data-collection-stage")
    return [
        _contract("hmis_user", "user_id", [*key("user_id")]),
        _project_file("hmis_funder", "funder_id", [
            number("funder", 1, 99), date("start_date", FLAG), date("end_date", FLAG),
            order("end_date", "start_date", FLAG, "end_date is before start_date")]),
        _project_file("hmis_project_coc", "project_co_cid", [
            regex("co_c_code", r"^[A-Za-z]{2}-[0-9]{3}$", FLAG, "co_c_code is not like XX-500")]),
        _project_file("hmis_inventory", "inventory_id", [
            codes("household_type", HOUSEHOLD_TYPES, what="household type"),
            codes("availability", ("1", "2", "3"), what="availability"),
            codes("es_bed_type", ("1", "2", "3"), what="emergency-shelter bed type"),
            number("unit_inventory", 0, 100_000), number("bed_inventory", 0, 100_000),
            date("inventory_start_date", FLAG), date("inventory_end_date", FLAG),
            order("inventory_end_date", "inventory_start_date", FLAG,
                  "inventory_end_date is before inventory_start_date")]),
        _contract("hmis_affiliation", f"affiliation_id project_id res_project_id {HMIS_AUDIT}", [
            *key("affiliation_id"),
            references("project_id", "Project.csv.project_id", "project"),
            references("res_project_id", "Project.csv.project_id", "residential project"),
            *AUDIT_RULES]),
        _project_file("hmis_participation", "hmis_participation_id", [
            codes("hmis_participation_type", ("0", "1", "2"), what="participation type")]),
        _project_file("hmis_ce_participation", "ce_participation_id", [
            codes("access_point", ("0", "1"), what="yes/no"),
            codes("receives_referrals", ("0", "1"), what="yes/no")]),
        _contract("hmis_enrollment_coc", f"enrollment_co_cid enrollment_id co_c_code "
                  f"{HMIS_AUDIT}", [
            *key("enrollment_co_cid"),
            references("enrollment_id", "Enrollment.csv.enrollment_id", "enrollment"),
            *AUDIT_RULES]),
        _enrollment_file("hmis_health_and_dv", "health_and_dvid", "information_date",
                         "a health and DV record", [
            codes("domestic_violence_survivor", YES_NO, what="yes/no"),
            codes("currently_fleeing", YES_NO, what="yes/no"),
            codes("when_occurred", WHEN_OCCURRED, what="when-occurred"), stage]),
        _enrollment_file("hmis_employment_education", "employment_education_id",
                         "information_date", "an employment record", [stage]),
        _enrollment_file("hmis_disabilities", "disabilities_id", "information_date",
                         "a disability record", [
            codes("disability_type", DISABILITY_TYPES, what="disability type"),
            codes("disability_response", DISABILITY_RESPONSES, what="disability response"),
            codes("indefinite_and_impairs", YES_NO, what="yes/no"), stage]),
        _enrollment_file("hmis_assessment", "assessment_id", "assessment_date",
                         "an assessment", [
            codes("assessment_type", ("1", "2", "3"), what="assessment type"),
            codes("assessment_level", ("1", "2"), what="assessment level"),
            codes("prioritization_status", ("1", "2"), what="prioritization status")]),
        _contract("hmis_assessment_questions", f"assessment_question_id assessment_id "
                  f"enrollment_id {HMIS_AUDIT}", [
            *key("assessment_question_id"),
            references("assessment_id", "Assessment.csv.assessment_id", "assessment"),
            *AUDIT_RULES]),
        _contract("hmis_assessment_results", f"assessment_result_id assessment_id "
                  f"enrollment_id {HMIS_AUDIT}", [
            *key("assessment_result_id"),
            references("assessment_id", "Assessment.csv.assessment_id", "assessment"),
            *AUDIT_RULES]),
        _enrollment_file("hmis_event", "event_id", "event_date", "an event", [
            codes("event", EVENTS, what="coordinated-entry event")]),
        _enrollment_file("hmis_youth_education_status", "youth_education_status_id",
                         "information_date", "a youth education record", [stage]),
    ]


CONTRACTS: dict[str, Contract] = {c.table: c for c in [
    _contract("hmis_export", "export_id export_date export_start_date export_end_date "
              "csv_version export_period_type export_directive", [
        *key("export_id"),
        date("export_date", REJECT, TIMESTAMP), date("export_start_date", REJECT),
        date("export_end_date", REJECT),
        order("export_end_date", "export_start_date", REJECT,
              "export_end_date is before export_start_date"),
    ]),
    _contract("hmis_organization", f"organization_id organization_name {HMIS_AUDIT}", [
        *key("organization_id"), *AUDIT_RULES,
    ]),
    _contract("hmis_project",
              f"project_id organization_id project_name project_type {HMIS_AUDIT}", [
        *key("project_id"),
        references("organization_id", "Organization.csv.organization_id", "organization"),
        codes("project_type", PROJECT_TYPES, what="HUD project type"),
        *AUDIT_RULES,
    ]),
    _contract("hmis_client", "personal_id first_name last_name name_data_quality ssn "
              f"ssn_data_quality dob dob_data_quality veteran_status {HMIS_AUDIT}", [
        *key("personal_id"),
        codes("name_data_quality", DATA_QUALITY, what="data-quality"),
        codes("ssn_data_quality", DATA_QUALITY, what="data-quality"),
        codes("dob_data_quality", DATA_QUALITY, what="data-quality"),
        codes("veteran_status", YES_NO, what="yes/no"),
        regex("ssn", r"^(?:\d{9}|[x\d]{9}|[0-9a-f]{64})$", FLAG,
              "ssn is not 9 digits (x for unknown digits) or a SHA-256 hash"),
        date("dob", FLAG), not_future("dob", FLAG),
        Rule("date_after", "dob", FLAG, "dob is before 1900", other="1900-01-01"),
        *AUDIT_RULES,
    ]),
    _contract("hmis_enrollment", "enrollment_id personal_id project_id entry_date household_id "
              "relationship_to_ho_h living_situation disabling_condition move_in_date "
              f"{HMIS_AUDIT}", [
        *key("enrollment_id"),
        references("personal_id", "Client.csv.personal_id", "client"),
        references("project_id", "Project.csv.project_id", "project"),
        required("entry_date", "an enrollment needs its project start date"),
        date("entry_date", REJECT), not_future("entry_date", REJECT),
        codes("relationship_to_ho_h", RELATIONSHIP, what="relationship-to-head-of-household"),
        codes("living_situation", LIVING_SITUATIONS, what="living-situation"),
        codes("disabling_condition", YES_NO, what="yes/no"),
        date("move_in_date", FLAG),
        order("move_in_date", "entry_date", FLAG, "move_in_date is before entry_date"),
        *AUDIT_RULES,
    ]),
    _contract("hmis_exit",
              f"exit_id enrollment_id personal_id exit_date destination {HMIS_AUDIT}", [
        *key("exit_id"),
        references("enrollment_id", "Enrollment.csv.enrollment_id", "enrollment"),
        required("exit_date", "an exit needs its project exit date"),
        date("exit_date", REJECT), not_future("exit_date", REJECT),
        order("exit_date", "_entry_date", REJECT,
              "exit_date is before the enrollment's entry_date"),
        codes("destination", LIVING_SITUATIONS, what="destination"),
        *AUDIT_RULES,
    ]),
    _contract("hmis_services", "services_id enrollment_id personal_id date_provided record_type "
              f"type_provided {HMIS_AUDIT}", [
        *key("services_id"),
        references("enrollment_id", "Enrollment.csv.enrollment_id", "enrollment"),
        required("date_provided", "a service needs the date it was provided"),
        date("date_provided", REJECT), not_future("date_provided", REJECT),
        codes("record_type", SERVICE_RECORD_TYPES, what="service record type"),
        *AUDIT_RULES,
    ]),
    _contract("hmis_current_living_situation", "current_living_sit_id enrollment_id personal_id "
              f"information_date current_living_situation {HMIS_AUDIT}", [
        *key("current_living_sit_id"),
        references("enrollment_id", "Enrollment.csv.enrollment_id", "enrollment"),
        required("information_date", "a contact needs its date"),
        date("information_date", REJECT), not_future("information_date", REJECT),
        codes("current_living_situation", LIVING_SITUATIONS, what="living-situation"),
        *AUDIT_RULES,
    ]),
    _contract("hmis_income_benefits", "income_benefits_id enrollment_id personal_id "
              "information_date income_from_any_source total_monthly_income "
              f"data_collection_stage {HMIS_AUDIT}", [
        *key("income_benefits_id"),
        references("enrollment_id", "Enrollment.csv.enrollment_id", "enrollment"),
        required("information_date", "an income record needs its date"),
        date("information_date", REJECT), not_future("information_date", REJECT),
        codes("income_from_any_source", YES_NO, what="yes/no"),
        number("total_monthly_income", 0, 1_000_000),
        codes("data_collection_stage", COLLECTION_STAGES, what="data-collection-stage"),
        *AUDIT_RULES,
    ]),
    *_hud_files(),
    _contract("intake_submissions",
              "submission_id intake_client_id submitted_at first_name last_name", [
        *key("submission_id"),
        date("submitted_at", REJECT, TIMESTAMP),
        date("dob", FLAG), not_future("dob", FLAG),
        regex("ssn_last4", r"^\d{4}$", FLAG, "ssn_last4 is not 4 digits"),
        regex("email", r"^\s*[^@\s]+@[^@\s]+\.[A-Za-z]{2,}\s*$", FLAG,
              "email is not an address"),
        codes("employed", ("yes", "no"), what="yes/no"),
        number("monthly_income", 0, 1_000_000),
        number("household_size", 1, 30),
    ]),
    _contract("case_notes", "note_id personal_id note_date text", [
        *key("note_id"),
        required("personal_id", "a note must name its client"),
        required("note_date", "a note needs its date"),
        date("note_date", REJECT), not_future("note_date", REJECT),
        codes("note_type", ("contact", "phone", "home_visit", "office_visit", "attempted_contact"),
              what="note type"),
        Rule("not_blank", "text", FLAG, "text is blank: the note says nothing"),
    ]),
    _contract("survey_responses", "response_id survey_type submitted_at first_name last_name "
              "email phone", [
        *key("response_id"),
        codes("survey_type", ("90_day", "1_year"), REJECT, "survey type"),
        date("submitted_at", REJECT, TIMESTAMP), not_future("submitted_at", REJECT),
        codes("housing_status", ("stably_housed", "temporarily_housed", "homeless",
                                 "institution", "unknown"), what="housing status"),
        codes("employed", ("yes", "no"), what="yes/no"),
        number("monthly_income", 0, 1_000_000),
    ]),
    _contract("screens", "screen_id personal_id instrument screen_date total_score", [
        *key("screen_id"),
        required("personal_id", "a screen must name its client"),
        codes("instrument", ("PHQ-9", "GAD-7"), REJECT, "instrument"),
        date("screen_date", REJECT), not_future("screen_date", REJECT),
        number("total_score", 0, 27, REJECT),
        *(number(f"item_{i}", 0, 3) for i in range(1, 10)),
        Rule("equals", "total_score", FLAG, "total_score is not the sum of the item scores",
             other="_item_sum"),
    ]),
    _contract("plan_milestones", "milestone_id personal_id status status_date", [
        *key("milestone_id"),
        required("personal_id", "a milestone must name its client"),
        codes("status", ("met", "in_progress", "stalled", "dropped"), REJECT, "milestone status"),
        date("status_date", REJECT), not_future("status_date", REJECT),
        codes("milestone_type", ("document", "job_start", "credential", "benefit_approved",
                                 "housing_application", "health_appointment", "other"),
              what="milestone type"),
    ]),
]}
