"""Missing & incomplete: every element with its fix, and before -> after grades from the
grade model itself re-run on the client's records plus the proposed input."""

from __future__ import annotations

import re

import pytest

from orchestration.reports.missing import Regrade, all_inputs
from tests.reports.pages import read

ELEMENT_ROW = re.compile(r'<tr class="element" data-element="([^"]+)">')


@pytest.fixture(scope="module")
def graded(wh) -> dict[str, Regrade]:
    """Every scenario's grade, as the pipeline's dbt build left it."""
    return {key: Regrade(grade, reason) for key, grade, reason in wh.rows(
        "select scenario_key, grade, grade_reason from marts.report_missing_regrades")}


def test_the_page_leads_with_the_decision_and_lists_every_element(published, wh) -> None:
    page = read(published["site"] / "missing" / "latest.html")
    assert page.index("Decision:") < page.index("By worker")
    listed = set(ELEMENT_ROW.findall(page))
    assert listed == {k for (k,) in wh.rows(
        "select element_key from marts.report_missing_elements")}
    for fix, in wh.rows("select distinct fix from marts.report_missing_elements"):
        assert fix.replace("'", "&#39;") in page


def test_regrading_with_no_input_reproduces_the_marts(graded, wh) -> None:
    for person, grade in wh.rows("select distinct e.person_id, m.grade"
                                 " from marts.report_missing_elements e"
                                 " join marts.client_momentum m using (person_id)"):
        assert graded[f"{person}|baseline"].grade == grade


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
        assert order[graded[all_inputs(pid)].grade] <= order[grade]


def _blocks(page: str) -> list[tuple[str, str, str, str]]:
    """(worker section, person, grade now, grade with every input) per client block."""
    blocks = []
    for section in page.split('<section class="worker" id="worker-')[1:]:
        worker = section.split('"', 1)[0]
        for pid, body in re.findall(r'<section class="client" id="(P\d+)">(.*?)</table>',
                                    section, re.S):
            now, after = re.findall(r'<span class="grade (\w+)">',
                                    body.split('class="all-inputs"')[1])
            blocks.append((worker, pid, now, after))
    return blocks


def test_action_lists_are_grouped_by_each_clients_worker(published, wh) -> None:
    page = read(published["site"] / "missing" / "latest.html")
    workers = dict(wh.rows("select person_id, worker_id from marts.report_client_workers"
                           " where as_of_date = (select max(as_of_date)"
                           " from marts.report_client_workers)"))
    blocks = _blocks(page)
    assert {pid for _, pid, _, _ in blocks} == {p for (p,) in wh.rows(
        "select distinct person_id from marts.report_missing_elements")}
    assert len({w for w, *_ in blocks}) > 1
    for worker, pid, _, _ in blocks:
        assert worker == (workers.get(pid) or "Unassigned"), pid


def test_each_worker_page_lists_their_stalled_and_pending_clients_and_one_input(
        published, wh) -> None:
    site = published["site"] / "missing"
    page = read(site / "latest.html")
    linked = re.findall(r'<a href="workers/([^"]+)\.html">', page)
    assert linked and sorted(p.stem for p in (site / "workers").glob("*.html")) == sorted(linked)
    blocks = _blocks(page)
    for worker in linked:
        rows = re.findall(r'<tr class="action" data-person="(P\d+)">(.*?)</tr>',
                          read(site / "workers" / f"{worker}.html"), re.S)
        expected = {pid for w, pid, now, _ in blocks if w == worker and now in ("amber", "red")}
        assert {pid for pid, _ in rows} == expected, worker
        for pid, row in rows:
            assert f"clients/{pid}.html" in row and "<strong>" in row


def test_the_headline_counts_only_amber_and_red_clients_an_input_would_improve(
        published) -> None:
    page = read(published["site"] / "missing" / "latest.html")
    order = {"red": 0, "amber": 1, "green": 2}
    improving = sum(now != "green" and order[after] > order[now]
                    for _, _, now, after in _blocks(page))
    tile = re.search(r'<div class="n green">(\d+)</div>Amber or red clients a better grade',
                     page)
    assert tile and int(tile.group(1)) == improving
    assert any(now == "green" for _, _, now, _ in _blocks(page))  # listed, not counted


def test_no_fix_asks_for_a_note_instead_of_progress(wh) -> None:
    for fix, in wh.rows("select distinct fix from marts.report_missing_elements"
                        " where element = 'no_movement'"):
        assert "case note" not in fix, fix
