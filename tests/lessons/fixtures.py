"""The architecture quiz as the quiz tests know it (tests/lessons/quiz.yaml), loaded over the
lesson's own questions: these tests pin the quiz's mechanics (forms, grading, integrity, pools,
progress), whatever the course's content files ask today. Use with
`pytestmark = pytest.mark.usefixtures("architecture_quiz")`."""

from pathlib import Path

import pytest
import yaml

QUIZ = Path(__file__).with_name("quiz.yaml")


@pytest.fixture
def architecture_quiz(course):
    from lessons import content, loading, quizfiles
    from lessons.models import Lesson

    lesson = Lesson.objects.get(slug="architecture")
    anchors = {entry["id"] for entry in lesson.toc}
    objectives = {objective["id"] for objective in lesson.objectives}
    text = loading.Text({})
    questions = []
    for order, entry in enumerate(yaml.safe_load(QUIZ.read_text())["questions"], start=1):
        # Sections move as lessons are rewritten: a question rereads one that exists.
        entry["reread"] = entry["reread"] if entry["reread"] in anchors else lesson.toc[0]["id"]
        where = f"{QUIZ.name} {entry['slug']}"
        quizfiles.check_question(entry, where, anchors, objectives)
        questions.append(quizfiles.read_question(entry, order, where, text))
    content.save_questions(content.SyncReport(), lesson, questions)
    return lesson
