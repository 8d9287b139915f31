"""A teacher browses questions and attempts in the admin, with filters."""

import pytest

from lessons.models import Attempt, Learner, Lesson


@pytest.fixture
def teacher(client, django_user_model):
    django_user_model.objects.create_superuser("teacher", password="a-long-pass-phrase-42")
    client.login(username="teacher", password="a-long-pass-phrase-42")
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/lessons/question/",
        "/admin/lessons/question/?kind__exact=challenge",
        "/admin/lessons/question/?lesson__id__exact=1&kind__exact=ordering",
        "/admin/lessons/attempt/",
        "/admin/lessons/attempt/?finished_at__isempty=1",
        "/admin/lessons/answer/?correct__exact=0",
        "/admin/lessons/lesson/",
        "/admin/lessons/glossaryterm/?q=kernel",
    ],
)
def test_a_teacher_browses_with_filters(teacher, course, path):
    Attempt.objects.create(
        learner=Learner.objects.create(),
        lesson=Lesson.objects.get(slug="containers"),
        number=1,
        question_count=5,
    )
    assert teacher.get(path).status_code == 200


def test_the_challenge_filter_lists_only_challenges(teacher, course):
    text = teacher.get("/admin/lessons/question/?kind__exact=challenge").text
    assert "fit-a-hundred" in text
    assert "container-boundary" not in text


def test_a_learner_cannot_open_the_admin(client, course):
    assert client.get("/admin/lessons/question/").status_code == 302
