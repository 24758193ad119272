"""The Aggregate report: every count reconciles with SQL on the marts; small counts are
suppressed; the funder edition names nobody."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.reports.pages import PERSON_ID, counts, numeric_cells, read, recount

THRESHOLD = {"": 0, "funder": 11}  # rubrics/reports.yaml, per edition


@pytest.mark.parametrize("edition", ["", "funder"])
def test_every_count_on_the_aggregate_report_reconciles_with_the_marts(published, wh,
                                                                       edition) -> None:
    page = read(published["site"] / edition / "aggregate" / "latest.html")
    declared = counts(page)
    assert len(declared) > 100
    for kind, ref, shown in declared:
        value = recount(wh, ref)
        if kind == "count" and 0 < value < THRESHOLD[edition]:
            assert shown == "*", (ref, shown, value)
        elif kind == "count" and THRESHOLD[edition]:
            assert shown in ("*", str(int(value))), (ref, shown, value)
        else:
            assert float(shown) == value, (ref, shown, value)


def _within(total: dict, part: dict) -> tuple | None:
    """The keys by which `part` narrows `total` (same table and measure, every filter of the
    total kept or narrowed from a list to one of its values), or None."""
    if (part["table"], part["agg"], part["column"]) != (total["table"], total["agg"],
                                                        total["column"]):
        return None
    narrowed = []
    for key, wanted in total["where"].items():
        if part["where"].get(key) == wanted:
            continue
        if isinstance(wanted, list) and part["where"].get(key) in wanted:
            narrowed.append(key)
        else:
            return None
    extra = sorted(set(part["where"]) - set(total["where"]))
    return (*narrowed, *extra) or None


@pytest.mark.parametrize("edition", ["funder"])
def test_no_total_less_the_rest_of_its_parts_gives_back_a_suppressed_count(published, wh,
                                                                          edition) -> None:
    """Read as an attacker would: every shown total whose parts are also on the page and add
    up to it must hide none or at least two of them."""
    page = read(published["site"] / edition / "aggregate" / "latest.html")
    cells = {json.dumps(ref, sort_keys=True): (ref, shown, recount(wh, ref))
             for kind, ref, shown in counts(page) if kind == "count"}
    relations = 0
    for total_ref, total_shown, total_value in cells.values():
        groups: dict[tuple, list[tuple[str, float]]] = {}
        for ref, shown, value in cells.values():
            if (keys := _within(total_ref, ref)) is not None:
                groups.setdefault(keys, []).append((shown, value))
        for keys, parts in groups.items():
            if len(parts) < 2 or sum(v for _, v in parts) != total_value:
                continue
            relations += 1
            hidden = [total_shown == "*"] + [shown == "*" for shown, _ in parts]
            assert sum(hidden) != 1, (total_ref, keys, total_value, parts)
    assert relations > 20


def test_every_number_in_an_aggregate_table_is_a_declared_count(published) -> None:
    page = read(published["site"] / "aggregate" / "latest.html")
    for cell in numeric_cells(page):
        assert ('class="count"' in cell or 'class="stat"' in cell or cell.endswith("%")
                or cell in ("*", "–", "")), cell


def test_small_counts_are_hidden_in_the_funder_edition_only(published) -> None:
    funder = [text for kind, _, text in counts(read(
        published["site"] / "funder" / "aggregate" / "latest.html")) if kind == "count"]
    assert "*" in funder
    assert not any(t.isdigit() and 0 < int(t) < 11 for t in funder)
    agency = [text for kind, _, text in counts(read(
        published["site"] / "aggregate" / "latest.html")) if kind == "count"]
    assert "*" not in agency and any(t.isdigit() and 0 < int(t) < 11 for t in agency)


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


def test_no_rate_on_the_funder_quality_page_gives_back_a_hidden_count(published) -> None:
    page = read(published["site"] / "funder" / "quality" / "latest.html")
    checked = 0
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = re.findall(r'<td class="num">(.*?)</td>', row, re.S)
        if len(cells) != 5:  # universal data elements: records, three counts, error rate
            continue
        records = cells[0]
        for cell in cells[1:4]:
            count, rate = re.fullmatch(r"(\S+) \((\S+)\)", cell).groups()
            if rate.endswith("%"):
                checked += 1
                assert count != "*" and records != "*", row
                assert not 0 < int(records) - int(count) < 11, row
    assert checked > 10


@pytest.mark.parametrize("edition", ["", "funder"])
def test_the_hud_measures_are_on_the_page_with_their_definitions_and_periods(
        published, wh, edition) -> None:
    page = read(published["site"] / edition / "aggregate" / "latest.html")
    for model in ("spm_m1_length_of_time_homeless", "spm_m2_returns_to_homelessness",
                  "spm_m4_income_growth", "spm_m5_first_time_homeless",
                  "spm_m7_permanent_placements"):
        section = page.split(f'<section class="spm" id="{model}">', 1)[1].split("</section>")[0]
        assert "<dt>Universe</dt>" in section and "<dt>What it shows</dt>" in section, model
        periods = [p for (p,) in wh.rows(f"select distinct period_label from marts.{model}"
                                         " order by 1 desc")]
        header = re.findall(r'<th class="num" title="[^"]*">([^<]+)</th>', section)
        assert sorted(header, reverse=True) == periods, (model, header)
        cited = {json.loads(html.unescape(ref))["table"]
                 for ref in re.findall(r'data-ref="([^"]+)"', section)}
        assert cited == ({model} if periods else set()), (model, cited)
        assert periods or "in any of the reporting periods yet" in section, model


def test_the_quality_page_shows_each_newest_files_contract_results(published, wh) -> None:
    """The data docs of the newest file of each kind: every failed expectation with the rows
    breaking it, which are the rows flagged under its rule (warnings) or at least those
    quarantined under it (critical: a row breaking two rules is quarantined under the first)."""
    failed = wh.rows("""select c.site, c.source_file, c.rule, c.severity, c.unexpected_count,
                               c.load_id
                        from marts.ingest_contract_results c where not c.success""")
    assert any(severity == "critical" for *_, severity, _, _ in failed)
    assert any(severity == "warning" for *_, severity, _, _ in failed)
    newest = {load_id for (load_id,) in wh.rows("""
        select arg_max(load_id, (loaded_at, load_id)) from raw.ingest_ledger
        where status = 'loaded' group by site, source_table""")}
    checked = {load_id for (load_id,) in wh.rows(
        "select distinct load_id from raw.contract_results")}
    shown = {load_id for (load_id,) in wh.rows(
        "select distinct load_id from marts.ingest_contract_results")}
    assert shown == newest & checked and len(shown) > 10
    page = read(published["site"] / "quality" / "latest.html")
    section = page.split("<h2>Data contract: the newest file of each kind</h2>", 1)[1]
    for site, source_file, rule, severity, unexpected, load_id in failed:
        if severity == "warning":
            flagged = wh.scalar("select count(*) from quarantine.flags where _load_id = ?"
                                " and rule = ?", [load_id, rule])
            assert flagged == unexpected, rule
        else:
            table = wh.scalar("select source_table from raw.ingest_ledger where load_id = ?",
                              [load_id])
            quarantined = wh.scalar(f"select count(*) from quarantine.{table}"
                                    " where _load_id = ? and _rule = ?", [load_id, rule])
            assert 0 < quarantined <= unexpected, rule
        row = (f"<tr><td>{html.escape(site)}</td><td>{html.escape(source_file)}</td>"
               f"<td>{html.escape(rule)}</td>")
        assert row in section and f'<td class="num">{unexpected}</td>' in section, rule
