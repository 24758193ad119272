"""`caseintel pdf`: print a published page to PDF with headless Chromium.

Chromium lays the page out exactly as a browser shows it (the SVG charts included) and
needs no network: every page is self-contained. The flags keep it from reaching out
(background networking, component updates, sync) on a closed network.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from orchestration.reports.rendering import FOLDERS

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")


class PdfError(RuntimeError):
    """Chromium is missing or could not print the page."""


def resolve_page(site_dir: Path, page: str) -> Path:
    """A report name (`missing_incomplete` or its folder `missing`) means its latest page;
    anything else is a path inside the site folder (or an absolute path)."""
    folder = FOLDERS.get(page, page)
    candidates = [site_dir / folder / "latest.html", Path(page), site_dir / page,
                  site_dir / f"{page}.html"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    raise PdfError(f"no published page {page!r} under {site_dir}")


def export_pdf(page: Path, out: Path, chromium: Path) -> Path:
    """Print `page` to `out`; returns `out`."""
    if not chromium.exists():
        raise PdfError(f"Chromium not found at {chromium} (set CASEINTEL_CHROMIUM, or install "
                       "Debian's chromium package)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="caseintel-chromium-") as profile:
        done = subprocess.run(
            [str(chromium), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()],
            capture_output=True, text=True, timeout=180)
    if done.returncode != 0 or not out.exists():
        raise PdfError(f"Chromium could not print {page}: {done.stderr[-2000:]}")
    return out
