"""A case note is data: a note holding <script> and HTML renders as text, with the sentence
the note reader cited highlighted."""

from __future__ import annotations

import re

from orchestration.reports.cited_rows import highlight
from orchestration.reports.rendering import environment
from tests.reports.agency import SCRIPT_NOTE
from tests.reports.pages import read


def test_a_note_with_script_and_html_renders_as_text(published, wh) -> None:
    planted = published["planted"]
    person = wh.scalar("select person_id from intermediate.int_record_links"
                       " where record_key = ?", [f"hmis:{planted.site}:"
                                                 f"{planted.script_note_personal_id}"])
    page = read(published["site"] / "clients" / f"{person}.html")
    assert "&lt;script&gt;alert(" in page
    # a rich-text editor's formatting tags are dropped, the words read as plain text
    assert "&lt;b&gt;" not in page and "Bold claim" in re.sub(r"<[^>]+>", "", page)
    assert "<script>alert(" not in page.lower() and "<b>Bold claim" not in page
    marked = re.findall(r"<mark>([^<]*)</mark>", page)
    assert any("missed the bus" in m for m in marked), "the cited sentence is highlighted"


def test_highlighted_segments_escape_markup_and_mark_the_quote() -> None:
    start = SCRIPT_NOTE.index("missed the bus")
    segments = highlight(SCRIPT_NOTE, [(start, start + len("missed the bus"))])
    html = environment().from_string(
        "{% for s in segments %}{% if s.marked %}<mark>{{ s.text }}</mark>"
        "{% else %}{{ s.text }}{% endif %}{% endfor %}").render(segments=segments)
    assert html.startswith("&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;")
    assert "<mark>missed the bus</mark>" in html
    assert "&amp; could not" in html
