"""The Aggregate report: every count reconciles with SQL on the marts; small counts are
suppressed; the funder edition names nobody."""

from __future__ import annotations

import re

import pytest

from tests.reports.pages import PERSON_ID, counts, numeric_cells, read, recount, suppressed


@pytest.mark.parametrize("edition", ["", "funder"])
def test_every_count_on_the_aggregate_report_reconciles_with_the_marts(published, wh,
                                                                       edition) -> None:
    page = read(published["site"] / edition / "aggregate" / "latest.html")
    declared = counts(page)
    assert len(declared) > 100
    for kind, ref, shown in declared:
        value = recount(wh, ref)
        if kind == "count":
            assert shown == suppressed(int(value)), (ref, shown, value)
        else:
            assert float(shown) == value, (ref, shown, value)


def test_every_number_in_an_aggregate_table_is_a_declared_count(published) -> None:
    page = read(published["site"] / "aggregate" / "latest.html")
    for cell in numeric_cells(page):
        assert ('class="count"' in cell or 'class="stat"' in cell or cell.endswith("%")
                or cell in ("suppressed", "")), cell


def test_counts_below_the_threshold_show_as_less_than_11(published) -> None:
    shown = [text for kind, _, text in counts(read(published["site"] / "aggregate" / "latest.html"))
             if kind == "count"]
    assert "<11" in shown
    assert not any(t.isdigit() and 0 < int(t) < 11 for t in shown)


def test_the_latest_red_count_is_the_number_of_stalled_clients(published, wh) -> None:
    page = read(published["site"] / "aggregate" / "latest.html")
    latest = wh.scalar("select cast(max(as_of_date) as varchar) from marts.cohort_momentum")
    red = [text for _, ref, text in counts(page) if ref["table"] == "cohort_momentum"
           and ref["column"] == "red_clients" and ref["where"] == {"as_of_date": latest}]
    assert red == [str(wh.scalar(
        "select count(*) from marts.client_momentum where grade = 'red'"))]


def test_the_funder_edition_carries_aggregates_only(published) -> None:
    funder = published["site"] / "funder"
    pages = sorted(p.relative_to(funder).as_posix() for p in funder.rglob("*.html"))
    assert {p.split("/")[0] for p in pages} <= {"index.html", "aggregate", "quality"}
    for path in funder.rglob("*.html"):
        assert not PERSON_ID.search(read(path)), path


@pytest.mark.parametrize("edition", ["", "funder"])
def test_each_outcome_is_counted_among_the_responses_to_due_follow_ups(published, wh,
                                                                       edition) -> None:
    page = read(published["site"] / edition / "aggregate" / "latest.html")
    rows: dict[tuple[str, str], list[tuple[set[str], float]]] = {}
    for _, ref, _ in counts(page):
        if ref["table"] == "followup_outcomes":
            where = ref["where"]
            rows.setdefault((where["survey_type"], where.get("site", "")), []).append(
                (set(where) - {"survey_type", "site"}, recount(wh, ref)))
    assert len(rows) > 2
    for row, cells in rows.items():
        [due] = [v for filters, v in cells if filters == {"is_due"}]
        [responded] = [v for filters, v in cells if filters == {"is_due", "has_response"}]
        assert responded <= due, row
        answers = [(filters, v) for filters, v in cells if len(filters) > 2]
        assert len(answers) == 5, row
        for filters, value in answers:
            assert {"is_due", "has_response"} < filters and value <= responded, (row, filters)


def test_every_page_title_is_plain_text_and_the_aggregate_sections_are_in_the_body(
        published) -> None:
    for path in published["site"].rglob("*.html"):
        [title] = re.findall(r"<title>(.*?)</title>", read(path).split("</head>")[0], re.S)
        assert "<" not in title and "\n" not in title.strip(), path
    body = read(published["site"] / "aggregate" / "latest.html").split("<body", 1)[1]
    for heading in ("Momentum by chronic homelessness", "Beds, units and utilization",
                    "Outcomes at 90 days and 1 year"):
        assert f"<h2>{heading}" in body, heading
