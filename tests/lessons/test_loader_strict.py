"""Every quiz file is a pool that assesses its lesson: `loadcontent` refuses a question without an
objective, an objective with fewer than two variants or none, a wrong answer that does not name
and answer its misconception, and a challenge that does not say what it teaches."""

import shutil
from pathlib import Path

import pytest
import yaml

from lessons import content

pytestmark = pytest.mark.django_db


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, target)
    return target


def edit_quiz(content_copy: Path, change) -> None:
    """Apply `change` to the first quiz file it applies to (it returns True when it did)."""
    for path in sorted((content_copy / "quizzes").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        if change(data):
            path.write_text(yaml.safe_dump(data, allow_unicode=True))
            return
    raise AssertionError("no quiz file to change")


def first(data: dict, kind: str) -> dict | None:
    return next((q for q in data["questions"] if q["type"] == kind), None)


def test_the_course_as_it_stands_loads(content_copy):
    content.sync(content_copy)


def test_a_question_without_an_objective_is_refused(content_copy):
    def change(data):
        data["questions"][0].pop("objective")
        return True

    edit_quiz(content_copy, change)
    with pytest.raises(content.ContentError, match="needs the 'objective' it assesses"):
        content.sync(content_copy)


def test_an_objective_with_one_question_is_refused(content_copy):
    def change(data):
        objective = data["questions"][0]["objective"]
        same = [q for q in data["questions"] if q["objective"] == objective]
        data["questions"] = [q for q in data["questions"] if q not in same[1:]]
        return True

    edit_quiz(content_copy, change)
    with pytest.raises(content.ContentError, match="needs two questions or more"):
        content.sync(content_copy)


def test_an_objective_no_question_assesses_is_refused(content_copy):
    def change(data):
        objective = data["questions"][0]["objective"]
        data["questions"] = [q for q in data["questions"] if q["objective"] != objective]
        return True

    edit_quiz(content_copy, change)
    with pytest.raises(content.ContentError, match="it has 0"):
        content.sync(content_copy)


@pytest.mark.parametrize("missing", ["misconception", "feedback"])
def test_a_wrong_choice_without_its_misconception_is_refused(content_copy, missing):
    def change(data):
        question = first(data, "single")
        if question is None:
            return False
        wrong = next(c for c in question["choices"] if not c.get("correct"))
        wrong.pop(missing)
        return True

    edit_quiz(content_copy, change)
    with pytest.raises(content.ContentError, match="a wrong answer needs"):
        content.sync(content_copy)


def test_a_true_or_false_question_without_its_misconception_is_refused(content_copy):
    def change(data):
        question = first(data, "truefalse")
        if question is None:
            return False
        question.pop("misconception")
        return True

    edit_quiz(content_copy, change)
    with pytest.raises(content.ContentError, match="a wrong answer needs"):
        content.sync(content_copy)


def test_a_challenge_that_does_not_say_what_it_teaches_is_refused(content_copy):
    def change(data):
        question = first(data, "challenge")
        if question is None:
            return False
        question.pop("teaches")
        return True

    edit_quiz(content_copy, change)
    with pytest.raises(content.ContentError, match="teaches"):
        content.sync(content_copy)
