"""Version 2 of the content files: objectives with ids, questions that name the objective they
assess, wrong choices that name a misconception and answer it, figures quoted from the simulator's
catalogue, inline Markdown in prompts and choices. Files of the first version still load."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains

from lessons import content
from lessons.models import Choice, Lesson, Question
from simulator import catalogue

pytestmark = pytest.mark.django_db

LESSON = "04-architecture.md"
QUIZ = Path("quizzes") / "architecture.yaml"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """The course's files, with the architecture lesson's objectives written as {id, text}."""
    target = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, target)
    lesson = target / LESSON
    head, body = lesson.read_text().split("\n---\n", 1)
    meta = yaml.safe_load(head.removeprefix("---\n"))
    meta["objectives"] = [
        objective if isinstance(objective, dict) else {"id": f"objective-{n}", "text": objective}
        for n, objective in enumerate(meta["objectives"], start=1)
    ]
    lesson.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body)
    return target


def objectives(content_copy: Path) -> list[dict]:
    head = (content_copy / LESSON).read_text().split("\n---\n", 1)[0]
    return yaml.safe_load(head.removeprefix("---\n"))["objectives"]


def place(content_copy: Path) -> dict:
    """An objective and a section to reread that the architecture quiz already uses."""
    first = yaml.safe_load((content_copy / QUIZ).read_text())["questions"][0]
    objective = first.get("objective") or objectives(content_copy)[0]["id"]
    return {"objective": objective, "reread": first["reread"]}


def v2_question(**changes) -> dict:
    question = {
        "slug": "v2-boundary",
        "type": "single",
        "prompt": "Which interface does a `runc` container's code call *directly*?",
        "choices": [
            {"text": "The host kernel's `syscall` interface", "correct": True},
            {
                "text": "The hypervisor's virtual hardware",
                "misconception": "A container runs on virtual hardware like a VM",
                "feedback": "A container boots nothing: it calls the host kernel, which starts "
                "in [[figure:container-runtime.startup_ms]].",
                "simulator": "?stack=hardware,host-os,container-runtime,app",
            },
            {
                "text": "A guest kernel of its own",
                "misconception": "Each container has its own kernel",
                "feedback": "Only a VM has a guest kernel.",
                "simulator": "vm",
            },
        ],
        "explanation": "Containers share the host kernel.",
    }
    return question | changes


def with_question(content_copy: Path, question: dict) -> None:
    """Add `question` to the architecture quiz, assessing an objective the quiz already uses
    unless it names its own."""
    path = content_copy / QUIZ
    data = yaml.safe_load(path.read_text())
    data["questions"].append(place(content_copy) | question)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


class TestObjectives:
    def test_objectives_with_ids_load_and_show_their_text(self, content_copy, client):
        content.sync(content_copy)
        lesson = Lesson.objects.get(slug="architecture")
        assert lesson.objectives == objectives(content_copy)
        assertContains(
            client.get(reverse("lessons:lesson", args=["architecture"])),
            f"<li>{escape(lesson.objectives[1]['text'])}</li>",
            html=True,
        )

    def test_a_plain_sentence_objective_still_loads_with_an_id_from_its_place(self, course):
        first = Lesson.objects.get(slug="introduction").objectives[0]
        assert first["id"] and first["text"]

    def test_a_question_naming_an_objective_the_lesson_lacks_is_refused(self, content_copy):
        with_question(content_copy, v2_question(objective="no-such-objective"))
        with pytest.raises(content.ContentError, match="no-such-objective"):
            content.sync(content_copy)

    def test_two_objectives_with_one_id_are_refused(self, content_copy):
        lesson = content_copy / LESSON
        first, second = (objective["id"] for objective in objectives(content_copy)[:2])
        lesson.write_text(lesson.read_text().replace(f"id: {second}", f"id: {first}"))
        with pytest.raises(content.ContentError, match="share an id"):
            content.sync(content_copy)


class TestMisconceptions:
    def test_a_wrong_choice_keeps_its_misconception_feedback_and_simulator_link(self, content_copy):
        with_question(content_copy, v2_question())
        content.sync(content_copy)
        question = Question.objects.get(slug="v2-boundary")
        assert question.objective == place(content_copy)["objective"]
        wrong = Choice.objects.get(key="v2-boundary-b")
        assert wrong.misconception == "A container runs on virtual hardware like a VM"
        quoted = catalogue.figure("container-runtime.startup_ms")
        assert quoted.text in wrong.feedback_html
        assert str(quoted.year) in wrong.feedback_html
        assert wrong.simulator_url == ("/simulator/?stack=hardware,host-os,container-runtime,app")
        assert Choice.objects.get(key="v2-boundary-c").simulator_url.startswith("/simulator/?")

    @pytest.mark.parametrize(
        ("change", "words"),
        [
            ({"feedback": None}, "feedback"),
            ({"misconception": "x" * 81}, "1–80 characters"),
            ({"simulator": "?stack=hardware,teleporter"}, "simulator link"),
            ({"simulator": "?colour=blue"}, "'colour' is not a setting"),
            ({"simulator": "no-such-preset"}, "neither a preset"),
        ],
    )
    def test_a_bad_wrong_choice_is_refused_with_words(self, content_copy, change, words):
        question = v2_question()
        choice = question["choices"][1]
        for key, value in change.items():
            if value is None:
                choice.pop(key)
            else:
                choice[key] = value
        with_question(content_copy, question)
        with pytest.raises(content.ContentError, match=words):
            content.sync(content_copy)

    def test_select_all_may_have_every_choice_right(self, content_copy):
        question = v2_question(
            slug="v2-all",
            type="multiple",
            prompt="Which run on the host kernel? Select all that apply.",
            choices=[{"text": "A runc container", "correct": True}] * 2,
        )
        with_question(content_copy, question)
        content.sync(content_copy)
        assert Question.objects.get(slug="v2-all").choices.filter(correct=True).count() == 2


class TestMarkup:
    def test_prompts_and_choices_render_inline_markdown(self, content_copy):
        with_question(content_copy, v2_question())
        content.sync(content_copy)
        question = Question.objects.get(slug="v2-boundary")
        assert question.prompt_html == (
            "Which interface does a <code>runc</code> container's code call <em>directly</em>?"
        )
        assert question.choices.get(key="v2-boundary-a").text_html == (
            "The host kernel's <code>syscall</code> interface"
        )

    def test_markup_in_a_prompt_is_sanitised(self, content_copy):
        with_question(
            content_copy, v2_question(prompt='Hi <script>alert(1)</script><b onclick="x">')
        )
        content.sync(content_copy)
        html = Question.objects.get(slug="v2-boundary").prompt_html
        assert "<script" not in html and "onclick" not in html and "alert" not in html

    def test_an_unknown_figure_is_refused(self, content_copy):
        lesson = content_copy / LESSON
        lesson.write_text(lesson.read_text() + "\nIt takes [[figure:guest-os.no_such]].\n")
        with pytest.raises(content.ContentError, match="guest-os.no_such"):
            content.sync(content_copy)

    def test_a_lesson_quotes_a_figure_with_unit_source_and_year(self, content_copy):
        lesson = content_copy / LESSON
        lesson.write_text(lesson.read_text() + "\nA VM boots in [[figure:guest-os.startup_ms]].\n")
        content.sync(content_copy)
        quoted = catalogue.figure("guest-os.startup_ms")
        html = Lesson.objects.get(slug="architecture").body_html
        assert f'<span class="figure">{quoted.text}</span>' in html
        assert f"{quoted.source.year})" in html
