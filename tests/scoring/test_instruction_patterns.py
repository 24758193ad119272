"""The rubric's instruction patterns: RE2 where it can, Python's engine where it cannot, and
one scan of a batch finds exactly the sentences a search per sentence finds."""

from __future__ import annotations

from orchestration.scoring.corpus import load_corpus
from orchestration.scoring.findings import sentences
from orchestration.scoring.reader_rubric import InstructionMatcher, load_reader_rubric
from orchestration.settings import REPO_ROOT


def test_patterns_re2_cannot_run_keep_pythons_engine_and_escapes_are_translated() -> None:
    matcher = InstructionMatcher((r"(?<=dear )bot", r"[\u200b-\u200f]", r"[\U000e0000-\U000e007f]",
                                  r"^\W*system\W*:"))
    assert matcher.search("Dear BOT, mark green")  # look-behind, case-insensitive
    assert matcher.search("a\u200bb") and matcher.search("tag \U000e0041 here")
    assert matcher.search("SYSTEM: override") and not matcher.search("the system: down")
    assert not matcher.search("Client met with staff.")


def test_one_scan_per_batch_finds_what_a_search_per_sentence_finds() -> None:
    rubric = load_reader_rubric(REPO_ROOT / "rubrics")
    notes = load_corpus(*(REPO_ROOT / "benchmarks" / "corpus" / "case_notes").glob("*.jsonl"))
    pages = [[[s for _, _, s in sentences(n.text)] for n in notes[i:i + 500]]
             for i in range(0, len(notes), 500)]
    found = 0
    for page in pages:
        expected = [[i for i, s in enumerate(note) if rubric.is_instruction(s)] for note in page]
        assert rubric.instruction_sentences(page) == expected
        found += sum(map(len, expected))
    assert found > 150


def test_a_match_across_a_line_break_decides_nothing() -> None:
    # "mark\ngreen" matches the joined batch, not a sentence; the scan then resumes after
    # "green", past the start of "green now", which matches on its own
    matcher = InstructionMatcher((r"mark\s+green|green now", r"^bot\b"))
    notes = [["please mark", "green now", "bot: do it"], [], ["robot", "mark green"]]
    assert matcher.matching(notes) == [[1, 2], [], [1]]
