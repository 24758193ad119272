"""Each report shape in headless Chromium (Debian's, driven by Playwright): the key numbers
match the marts, a claim link leads to its source record, and no page logs an error.
A screenshot of every page opened is left for a person to look at (path printed at the end).
"""

from __future__ import annotations

import tempfile
import threading

import pytest

from orchestration.reports.pdf import CHROMIUM_FLAGS
from orchestration.reports.serve import site_server
from tests.reports.conftest import chromium_or_skip

GRADE_LABELS = {"green": "Active", "amber": "Follow-up pending", "red": "Stalled",
                "closed": "Closed"}


@pytest.fixture(scope="module")
def browser(published):
    """A page in headless Chromium on the site served over loopback, and its errors."""
    chromium = chromium_or_skip()
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    server = site_server(published["site"], port=0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright, \
            tempfile.TemporaryDirectory(prefix="caseintel-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(chromium), args=list(CHROMIUM_FLAGS), headless=True,
            viewport={"width": 1280, "height": 1400})
        page = context.new_page()
        page.on("console", lambda m: errors.append(f"{page.url}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        yield {"page": page, "base": f"http://127.0.0.1:{server.server_port}/",
               "errors": errors}
        context.close()
    server.shutdown()
    server.server_close()


def _open(browser, screenshots, path: str, name: str):
    page = browser["page"]
    response = page.goto(browser["base"] + path)
    assert response is not None and response.ok, path
    page.screenshot(path=str(screenshots / f"{name}.png"))
    return page


def _tile(page, label: str) -> int:
    return int(page.locator(".tile", has_text=label).locator(".n").inner_text())


def test_each_report_shape_shows_the_marts_numbers(browser, screenshots, wh) -> None:
    grades = dict(wh.rows("select grade, count(*) from marts.client_momentum group by grade"))

    page = _open(browser, screenshots, "index.html", "01-index")
    assert page.get_by_role("link", name="Missing & incomplete", exact=True).count() == 1

    page = _open(browser, screenshots, "momentum/latest.html", "02-momentum")
    assert int(page.locator(".tile .n.red").inner_text()) == grades.get("red", 0)

    page = _open(browser, screenshots, "missing/latest.html", "03-missing")
    elements = wh.scalar("select count(*) from marts.report_missing_elements")
    assert _tile(page, "Missing or incomplete elements") == elements
    assert page.locator("tr.element").count() == elements
    assert _tile(page, "Open clients") == sum(n for g, n in grades.items() if g != "closed")

    page = _open(browser, screenshots, "unusual/latest.html", "04-unusual")
    assert page.locator("tr.anomaly").count() == wh.scalar(
        "select count(*) from marts.report_anomalies")
    assert page.locator("tr.impossible").count() >= 1

    page = _open(browser, screenshots, "aggregate/latest.html", "05-aggregate")
    total = page.locator("tr", has_text="All stalled clients").locator(".count").inner_text()
    assert total == str(grades.get("red", 0))
    assert page.locator("svg.chart").count() >= 3

    if wh.table_exists("marts", "hmis_data_quality"):  # the quality marts' own pace
        page = _open(browser, screenshots, "quality/latest.html", "06-quality")
        projects = wh.scalar("select count(distinct project_key) from marts.hmis_data_quality")
        rows = page.locator("h2:has-text('Projects, worst first') + table tr")
        assert rows.count() == projects + 1

    person, grade = wh.rows("select person_id, grade from marts.client_momentum"
                            " where grade = 'red' order by person_id limit 1")[0]
    page = _open(browser, screenshots, f"clients/{person}.html", "07-client")
    assert person in page.locator("h1").inner_text()
    assert page.locator("h2:has-text('Today') + p .grade").inner_text() == GRADE_LABELS[grade]
    assert page.locator("svg.chart").count() >= 1

    page = _open(browser, screenshots, "funder/aggregate/latest.html", "08-funder-aggregate")
    assert page.locator("a[href*='clients/']").count() == 0

    page = _open(browser, screenshots, "supervisor-north/missing/latest.html",
                 "09-supervisor-missing")
    assert page.locator("section.client .name").count() >= 1
    assert browser["errors"] == []


def test_a_claim_link_leads_to_its_source_record(browser, screenshots) -> None:
    page = _open(browser, screenshots, "missing/latest.html", "10-claim")
    link = page.locator("section.client a.source-link").first
    claimed = link.inner_text()  # "<file>, row <n>"
    link.click()
    page.wait_for_load_state()
    assert "/clients/P" in page.url and "#src-" in page.url
    record = page.locator(f"#{page.url.split('#', 1)[1]}")
    assert record.is_visible()
    assert claimed.replace(", row ", ", row ") in record.inner_text()
    assert record.locator("dl.fields dt").count() >= 1
    page.screenshot(path=str(screenshots / "11-source-record.png"))
    assert browser["errors"] == []
