"""Note language keeps the truth honest: only progress notes say progress, and every stall
story files under its own reason by the rubric's first-match rule."""

from __future__ import annotations

import random

import pytest

from orchestration.demo import notes_text
from orchestration.demo.people import make_identity
from orchestration.demo.trajectories import STALL_REASONS
from orchestration.demo.truth_rubric import load_rubric

from .conftest import AS_OF
from .landing import says_progress

RUBRIC = load_rubric()
PEOPLE = [make_identity(random.Random(i), i, AS_OF, "Northfield", "604") for i in range(40)]
ROUTINE = [t for _, t in notes_text.ROUTINE] + list(notes_text.ATTEMPTS) + [notes_text.INTAKE[1]]


def _render(template: str, rng: random.Random) -> list[str]:
    extra = {
        "employer": "Kroger",
        "role": "cook",
        "hours": 30,
        "course": "CNA",
        "doc": "state ID",
        "benefit": "SSI",
        "instrument": "PHQ-9",
        "before": 17,
        "after": 9,
    }
    return [notes_text.fill(rng, ident, template, **extra) for ident in PEOPLE]


@pytest.mark.parametrize("template", ROUTINE)
def test_routine_notes_name_no_progress_and_no_stall_reason(template):
    for text in _render(template, random.Random(1)):
        assert not says_progress(text), text
        assert RUBRIC.reason_cluster(text) == "other", text


@pytest.mark.parametrize(
    "kind,template", [(k, t) for k, ts in notes_text.PROGRESS.items() for t in ts]
)
def test_progress_notes_say_progress(kind, template):
    for text in _render(template, random.Random(2)):
        assert says_progress(text), text
        if kind not in ("document",):  # document wording ("state ID") is kept away from stalls
            assert RUBRIC.reason_cluster(text) == "other", text


@pytest.mark.parametrize("reason", STALL_REASONS)
def test_stall_notes_and_captured_reasons_file_under_their_reason(reason):
    for template in notes_text.STALL_NOTES[reason]:
        for text in _render(template, random.Random(3)):
            assert RUBRIC.reason_cluster(text) == reason, text
            assert not says_progress(text), text
    for text in notes_text.CAPTURED_REASONS[reason]:
        assert RUBRIC.reason_cluster(text) == reason, text


def test_prompt_injection_and_html_are_inert_text():
    assert RUBRIC.reason_cluster(notes_text.PROMPT_INJECTION) == "other"
    assert not says_progress(notes_text.PROMPT_INJECTION)
    ident = PEOPLE[0]
    html = notes_text.as_html(
        random.Random(4), ident, f"{ident.first} started a new job. Yes.", True
    )
    assert html.startswith("<p>") and html.endswith(notes_text.SCRIPT_TAG) and says_progress(html)
