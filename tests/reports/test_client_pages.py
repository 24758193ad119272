"""Client pages speak plainly and keep to their edition: HUD codes and caseintel's own words
are shown as labels (from the dbt seeds), a note written in a rich-text editor reads as
text, no edition shows a client's contact details, and an edition limited to some sites
shows only their records."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

from orchestration.reports.cited_rows import Privacy, highlight, markup, plain, read_vocabulary
from orchestration.reports.config import Edition, load_reports_config
from orchestration.scoring.redact import Redactor
from orchestration.settings import REPO_ROOT
from tests.reports.pages import read

EDITIONS = load_reports_config(REPO_ROOT / "rubrics" / "reports.yaml").editions
RECORD = re.compile(r'<div class="record" id="[^"]+">\s*<strong>[^<]*</strong> <span class="src">'
                    r"table raw\.(\w+), load ([^,]+), loaded[^<]*</span>\s*"
                    r'<dl class="fields">(.*?)</dl>', re.S)
FIELD = re.compile(r'<dt>(\w+)</dt><dd(?: title="([^"]*)")?>([^<]*)</dd>')
LEFT_OUT = re.compile(r"(\d+) records? (?:and \d+ months? of grades )?from other sites")
EVENT_ROW = re.compile(r"<tr><td>[\d-]+</td><td>([^<]*)</td><td>([^<]*)</td><td>(\w+)</td>")
# Contact details and identifiers, as a reader would spot them in a line of text.
CONTACT = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(r"(?<![\w-])(?:\+?1[-. ]?)?(?:\(\d{3}\)\s?|\d{3}[-. ]?)\d{3}[-. ]?\d{4}"
                        r"(?![\w-])"),
    "ssn": re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])"),
    "street address": re.compile(
        r"\b\d{1,6} (?:[A-Z][\w.'-]* ){1,5}(?:St|Ave|Rd|Blvd|Dr|Ln|Way|Ter|Ct|Street|Avenue"
        r"|Road|Drive|Lane|Court|Terrace)\b|\b\d{1,6} (?:Avenida|Calle|Camino)\b"
        r"|\b(?:Apt|Apartment|Unit|Suite)\.? ?#?\d+"),
    "date of birth": re.compile(r"\b(?:DOB|date of birth|born(?: on)?)\W{0,3}"
                               r"(?:\d{1,4}[/-]\d{1,2}[/-]\d|[A-Z][a-z]+\.? \d{1,2},? \d{4})",
                               re.IGNORECASE),
}


def client_pages(site: Path, edition: Edition) -> list[Path]:
    return sorted((site / edition.folder / "clients").glob("P*.html"))


def text_lines(page: str) -> list[str]:
    """What a reader sees, one text node at a time: no markup, attributes or charts, and no
    column names (a source record lists its fields under the names they were loaded as)."""
    page = re.sub(r"<svg.*?</svg>|<style.*?</style>|<dt>\w+</dt>", "", page, flags=re.S)
    return [html.unescape(node) for node in re.split(r"<[^>]+>", page) if node.strip()]


def code_lists(wh) -> dict[tuple[str, str], str]:
    return {(t, c): lst for t, c, lst in wh.rows(
        "select source_table, column_name, code_list from reference.hud_coded_fields")}


def test_hud_codes_on_client_pages_are_shown_as_their_labels(published, wh) -> None:
    fields = code_lists(wh)
    vocabulary = read_vocabulary(wh)
    coded = 0
    for edition in EDITIONS:
        for path in client_pages(published["site"], edition):
            page = read(path)
            for table, _, body in RECORD.findall(page):
                for column, title, shown in FIELD.findall(body):
                    if (table, column) not in fields:
                        continue
                    coded += 1
                    assert title.startswith("HUD code "), (path, column, shown)
                    assert not shown.strip().isdigit(), (path, column, shown)
                    code = title.removeprefix("HUD code ")
                    labels = vocabulary.codes[fields[(table, column)]]
                    assert html.unescape(shown) in {*labels.values(),
                                                    f"Code {code} (not in HUD's list)"}
            for what, detail, _ in EVENT_ROW.findall(page):
                assert not what.strip().isdigit() and not detail.strip().isdigit(), (path, detail)
    assert coded > 1000


def test_months_homeless_108_reads_as_eight_months(wh) -> None:
    vocabulary = read_vocabulary(wh)
    row = {"months_homeless_past_three_years": "108", "living_situation": "999",
           "record_type": "144", "type_provided": "2"}
    assert vocabulary.value("hmis_enrollment", "months_homeless_past_three_years",
                            row) == ("8 months", "HUD code 108")
    assert vocabulary.value("hmis_enrollment", "living_situation", row)[0] == (
        "Code 999 (not in HUD's list)")
    assert vocabulary.value("hmis_services", "type_provided", row)[0] == (
        "Case management services")


def test_every_code_in_the_warehouse_has_a_label_unless_planted_invalid(published, wh) -> None:
    """A code without a label is one the demo generator wrote on purpose as not HUD's."""
    vocabulary = read_vocabulary(wh)
    with (published["root"] / "demo" / "truth" / "faults.csv").open() as f:
        planted = {(r["field"].lower(), r["detail"].split()[0]) for r in csv.DictReader(f)
                   if r["fault"] == "bad_code"}
    unlabelled = set()
    for (table, column), code_list in code_lists(wh).items():
        if column not in wh.columns("raw", table) or code_list == "hud_service_type":
            continue
        for (value,) in wh.rows(f"select distinct cast({column} as varchar) from raw.{table}"
                                f" where {column} is not null"):
            if value.strip() and value.strip() not in vocabulary.codes[code_list]:
                unlabelled.add((column.replace("_", ""), value.strip()))
    pairs = wh.rows("select distinct cast(record_type as varchar), cast(type_provided as varchar)"
                    " from raw.hmis_services where type_provided is not null")
    assert pairs and all(f"{r}:{t}" in vocabulary.codes["hud_service_type"] for r, t in pairs)
    assert unlabelled <= planted, unlabelled - planted


def test_every_kind_on_a_client_page_has_a_label(wh) -> None:
    """Event kinds, note types and survey types are labelled on purpose (report_terms); so
    is every note-reader label with an underscore (report_terms, or momentum.yaml's)."""
    labelled = {t for (t,) in wh.rows("select term from reference.report_terms union"
                                      " select cluster_key from staging.stg_rubric__stall_reasons")}
    words = {w for (w,) in wh.rows(
        "select kind from marts.report_client_events"
        " union select survey_type from staging.stg_surveys__responses"
        " union select note_type from staging.stg_notes__case_notes") if w is not None}
    words |= {w for (w,) in wh.rows("select detail from marts.report_client_events"
                                    " where category = 'finding'") if "_" in w}
    assert len(words) > 20 and words <= labelled, words - labelled


def test_no_client_page_shows_a_snake_case_word(published, wh) -> None:
    words = {w for (w,) in wh.rows("select term from reference.report_terms union"
                                   " select cluster_key from staging.stg_rubric__stall_reasons")
             if "_" in w}
    snake = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")\b")
    for edition in EDITIONS:
        pages = client_pages(published["site"], edition)
        for path in pages:
            found = [line for line in text_lines(read(path)) if snake.search(line)]
            assert not found, (path, found[:3])


def test_no_page_of_any_edition_shows_contact_details(published) -> None:
    pages = list(published["site"].rglob("*.html"))
    assert len(pages) > 100
    for path in pages:
        for line in text_lines(read(path)):
            for what, pattern in CONTACT.items():
                assert not pattern.search(line), (path, what, line)


def test_a_site_edition_shows_only_its_sites_records_and_counts_the_rest(published, wh) -> None:
    site_of_load = dict(wh.rows("select load_id, site from raw.ingest_ledger"))
    checked = said = 0
    for edition in (e for e in EDITIONS if e.sites):
        for path in client_pages(published["site"], edition):
            page = read(path)
            loads = [load for _, load, _ in RECORD.findall(page)]
            assert {site_of_load[load] for load in loads} <= set(edition.sites), path
            assert {s for _, _, s in EVENT_ROW.findall(page)} <= set(edition.sites), path
            elsewhere = wh.scalar(
                "select count(distinct _load_id || ':' || cast(_source_row as varchar))"
                " from marts.report_client_events where person_id = ? and site not in"
                f" ({', '.join('?' for _ in edition.sites)})", [path.stem, *edition.sites])
            told = LEFT_OUT.search(page)
            assert (int(told.group(1)) if told else 0) == elsewhere, path
            said += bool(told)
            checked += 1
    assert checked and said, "the planted agency has clients known at two sites"


def test_a_note_in_html_reads_as_plain_text(published, wh) -> None:
    note = ("<p>Met with <b>Ann</b> today.<br>Keys on Friday &amp; a bed frame.</p>"
            "<script>alert(1)</script>")
    start = note.index("Keys")
    segments = highlight(note, [(start, start + len("Keys on Friday"))], None, markup(note))
    assert "".join(s.text for s in segments) == (
        "Met with Ann today.\nKeys on Friday & a bed frame.\n<script>alert(1)</script>")
    assert [s.text for s in segments if s.marked] == ["Keys on Friday"]
    assert plain(note) == (
        "Met with Ann today. Keys on Friday & a bed frame. <script>alert(1)</script>")

    shown = 0
    for path in client_pages(published["site"], EDITIONS[0]):
        page = read(path)
        assert "&lt;p&gt;" not in page and "&lt;b&gt;" not in page and "&lt;br&gt;" not in page
        shown += page.count('<div class="note">')
    assert shown and wh.scalar("select count(*) from staging.stg_notes__case_notes"
                               " where note_text like '%<p><b>%'")


def test_an_edition_with_names_still_hides_contact_details() -> None:
    config = load_reports_config(REPO_ROOT / "rubrics" / "reports.yaml")
    note = ("<p><b>Dana</b> moved into 12 Oak Ave Apt 4. Call 314-555-0199 or"
            " dana.k@example.org.</p>")
    shown = {e.client_names: Privacy(config, e, Redactor({"dana"})).field("text", note, {})
             for e in EDITIONS if e.carries("comprehensive")}
    assert shown == {True: "Dana moved into [ADDRESS]. Call [PHONE] or [EMAIL].",
                     False: "[NAME] moved into [ADDRESS]. Call [PHONE] or [EMAIL]."}


def test_a_free_text_event_detail_is_redacted_like_a_note(wh) -> None:
    """An intake's program or a milestone's goal is typed by a person: it may hold contact
    details, and no edition shows them (names only where the edition allows)."""
    from orchestration.reports.client_pages import _labelled

    event = {"kind": "intake_submission", "site": "north", "_load_id": "L", "_source_row": 1,
             "detail": "Shelter, referred by her aunt: call 555-201-4477 or aunt@example.org"}
    for edition in EDITIONS:
        privacy = Privacy(load_reports_config(REPO_ROOT / "rubrics" / "reports.yaml"),
                          edition, Redactor(set()))
        about = _labelled(event, {}, read_vocabulary(wh), privacy)["about"]
        assert not any(p.search(about) for p in CONTACT.values()), (edition.name, about)
        assert about.startswith("Shelter, referred by her aunt"), about
