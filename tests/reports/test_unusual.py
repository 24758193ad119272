"""Unusual: every flag in the mart is on the page with why it was flagged, and the planted
impossible readings (an exit before its entry, a service after its exit) are caught."""

from __future__ import annotations

import re

from tests.reports.pages import read

ANOMALY_ROW = re.compile(r'<tr class="anomaly" data-anomaly="([^"]+)">')


def test_every_flag_is_listed_with_why(published, wh) -> None:
    page = read(published["site"] / "unusual" / "latest.html")
    assert page.index("Decision:") < page.index("Impossible readings</h2>")
    assert set(ANOMALY_ROW.findall(page)) == {
        k for (k,) in wh.rows("select anomaly_key from marts.report_anomalies")}
    kinds = {k for (k,) in wh.rows("select distinct anomaly_kind from marts.report_anomalies")}
    assert {"contact_drop", "long_stay", "caseload_drift", "service_after_exit"} <= kinds


def test_an_exit_before_its_entry_is_an_impossible_reading(published, wh) -> None:
    planted = published["planted"]
    rejected = wh.rows("select _rule, _source_file, _source_row from quarantine.hmis_exit"
                       " where exit_id = ?", [planted.exit_before_entry])
    assert rejected and rejected[0][0].startswith("date_order")
    page = read(published["site"] / "unusual" / "latest.html")
    assert "exit_date is before the enrollment&#39;s entry_date" in page
    assert f"{rejected[0][1]}, row {rejected[0][2]}" in page


def test_a_service_after_exit_is_flagged_with_its_record(published, wh) -> None:
    planted = published["planted"]
    key = f"service_after_exit:{planted.site}:{planted.service_after_exit}"
    row = wh.rows("select why, evidence_source_file, evidence_source_row, person_id"
                  " from marts.report_anomalies where anomaly_key = ?", [key])
    assert row, key
    why, source_file, source_row, person = row[0]
    page = read(published["site"] / "unusual" / "latest.html")
    assert why in page and f"{source_file}, row {source_row}" in page
    assert f"clients/{person}.html#src-" in page


def test_tiles_count_clients_not_flags(published, wh) -> None:
    page = read(published["site"] / "unusual" / "latest.html")
    tiles = dict(re.findall(r'<div class="n" data-kind="([^"]+)">(\d+)</div>', page))
    people = dict(wh.rows("select anomaly_kind, count(distinct coalesce(person_id, worker_id))"
                          " from marts.report_anomalies group by anomaly_kind"))
    assert tiles and {k: int(n) for k, n in tiles.items() if int(n)} == people
    flags = dict(wh.rows("select anomaly_kind, count(*) from marts.report_anomalies"
                         " group by anomaly_kind"))
    assert any(flags[k] > n for k, n in people.items())  # some client carries several flags
