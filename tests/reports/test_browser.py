"""Each report shape in headless Chromium (Debian's, driven by Playwright): the key numbers
match the marts, a claim link leads to its source record, and no page logs an error.
A screenshot of every page opened is left for a person to look at (path printed at the end).
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest

from orchestration.reports.pdf import CHROMIUM_FLAGS
from tests.reports.conftest import chromium_or_skip
from tests.reports.static_site import site_server

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
            viewport={"width": 1280, "height": 1400}, accept_downloads=True)
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
        rows = page.locator("h2:has-text('Projects, worst first') + .table-tools"
                            " + .table-wrap table tr")
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


WIDTHS = (1400, 400)


def _pages(site) -> list[str]:
    """Every page of every edition, as a path under the site root."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_every_page_of_every_edition_fits_a_phone_and_runs_cleanly(browser, screenshots,
                                                                   published) -> None:
    """Every page at 400 px, and every page but the client pages (two of each edition) at
    1400 px: nothing wider than the screen, every table with its tools, no script error, no
    "as of None"; a screenshot of each (the first 5,000 px of a long page)."""
    page = browser["page"]
    pages = _pages(published["site"])
    assert len(pages) > 100
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        seen: dict[str, int] = {}
        for path in pages:
            client = "clients/P" in path
            if client:
                edition = path.split("clients/")[0]
                seen[edition] = seen.get(edition, 0) + 1
                if width > 400 and seen[edition] > 2:
                    continue
            response = page.goto(browser["base"] + path)
            assert response is not None and response.ok, path
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, (path, width, overflow)
            tables = page.locator("table").count()
            assert page.locator(".table-tools button", has_text="Download CSV").count() == tables
            assert "as of None" not in page.locator("body").inner_text(), path
            if not client or seen[edition] <= 2:
                height = page.evaluate("document.documentElement.scrollHeight")
                name = path.replace("/", "_").removesuffix(".html")
                page.screenshot(path=str(screenshots / f"{width}-{name}.png"), full_page=True,
                                clip={"x": 0, "y": 0, "width": width,
                                      "height": min(height, 5000)})
    assert browser["errors"] == []


def test_a_client_is_found_by_id_from_any_page(browser, wh) -> None:
    page = browser["page"]
    page.set_viewport_size({"width": 1400, "height": 900})
    person = wh.scalar("select min(person_id) from marts.client_momentum")
    page.goto(browser["base"] + "aggregate/latest.html")
    page.fill("form.search input", str(int(person[1:])))  # "123" finds P0000123
    page.click("form.search button")
    page.wait_for_url(f"**/clients/{person}.html")
    page.goto(browser["base"] + "index.html")
    page.fill("form.search input", "P9999999")
    page.click("form.search button")
    # The answer is written once the edition's ID list has loaded: wait for it.
    page.wait_for_function(
        "document.querySelector('form.search output').textContent.includes('not in this edition')")
    assert browser["errors"] == []


def test_a_table_filters_by_site_and_downloads_its_shown_rows(browser, published) -> None:
    page = browser["page"]
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(browser["base"] + "momentum/latest.html")
    table = page.locator("table", has=page.locator("th", has_text="Months since movement"))
    site = table.locator("xpath=ancestor::div[@class='table-wrap']/preceding-sibling::div[1]"
                         ).locator("select[aria-label='Site']")
    choice = site.locator("option").nth(1).get_attribute("value")
    site.select_option(choice)
    column = [t.strip() for t in table.locator("tr th").all_inner_texts()].index("Site")
    shown = [row for row in table.locator("tr:not([hidden])").all() if row.locator("td").count()]
    assert shown and all(row.locator("td").nth(column).inner_text().strip() == choice
                         for row in shown)
    tools = table.locator("xpath=ancestor::div[@class='table-wrap']/preceding-sibling::div[1]")
    with page.expect_download() as download:
        tools.locator("button", has_text="Download CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('"Person"') and len(lines) == len(shown) + 1
    assert all(f'"{choice}"' in line for line in lines[1:])
    assert browser["errors"] == []


def test_a_dated_page_offers_the_reports_other_dates(browser, published) -> None:
    page = browser["page"]
    folder = published["site"] / "momentum"
    dated = sorted(p.stem for p in folder.glob("????-??-??.html"))
    page.goto(browser["base"] + f"momentum/{dated[-1]}.html")
    options = page.locator("select.picker option").all_inner_texts()
    assert options[0] == dated[-1] and sorted(options[1:]) == dated[:-1]
    assert browser["errors"] == []


def test_every_aggregate_count_says_what_it_counts_on_hover(browser) -> None:
    page = browser["page"]
    page.goto(browser["base"] + "funder/aggregate/latest.html")
    titles = page.locator("span.count").evaluate_all("els => els.map(e => e.title)")
    assert titles and all(t.startswith(("rows of marts.", "sum of ")) for t in titles), titles[:3]
