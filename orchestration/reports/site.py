"""The static site on disk: one folder per edition, stable paths, an archive per report.

    <edition>/index.html
    <edition>/<report folder>/latest.html and <as_of>.html   (never replaced by another date)
    <edition>/clients/<person_id>.html                        (one page per client, kept)

A dated page is written once per as-of date and only ever replaced by a run for the same
date, so a link to last week's report keeps working. A client page keeps its path for
good; a person_id merged into another becomes a page that sends the reader on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from orchestration.reports.config import REPORTS, Edition
from orchestration.reports.rendering import FOLDERS, Run

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
    """Write the page for this as-of date and make it the latest."""
    folder = edition_root(run, edition) / FOLDERS[report]
    _write(folder / "latest.html", html)
    return _write(folder / f"{run.as_of}.html", html)


def write_page(run: Run, edition: Edition, relative: str, html: str) -> Path:
    return _write(edition_root(run, edition) / relative, html)


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
        published = (edition_root(run, edition) / folder / ("index.html"
                     if report == "comprehensive" else "latest.html")).exists()
        entries.append({
            "report": report,
            "brief": run.briefs[report],
            "href": (f"{folder}/index.html" if report == "comprehensive"
                     else f"{folder}/latest.html") if published else None,
            "archive": [] if report == "comprehensive" else
            [{"as_of": d, "href": f"{folder}/{d}.html"} for d in archive(run, edition, report)],
        })
    others = [{"title": e.title, "audience": e.audience, "href": f"{e.folder}/index.html"}
              for e in run.config.editions if e is not edition and not edition.folder
              and e.folder]
    html = run.render("index.html.j2", edition, links, entries=entries, others=others)
    return _write(edition_root(run, edition) / "index.html", html)
