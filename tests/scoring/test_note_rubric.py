"""Reader rubrics: content-hash versions, agency rubrics that extend the built-in one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration.rubrics import RubricError
from orchestration.scoring.prompt import findings_schema, system_prompt
from orchestration.scoring.reader_rubric import load_reader_rubric
from orchestration.settings import REPO_ROOT

AGENCY = """\
extends: case_note_reader
name: northside_reader
categories:
  risk:
    labels:
      food_insecurity:
        level: watch
        definition: The household is short of food.
        phrases: [no food, food pantry]
  progress:
    labels:
      housing:
        phrases: [got her own place]
"""


@pytest.fixture()
def rubrics(tmp_path: Path) -> Path:
    folder = tmp_path / "rubrics"
    shutil.copytree(REPO_ROOT / "rubrics", folder)
    return folder


def test_built_in_rubric_has_every_category_and_momentums_taxonomy() -> None:
    rubric = load_reader_rubric(REPO_ROOT / "rubrics")
    assert list(rubric.categories) == ["progress", "stall_reason", "risk"]
    stall = [label.key for label in rubric.categories["stall_reason"].labels]
    assert stall == [c.key for c in rubric.stall_clusters] and "transportation" in stall
    assert rubric.allows("risk", "escalation", "urgent")
    assert not rubric.allows("risk", "escalation", "green")
    assert not rubric.allows("stall_reason", "weather", "stated")


def test_the_version_changes_with_content_not_with_comments(rubrics: Path) -> None:
    path = rubrics / "case_note_reader.yaml"
    before = load_reader_rubric(rubrics).version
    path.write_text("# a new comment\n" + path.read_text())
    assert load_reader_rubric(rubrics).version == before
    path.write_text(path.read_text().replace("hostile]", "hostile, shouting]"))
    assert load_reader_rubric(rubrics).version != before


def test_the_stall_taxonomy_is_part_of_the_version(rubrics: Path) -> None:
    before = load_reader_rubric(rubrics).version
    momentum = rubrics / "momentum.yaml"
    momentum.write_text(momentum.read_text().replace("bus fare,", "bus fare, bus token,"))
    assert load_reader_rubric(rubrics).version != before


def test_an_agency_rubric_extends_the_built_in_one_without_code(rubrics: Path) -> None:
    (rubrics / "northside_reader.yaml").write_text(AGENCY)
    built_in = load_reader_rubric(rubrics)
    agency = load_reader_rubric(rubrics, "northside_reader")
    assert agency.name == "northside_reader" and agency.version != built_in.version
    risk = agency.categories["risk"]
    assert risk.label("food_insecurity") is not None and risk.label("escalation") is not None
    housing = agency.categories["progress"].label("housing")
    assert housing is not None and housing.phrases[-1] == "got her own place"
    assert "moved into" in housing.phrases
    assert "food_insecurity" in system_prompt(agency)
    shapes = findings_schema(agency)["properties"]["findings"]["items"]["anyOf"]
    assert "food_insecurity" in shapes[2]["properties"]["label"]["enum"]


@pytest.mark.parametrize(("text", "message"), [
    ("extends: case_note_reader\ncategories: {mood: {definition: x, levels: {low: y}}}",
     "unknown categories"),
    ("extends: case_note_reader\ncategories: {stall_reason: {labels: {weather: {}}}}",
     "momentum.yaml"),
    ("extends: case_note_reader\ncategories: {risk: {labels: {x: {level: red}}}}",
     "level 'red'"),
    ("extends: agency", "extends itself"),
    ("extends: case_note_reader\ninstruction_patterns: ['(unclosed']", "instruction_patterns"),
])
def test_mistakes_in_an_agency_rubric_are_explained(rubrics: Path, text: str,
                                                    message: str) -> None:
    (rubrics / "agency.yaml").write_text(text)
    with pytest.raises(RubricError, match=message):
        load_reader_rubric(rubrics, "agency")
