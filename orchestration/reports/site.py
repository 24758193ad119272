"""The static site on disk: one folder per edition, stable paths, an archive per report.

    <edition>/index.html
    <edition>/<report folder>/latest.html and <as_of>.html   (never replaced by another date)
    <edition>/clients/<person_id>.html                        (one page per client, kept)

A dated page is written once per as-of date and only ever replaced by a run for the same
date, so a link to last week's report keeps working. A client page keeps its path for
good; a person_id merged into another becomes a page that sends the reader on.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from orchestration.reports.config import REPORTS, Edition
from orchestration.reports.disclosure import Disclosure
from orchestration.reports.rendering import FOLDERS, GRADES, Run

DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def edition_root(run: Run, edition: Edition) -> Path:
    return run.settings.site_dir / edition.folder if edition.folder else run.settings.site_dir


def _write(path: Path, html: str) -> Path:
    """Write whole or not at all: a reader of the served site, or a report publishing in
    another process at the same time (each rewrites the index), never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, path)
    return path


def write_report(run: Run, edition: Edition, report: str, html: str) -> Path:
    """Write the page for this as-of date and make it the latest; then the list of the
    report's dates every page's period picker reads (archive.js)."""
    folder = edition_root(run, edition) / FOLDERS[report]
    _write(folder / "latest.html", html)
    page = _write(folder / f"{run.as_of}.html", html)
    _write(folder / "archive.js", "window.CASEINTEL_ARCHIVE = "
           f"{json.dumps(archive(run, edition, report))};\n")
    return page


def write_client_ids(run: Run, edition: Edition) -> Path:
    """The IDs this edition has a client page for (merged ones included: their page sends
    the reader on), for the search box: a script, since a page opened from disk may not
    fetch a data file."""
    folder = edition_root(run, edition) / "clients"
    ids = sorted(entry.name[:-5] for entry in os.scandir(folder)
                 if entry.name.endswith(".html") and entry.name != "index.html")
    return _write(folder / "ids.js", f"window.CASEINTEL_CLIENT_IDS = {json.dumps(ids)};\n")


def landing_page(report: str) -> str:
    """Where a report's current page lives, relative to the edition's root."""
    folder = FOLDERS[report]
    return f"{folder}/index.html" if report == "comprehensive" else f"{folder}/latest.html"


def write_no_data(run: Run, edition: Edition, report: str) -> Path:
    """While nothing is graded, a report's current page says what is missing (no dated page:
    there is no as-of date to file it under)."""
    html = run.render("no_data.html.j2", edition, run.links(edition), brief=run.briefs[report])
    return _write(edition_root(run, edition) / landing_page(report), html)


def _kept_file(run: Run, edition: Edition, name: str) -> Path:
    """Where what a publish keeps for the next one is kept: beside the warehouse, not in the
    published site, one file per site folder (two sites published from one warehouse keep
    their own)."""
    site = hashlib.sha256(str(run.settings.site_dir.resolve()).encode()).hexdigest()[:12]
    return run.settings.var_dir / "published" / site / edition.name / f"{name}.json"


def kept(run: Run, edition: Edition, name: str) -> Any:
    """What the last publish of the edition kept under `name`; None if nothing."""
    path = _kept_file(run, edition, name)
    return json.loads(path.read_text()) if path.is_file() else None


def keep(run: Run, edition: Edition, name: str, value: Any) -> None:
    _write(_kept_file(run, edition, name), json.dumps(value, sort_keys=True))


def page_digests(run: Run, edition: Edition, folder: str) -> dict[str, str]:
    """Page name -> digest of what its page was written from, for the pages of `folder` that
    are on disk (a page deleted by hand is written again)."""
    digests = kept(run, edition, folder)
    root = edition_root(run, edition) / folder
    if digests is None or not root.is_dir():
        return {}
    on_disk = {entry.name[:-5] for entry in os.scandir(root) if entry.name.endswith(".html")}
    return {name: digest for name, digest in digests.items() if name in on_disk}


def write_page(run: Run, edition: Edition, relative: str, html: str) -> Path:
    return _write(edition_root(run, edition) / relative, html)


def write_pages(run: Run, edition: Edition, folder: str, pages: dict[str, str]) -> list[Path]:
    """Write a folder of current-only pages (one per worker), removing the pages of this
    folder the run no longer has, so no page shows an old week's list as if it were today's."""
    written = [write_page(run, edition, relative, html) for relative, html in pages.items()]
    for stale in set((edition_root(run, edition) / folder).glob("*.html")) - set(written):
        stale.unlink()
    return written


def archive(run: Run, edition: Edition, report: str) -> list[str]:
    """As-of dates of the published pages of a report, newest first."""
    folder = edition_root(run, edition) / FOLDERS[report]
    if not folder.is_dir():
        return []
    return sorted((p.stem for p in folder.glob("*.html") if DATED.match(p.stem)), reverse=True)


def write_index(run: Run, edition: Edition) -> Path:
    """The edition's front page: each report it carries, latest first, then the archive."""
    links = run.links(edition, depth=0)
    entries = []
    for report in (r for r in REPORTS if edition.carries(r)):
        folder = FOLDERS[report]
        published = (edition_root(run, edition) / landing_page(report)).exists()
        entries.append({
            "report": report,
            "brief": run.briefs[report],
            "href": landing_page(report) if published else None,
            "archive": [] if report == "comprehensive" else
            [{"as_of": d, "href": f"{folder}/{d}.html"} for d in archive(run, edition, report)],
        })
    others = [{"title": e.title, "audience": e.audience, "href": f"{e.folder}/index.html"}
              for e in run.config.editions if e is not edition and not edition.folder
              and e.folder]
    html = run.render("index.html.j2", edition, links, entries=entries, others=others,
                      headline=_headline(run, edition))
    return _write(edition_root(run, edition) / "index.html", html)


def _headline(run: Run, edition: Edition) -> dict[str, Any] | None:
    """The edition's clients by grade today, for its front page (suppressed like its
    aggregates: a total and its parts are related)."""
    if run.as_of is None:
        return None
    counts: Counter[str] = Counter()
    for site, program, grade, n in run.wh.rows(
            "select site, program, grade, count(*) from marts.client_momentum"
            " group by site, program, grade"):
        if edition.includes(site, program):
            counts[grade] += n
    disclosure = Disclosure(edition.suppression_threshold)
    grades = [(g, label, disclosure.cell(counts[g])) for g, label in GRADES]
    total = disclosure.cell(sum(counts.values()))
    disclosure.relate(total, [cell for *_, cell in grades])
    disclosure.protect()
    return {"grades": grades, "total": total}
