"""Editions are role-aware: the agency edition names nobody, the supervisor edition names
its own programs' clients and no one else, identifiers are never shown."""

from __future__ import annotations

import re

from tests.reports.pages import PERSON_ID, read

NAME_SPAN = re.compile(r'<span class="name">([^<]+)</span>')


def test_the_agency_edition_shows_ids_and_no_names(published) -> None:
    site = published["site"]
    for path in [*site.glob("*/latest.html"), *(site / "clients").glob("P*.html")]:
        page = read(path)
        assert not NAME_SPAN.search(page), path
        assert "<dt>first_name</dt>" not in page and "<dt>last_name</dt>" not in page, path


def test_the_supervisor_edition_names_only_its_own_sites_clients(published, wh) -> None:
    folder = published["site"] / "supervisor-north"
    north = {pid for (pid,) in wh.rows(
        "select person_id from marts.client_momentum where site = 'north'")}
    pages = {p.stem for p in (folder / "clients").glob("P*.html")}
    assert pages and pages <= north
    missing = read(folder / "missing" / "latest.html")
    listed = set(PERSON_ID.findall(missing))
    assert listed and listed <= north
    assert NAME_SPAN.search(missing)
    assert not (folder / "aggregate").exists() and not (folder / "momentum").exists()


def test_identifiers_are_never_shown(published) -> None:
    for path in published["site"].rglob("*.html"):
        page = read(path)
        for column in ("ssn", "ssn_last4", "dob", "phone", "email", "street_address"):
            assert f"<dt>{column}</dt>" not in page, (path, column)
