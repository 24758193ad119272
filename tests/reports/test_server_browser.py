"""The report server in headless Chromium: each of the six roles logs in through the form,
sees what its role shows and not what it does not, is refused elsewhere, and every page it
opened is in the audit trail, which the auditor then reads on their own page."""

from __future__ import annotations

import socket
import sqlite3
import tempfile

import pytest

from orchestration.reports.pdf import CHROMIUM_FLAGS
from orchestration.server.app import create_app
from tests.reports.conftest import PASSWORD, chromium_or_skip
from tests.server.oidc_provider import serving


@pytest.fixture(scope="module")
def chromium(served):
    """Chromium and the report server on a free loopback port; a new browser context (no
    cookies) per role."""
    executable = chromium_or_skip()
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with serving(create_app(served["settings"]), sock), sync_api.sync_playwright() as pw, \
            tempfile.TemporaryDirectory(prefix="caseintel-chromium-"):
        browser = pw.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_FLAGS),
                                     headless=True)
        yield browser, base
        browser.close()


def _session(chromium, screenshots, user: str):
    browser, base = chromium
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/")
    assert "/login" in page.url
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=str(screenshots / f"server-{user}-home.png"))
    return page, base, errors


def _views(served, user: str) -> list[tuple[str, int]]:
    db = sqlite3.connect(served["settings"].audit_path)
    rows = db.execute("select path, status from audit_log where user = ? and action in"
                      " ('view', 'denied', 'search') order by seq", (user,)).fetchall()
    db.close()
    return rows


def test_each_role_in_the_browser(chromium, served, screenshots) -> None:
    browser, base = chromium
    anonymous = browser.new_context().new_page()
    response = anonymous.goto(f"{base}/clients/{served['south']}.html")
    assert "/login" in anonymous.url and response.ok  # the login form, not the page
    assert served["south"] not in anonymous.content()

    opened: dict[str, list[tuple[str, int]]] = {}

    page, base, errors = _session(chromium, screenshots, "dana")  # director: all, by ID
    assert page.url == f"{base}/index.html"
    page.get_by_role("link", name="Momentum", exact=False).first.click()
    page.wait_for_load_state()
    client = page.locator("a[href*='clients/P']").first
    person = client.get_attribute("href").rsplit("/", 1)[1][:-5]
    client.click()
    page.wait_for_load_state()
    assert person in page.locator("h1").inner_text()
    assert page.locator("h1 .name").count() == 0  # no names in the director's edition
    opened["dana"] = [("/index.html", 200), ("/momentum/latest.html", 200),
                      (f"/clients/{person}.html", 200)]
    assert page.goto(f"{base}/supervisor-north/index.html").status == 403
    opened["dana"].append(("/supervisor-north/index.html", 403))
    assert errors == []

    page, base, errors = _session(chromium, screenshots, "sam")  # supervisor: north, names
    page.fill("form.search input[name=q]", served["north"])
    page.click("form.search button")
    page.wait_for_url(f"**/supervisor-north/clients/{served['north']}.html")
    assert page.locator("h1 .name").count() == 1
    page.screenshot(path=str(screenshots / "server-sam-client.png"))
    response = page.goto(f"{base}/supervisor-north/clients/{served['south']}.html")
    assert response.status == 403 and "Not yours to open" in page.content()
    opened["sam"] = [("/supervisor-north/index.html", 200),
                     ("/supervisor-north/clients/search", 303),
                     (f"/supervisor-north/clients/{served['north']}.html", 200),
                     (f"/supervisor-north/clients/{served['south']}.html", 403)]
    assert errors == []

    page, base, errors = _session(chromium, screenshots, "wes")  # worker: own caseload
    assert page.url.endswith(f"/supervisor-north/missing/workers/{served['worker']}.html")
    linked = {a.get_attribute("href").rsplit("/", 1)[1][:-5]
              for a in page.locator("a[href*='clients/P']").all()}
    assert served["north"] not in linked
    assert page.goto(f"{base}/supervisor-north/clients/{served['mine']}.html").status == 200
    assert page.goto(f"{base}/supervisor-north/clients/{served['north']}.html").status == 403
    assert page.goto(f"{base}/supervisor-north/unusual/latest.html").status == 403
    opened["wes"] = [(f"/supervisor-north/missing/workers/{served['worker']}.html", 200),
                     (f"/supervisor-north/clients/{served['mine']}.html", 200),
                     (f"/supervisor-north/clients/{served['north']}.html", 403),
                     ("/supervisor-north/unusual/latest.html", 403)]
    assert errors == []

    page, base, errors = _session(chromium, screenshots, "fay")  # funder: aggregates only
    assert page.url == f"{base}/funder/index.html"
    page.goto(f"{base}/funder/aggregate/latest.html")
    assert page.locator("a[href*='clients/']").count() == 0
    assert page.goto(f"{base}/clients/{served['south']}.html").status == 403
    opened["fay"] = [("/funder/index.html", 200), ("/funder/aggregate/latest.html", 200),
                     (f"/clients/{served['south']}.html", 403)]
    assert errors == []

    page, base, errors = _session(chromium, screenshots, "sol")  # data steward: quality
    assert page.url == f"{base}/index.html"
    assert page.goto(f"{base}/quality/latest.html").status == 200
    assert page.goto(f"{base}/clients/{served['south']}.html").status == 403
    assert page.goto(f"{base}/momentum/latest.html").status == 403
    opened["sol"] = [("/index.html", 200), ("/quality/latest.html", 200),
                     (f"/clients/{served['south']}.html", 403), ("/momentum/latest.html", 403)]
    assert errors == []

    for user, expected in opened.items():  # every view in the browser is in the trail
        assert _views(served, user)[-len(expected):] == expected, user

    page, base, errors = _session(chromium, screenshots, "ada")  # auditor: the trail
    assert page.url == f"{base}/audit"
    page.fill("input[name=user]", "wes")
    page.click("form.filters button")
    page.wait_for_load_state()
    rows = page.locator("tr.audit-row")
    assert rows.count() >= 4
    assert all("wes" in text for text in rows.all_inner_texts())
    page.screenshot(path=str(screenshots / "server-ada-audit.png"))
    assert page.goto(f"{base}/index.html").status == 403
    assert errors == []
