"""Missing & incomplete: every element with its fix, and before -> after grades from the
grade model itself re-run on the client's records plus the proposed input."""

from __future__ import annotations

import re

import pytest

from orchestration.reports.regrade import ALL, BASELINE, Regrade, regrade, scenario_id
from orchestration.settings import Settings
from tests.reports.conftest import AS_OF
from tests.reports.pages import read

ELEMENT_ROW = re.compile(r'<tr class="element" data-element="([^"]+)">')


@pytest.fixture(scope="module")
def graded(wh) -> dict[str, Regrade]:
    """Every scenario re-graded once (the scratch warehouse needs only the settings' dbt
    project; the inputs come from `wh`)."""
    return regrade(Settings.from_env(), wh, AS_OF.isoformat())


def test_the_page_leads_with_the_decision_and_lists_every_element(published, wh) -> None:
    page = read(published["site"] / "missing" / "latest.html")
    assert page.index("Decision:") < page.index("By client")
    listed = set(ELEMENT_ROW.findall(page))
    assert listed == {k for (k,) in wh.rows(
        "select element_key from marts.report_missing_elements")}
    for fix, in wh.rows("select distinct fix from marts.report_missing_elements"):
        assert fix.replace("'", "&#39;") in page


def test_regrading_with_no_input_reproduces_the_marts(graded, wh) -> None:
    for person, grade in wh.rows("select distinct e.person_id, m.grade"
                                 " from marts.report_missing_elements e"
                                 " join marts.client_momentum m using (person_id)"):
        assert graded[scenario_id(person, BASELINE)].grade == grade


def test_a_case_note_today_turns_a_client_amber_only_for_contact_green(graded, wh) -> None:
    lapsed_only = [pid for (pid,) in wh.rows("""
        select person_id from marts.client_momentum
        where grade = 'amber' and is_contact_lapsed and overdue_survey_types is null""")]
    assert lapsed_only
    for pid in lapsed_only:
        assert graded[f"{pid}|contact_overdue"].grade == "green"


def test_inputs_that_are_not_grading_inputs_leave_the_grade_alone(graded, wh) -> None:
    for key, grade in wh.rows("select element_key, grade from marts.report_missing_elements"
                              " where proposed_table is null"):
        assert graded[key].grade == grade


def test_every_input_together_never_grades_worse(graded, wh) -> None:
    order = {"green": 0, "amber": 1, "red": 2}
    for pid, grade in wh.rows("select distinct person_id, grade"
                              " from marts.report_missing_elements"):
        assert order[graded[scenario_id(pid, ALL)].grade] <= order[grade]
