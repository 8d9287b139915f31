"""`loadcontent` makes the database match the content files; a second run changes nothing."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from lessons import content
from lessons.models import GlossaryTerm, Lesson, Question

pytestmark = pytest.mark.django_db

ARTICLE_SECTIONS = [
    "introduction",
    "virtual-machines",
    "containers",
    "architecture",
    "key-differences",
    "performance",
    "use-cases",
    "devops",
    "conclusion",
]


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, target)
    return target


def test_it_loads_one_lesson_per_section_of_the_article_in_order():
    content.sync()
    assert list(Lesson.objects.values_list("slug", flat=True)) == ARTICLE_SECTIONS


def test_a_second_run_creates_nothing_and_changes_nothing(no_course):
    first = content.sync()
    second = content.sync()
    assert first.created() == (
        Lesson.objects.count() + GlossaryTerm.objects.count() + Question.objects.count()
    )
    assert second.created() == 0
    for counter in second.counts.values():
        assert counter["updated"] == 0
        assert counter["deleted"] == 0


def test_the_command_prints_its_counts(capsys):
    call_command("loadcontent")
    call_command("loadcontent")
    out = capsys.readouterr().out.splitlines()[-3:]
    assert out[0].startswith("glossary terms: 0 created, 0 updated")
    assert out[1] == f"lessons: 0 created, 0 updated, {Lesson.objects.count()} unchanged, 0 deleted"
    assert out[2].startswith("questions: 0 created, 0 updated")


def test_it_updates_a_changed_lesson_and_deletes_a_removed_one(content_copy: Path):
    content.sync(content_copy)
    intro = next(content_copy.glob("*introduction.md"))
    intro.write_text(intro.read_text().replace("title:", "title: Changed —", 1))
    next(content_copy.glob("*conclusion.md")).unlink()
    (content_copy / "quizzes" / "conclusion.yaml").unlink()

    report = content.sync(content_copy)

    # Every remaining lesson records the new course version, which keys its cached page.
    assert report.counts["lessons"]["updated"] == Lesson.objects.count()
    assert report.counts["lessons"]["deleted"] == 1
    assert len(set(Lesson.objects.values_list("course_version", flat=True))) == 1
    assert Lesson.objects.get(slug="introduction").title.startswith("Changed —")
    assert not Lesson.objects.filter(slug="conclusion").exists()


def test_it_renders_html_at_load_time(course):
    lesson = Lesson.objects.get(slug="virtual-machines")
    assert "<h2" in lesson.body_html
    assert "[[" not in lesson.body_html
    assert lesson.toc and lesson.reading_minutes >= 1


def test_every_key_term_is_linked_from_its_lesson(course):
    for lesson in course:
        for term in lesson.key_terms:
            assert f'href="/glossary/#{term}"' in lesson.body_html, (lesson.slug, term)


def test_it_rejects_a_lesson_with_an_unknown_glossary_term(content_copy: Path):
    path = next(content_copy.glob("*containers.md"))
    path.write_text(path.read_text() + "\nSee [[no-such-term]].\n")
    with pytest.raises(content.ContentError, match="no-such-term"):
        content.sync(content_copy)


def test_it_rejects_a_diagram_with_an_unknown_layer(content_copy: Path):
    path = next(content_copy.glob("*containers.md"))
    path.write_text(path.read_text() + "\n[[stack:hardware,teleporter|Broken]]\n")
    with pytest.raises(content.ContentError, match="teleporter"):
        content.sync(content_copy)


def test_it_rejects_an_uppercase_slug(content_copy: Path):
    path = next(content_copy.glob("*containers.md"))
    path.write_text(path.read_text().replace("slug: containers", "slug: Containers", 1))
    with pytest.raises(content.ContentError, match="lowercase"):
        content.sync(content_copy)


def test_a_failed_load_leaves_the_database_as_it_was(content_copy: Path):
    content.sync(content_copy)
    path = next(content_copy.glob("*devops.md"))
    path.write_text(path.read_text() + "\n[[not-a-term]]\n")
    (content_copy / "glossary.yaml").write_text(
        (content_copy / "glossary.yaml").read_text() + "\n- slug: extra-term\n  term: Extra\n"
        "  definition: An extra term.\n"
    )
    with pytest.raises(content.ContentError):
        content.sync(content_copy)
    assert not GlossaryTerm.objects.filter(slug="extra-term").exists()


def test_it_rejects_a_question_whose_reread_section_does_not_exist(content_copy: Path):
    path = content_copy / "quizzes" / "architecture.yaml"
    path.write_text(
        path.read_text().replace("reread: where-the-boundary-sits", "reread: nowhere", 1)
    )
    with pytest.raises(content.ContentError, match="nowhere"):
        content.sync(content_copy)


def test_it_rejects_a_challenge_no_stack_can_meet(content_copy: Path):
    path = content_copy / "quizzes" / "architecture.yaml"
    path.write_text(path.read_text().replace("min_density: 100", "min_density: 100000", 1))
    with pytest.raises(content.ContentError, match="solvable"):
        content.sync(content_copy)


def test_a_removed_question_with_answers_is_retired_not_deleted(content_copy: Path):
    from lessons.models import Answer, Attempt, Learner

    content.sync(content_copy)
    question = Question.objects.get(slug="container-boundary")
    attempt = Attempt.objects.create(
        learner=Learner.objects.create(), lesson=question.lesson, number=1, question_count=6
    )
    Answer.objects.create(
        attempt=attempt, question=question, response={"choice": "x"}, correct=False, mark=0
    )
    path = content_copy / "quizzes" / "architecture.yaml"
    data = yaml.safe_load(path.read_text())
    data["questions"] = [q for q in data["questions"] if q["slug"] != "container-boundary"]
    path.write_text(yaml.safe_dump(data))

    content.sync(content_copy)

    question.refresh_from_db()
    assert question.retired
    assert Answer.objects.filter(question=question).exists()
