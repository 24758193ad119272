"""The demo agency: three sites, their HMIS layouts, projects and local habits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    slug: str
    fiscal_year: int  # HUD HMIS CSV layout the site exports
    name: str
    city: str
    zip3: str
    share: float  # share of people whose home is this site
    notes_file: str  # relative to notes/<site>/
    html_notes: float  # share of notes exported from a rich-text editor
    intake_files: tuple[tuple[str, str], ...]  # (file name, encoding) per intake channel


SITES: tuple[Site, ...] = (
    Site(
        "north",
        2024,
        "North Hope Center",
        "Northfield",
        "604",
        0.40,
        "notes.jsonl",
        0.05,
        (("web_form.csv", "utf-8"), ("paper_forms.csv", "cp1252")),
    ),
    Site(
        "south",
        2024,
        "Southside Family Services",
        "Riverton",
        "605",
        0.35,
        "notes.csv",
        0.0,
        (("web_form.csv", "utf-8"),),
    ),
    Site(
        "east",
        2026,
        "Eastgate Housing Partners",
        "Eastport",
        "606",
        0.25,
        "notes.jsonl",
        0.35,
        (("intake_export.csv", "utf-8-sig"),),
    ),
)
SITE_BY_SLUG = {site.slug: site for site in SITES}

# HUD ProjectType -> (project name stem, free-text program names people pick on intake forms)
PROJECTS: dict[int, tuple[str, tuple[str, ...]]] = {
    0: ("Emergency Shelter", ("Emergency Shelter", "shelter", "ES – night shelter")),
    2: ("Transitional Housing", ("Transitional Housing", "TH program")),
    3: ("Permanent Supportive Housing", ("Permanent Supportive Housing", "PSH")),
    4: ("Street Outreach", ("Street Outreach", "outreach team")),
    6: ("Case Management", ("Case Management (services only)", "case mgmt", "Services Only")),
    13: ("Rapid Re-Housing", ("Rapid Re-Housing", "RRH", "Rapid Rehousing – Families")),
}
PROGRAM_TYPES = (0, 2, 3, 4, 6, 13)
BAD_PROJECT_TYPE = 50  # a retired pilot project with an invalid code; no one is enrolled in it
WORKERS_PER_SITE = 12
