"""A client page is made again only when what it is made from changed: a nightly run rewrites
the pages of the clients it touched, not the agency's."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from orchestration.reports import client_pages
from orchestration.reports.publish import publish_report
from orchestration.scoring.clients import known_names
from orchestration.scoring.redact import fold
from orchestration.settings import Settings
from orchestration.warehouse import Warehouse
from tests.reports.pages import read


@pytest.fixture
def copy(published, tmp_path, monkeypatch) -> dict[str, Path]:
    """The published warehouse copied (so a test may change it) and an empty site."""
    db = tmp_path / "caseintel.duckdb"
    shutil.copyfile(published["db"], db)
    monkeypatch.setenv("CASEINTEL_DB", str(db))
    monkeypatch.setenv("CASEINTEL_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("CASEINTEL_SITE", str(tmp_path / "site"))
    return {"db": db, "site": tmp_path / "site"}


def _client_pages(written: list[Path]) -> set[str]:
    return {f"{p.parent.parent.name}/{p.stem}" for p in written
            if p.parent.name == "clients" and p.stem.startswith("P")}


def test_a_second_run_rewrites_only_the_client_whose_data_changed(copy, monkeypatch) -> None:
    first = publish_report(Settings.from_env(), "comprehensive")
    assert len(_client_pages(first)) > 100
    batches, read_batch = [], client_pages.read_batch
    monkeypatch.setattr(client_pages, "read_batch",
                        lambda run, persons: batches.append(persons) or read_batch(run, persons))
    assert _client_pages(publish_report(Settings.from_env(), "comprehensive")) == set()
    assert batches == [], "the warehouse tells which pages changed: no client's data is read"

    with Warehouse(copy["db"]) as wh:
        person = wh.scalar("select min(person_id) from marts.report_client_events"
                           " where category = 'intake'")
        wh.execute("update marts.report_client_events set detail = 'Rewritten intake program'"
                   " where person_id = ? and category = 'intake'", [person])
    again = publish_report(Settings.from_env(), "comprehensive")
    assert _client_pages(again) == {f"{copy['site'].name}/{person}"}
    assert batches == [[person]]
    assert "Rewritten intake program" in read(copy["site"] / "clients" / f"{person}.html")


def test_a_page_deleted_by_hand_or_made_by_other_code_is_written_again(copy, monkeypatch) -> None:
    publish_report(Settings.from_env(), "comprehensive")
    page = next((copy["site"] / "clients").glob("P*.html"))
    page.unlink()
    assert _client_pages(publish_report(Settings.from_env(), "comprehensive")) == {
        f"{copy['site'].name}/{page.stem}"}
    assert page.exists()
    monkeypatch.setattr(client_pages, "_code_digest", lambda: "a new version")
    everyone = _client_pages(publish_report(Settings.from_env(), "comprehensive"))
    assert len(everyone) == len(list((copy["site"] / "clients").glob("P*.html"))) + len(
        list((copy["site"] / "supervisor-north" / "clients").glob("P*.html")))


def test_a_name_new_to_the_agency_is_redacted_on_pages_written_before(copy) -> None:
    """Redaction hides any capitalised word that is a name somewhere in the agency's records:
    when a new record brings a name, pages whose notes hold that word are made again."""
    site = copy["site"]
    publish_report(Settings.from_env(), "comprehensive")
    with Warehouse(copy["db"]) as wh:
        names = known_names(wh)
        word, person = _unredacted_capitalised_word(site, names)
        columns = wh.columns("raw", "hmis_client")
        wh.execute(f"insert into raw.hmis_client ({', '.join(columns)}) select"
                   f" {', '.join('?' if c == 'first_name' else c for c in columns)}"
                   " from raw.hmis_client limit 1", [word])
    assert fold(word) not in names
    rewritten = _client_pages(publish_report(Settings.from_env(), "comprehensive"))
    assert f"{site.name}/{person}" in rewritten
    assert not re.search(rf"\b{word}\b", _notes_of(read(site / "clients" / f"{person}.html")))


def test_a_new_identifier_of_a_client_remakes_the_pages_quoting_its_notes(copy) -> None:
    """Redaction hides a client's own identifiers in its notes: a new date of birth (or
    email, address, name) for the client makes the pages quoting its notes again."""
    publish_report(Settings.from_env(), "comprehensive")
    with Warehouse(copy["db"]) as wh:
        person, site, client = wh.rows(
            "select e.person_id, n.site, n.personal_id from marts.report_client_events e"
            " join staging.stg_notes__case_notes n on n.note_key = e.source_key"
            " where e.category = 'finding' order by 1 limit 1")[0]
        wh.execute("update raw.hmis_client set dob = '1901-02-03'"
                   " where _site = ? and personal_id = ?", [site, client])
        holders = {p for (p,) in wh.rows(
            "select distinct e.person_id from marts.report_client_events e"
            " join staging.stg_notes__case_notes n on n.note_key = e.source_key"
            " where e.category = 'finding' and n.site = ? and n.personal_id = ?"
            " union select person_id from identity.crosswalk"
            " where site = ? and source_record_id = ?", [site, client, site, client])}
    rewritten = {page.split("/")[1] for page in _client_pages(
        publish_report(Settings.from_env(), "comprehensive"))}
    assert person in rewritten
    assert rewritten == holders


def _notes_of(page: str) -> str:
    """The case-note text shown on a client page (its notes section)."""
    return " ".join(re.findall(r'<div class="note">(.*?)</div>', page, re.S))


def _unredacted_capitalised_word(site: Path, names: frozenset[str]) -> tuple[str, str]:
    for page in sorted((site / "clients").glob("P*.html")):
        for word in re.findall(r"\b([A-Z][a-z]{4,})\b", _notes_of(read(page))):
            if fold(word) not in names and word not in {"Client", "Staff"}:
                return word, page.stem
    raise AssertionError("no note shows a capitalised word that is not a name")
