"""The pipeline publishes every report shape into every edition, with stable links."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from orchestration.reports import client_pages
from orchestration.reports.publish import publish_report
from orchestration.settings import Settings
from orchestration.warehouse import Warehouse
from tests.reports.conftest import AS_OF
from tests.reports.pages import read

REPORT_FOLDERS = ("momentum", "missing", "unusual", "aggregate", "quality")


def test_every_report_asset_materializes(published) -> None:
    result = published["result"]
    assert result.success
    materialized = {e.event_specific_data.materialization.asset_key.to_user_string()
                    for e in result.get_asset_materialization_events()}
    assert {"raw/report_rules", "marts/report_missing_elements", "marts/report_anomalies",
            "reports/momentum", "reports/missing_incomplete", "reports/unusual",
            "reports/comprehensive", "reports/aggregate", "reports/data_quality"} <= materialized


def test_each_edition_has_an_index_linking_latest_and_dated_pages(published, wh) -> None:
    site = published["site"]
    index = read(site / "index.html")
    quality_built = wh.table_exists("marts", "hmis_data_quality")
    for folder in (f for f in REPORT_FOLDERS if quality_built or f != "quality"):
        assert f'href="{folder}/latest.html"' in index
        assert f'href="{folder}/{AS_OF}.html"' in index
        assert (site / folder / f"{AS_OF}.html").exists()
    assert 'href="clients/index.html"' in index
    assert 'href="funder/index.html"' in index
    funder = read(site / "funder" / "index.html")
    assert 'href="aggregate/latest.html"' in funder and "clients/" not in funder


def test_last_weeks_pages_survive_the_next_run(published, tmp_path, monkeypatch) -> None:
    site = tmp_path / "site"
    shutil.copytree(published["site"], site)
    last_week = site / "missing" / "2026-10-25.html"
    last_week.write_text("<p>last week's list</p>", encoding="utf-8")
    client_page = next((site / "clients").glob("P*.html"))
    monkeypatch.setenv("CASEINTEL_SITE", str(site))
    monkeypatch.setenv("CASEINTEL_DB", str(published["db"]))
    monkeypatch.setenv("CASEINTEL_VAR", str(published["root"] / "var"))
    publish_report(Settings.from_env(), "momentum")
    assert last_week.read_text(encoding="utf-8") == "<p>last week's list</p>"
    assert 'href="missing/2026-10-25.html"' in read(site / "index.html")
    assert client_page.exists()


def test_every_page_is_self_contained(published) -> None:
    """Nothing fetched from elsewhere: a script is the page's own or a file of the site."""
    for path in published["site"].rglob("*.html"):
        page = read(path)
        assert "http://" not in page.replace("http://www.w3.org/2000/svg", ""), path
        assert "https://" not in page, path
        for src in re.findall(r'<script[^>]*\ssrc="([^"]+)"', page):
            assert (path.parent / src).resolve().is_file(), (path, src)
        if 'class="search"' in page:  # the search box loads the edition's list of IDs
            ids = re.search(r'data-ids="([^"]*)"', page).group(1)
            assert (path.parent / ids).resolve().is_file(), path


def test_a_merged_person_id_still_reaches_the_person(published, tmp_path, monkeypatch) -> None:
    db = tmp_path / "caseintel.duckdb"
    shutil.copyfile(published["db"], db)
    with Warehouse(db) as wh:
        survivor = wh.scalar("select min(person_id) from marts.client_momentum")
        wh.execute("insert into identity.persons (person_id, status, merged_into)"
                   " values ('P9999999', 'merged', ?)", [survivor])
    monkeypatch.setenv("CASEINTEL_DB", str(db))
    monkeypatch.setenv("CASEINTEL_SITE", str(tmp_path / "site"))
    publish_report(Settings.from_env(), "comprehensive")
    page = read(tmp_path / "site" / "clients" / "P9999999.html")
    assert f'href="{survivor}.html"' in page


def test_client_pages_do_not_depend_on_the_batch_size(published, tmp_path, monkeypatch) -> None:
    """Client pages are read a batch of clients at a time and written by worker processes;
    batches of 7 in two processes write the same pages as the pipeline's one batch."""
    site = tmp_path / "site"
    monkeypatch.setenv("CASEINTEL_SITE", str(site))
    monkeypatch.setenv("CASEINTEL_REPORT_PROCESSES", "2")
    monkeypatch.setenv("CASEINTEL_DB", str(published["db"]))
    monkeypatch.setenv("CASEINTEL_VAR", str(published["root"] / "var"))
    monkeypatch.setattr(client_pages, "BATCH_CLIENTS", 7)
    written = publish_report(Settings.from_env(), "comprehensive")
    pages = {p.relative_to(site) for p in written if p.suffix == ".html"}
    for ids in (p.relative_to(site) for p in written if p.name == "ids.js"):
        assert read(site / ids) == read(published["site"] / ids)
    before = {p.relative_to(published["site"]) for p in published["site"].rglob("clients/*.html")}
    before |= {p.relative_to(published["site"])
               for p in published["site"].rglob("*/clients/*.html")}
    assert pages == before
    assert all(_undated(site / p) == _undated(published["site"] / p) for p in pages)


def _undated(page: Path) -> str:
    """A page without the time it was generated at (its footer)."""
    return re.sub(r"Generated by caseintel on [0-9: -]+ ", "", read(page))
