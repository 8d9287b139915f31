"""Progress: read lessons and best scores, kept in the session, merged into an account at login."""

import json
import re
from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lessons.models import Attempt, Learner, Lesson, Reading
from tests.lessons.fixtures import architecture_quiz  # noqa: F401
from tests.lessons.test_quiz import RIGHT, WRONG, answer

PROGRESS = "/progress/"
pytestmark = pytest.mark.usefixtures("architecture_quiz")


def title(slug: str) -> str:
    return Lesson.objects.get(slug=slug).title


def row(text: str, title: str) -> str:
    start = text.index(f">{escape(title)}</a></th>")
    return text[start : text.index("</tr>", start)]


def test_it_shows_each_lessons_read_state_and_best_score(client, course):
    answer(client, RIGHT[0])  # the first answer makes the learner; reading is then recorded
    client.get(reverse("lessons:lesson", args=["architecture"]))
    for step in RIGHT[1:3]:
        answer(client, step)
    text = client.get(PROGRESS).text
    architecture = row(text, title("architecture"))
    assert "Read" in architecture
    assert "3 of 6" in architecture  # the best so far, from an unfinished attempt
    for step in RIGHT[3:]:
        answer(client, step)
    text = client.get(PROGRESS).text
    assert "6 of 6" in row(text, title("architecture"))
    assert "Not taken" in row(text, title("containers"))


def test_the_chart_carries_each_sections_best_score(client, course):
    for step in RIGHT:
        answer(client, step)
    text = client.get(PROGRESS).text
    figure = json.loads(unescape(re.search(r'data-figure="([^"]*)"', text)[1]))
    scores = dict(zip(figure["data"][0]["y"], figure["data"][0]["x"], strict=True))
    assert scores[title("architecture")] == 100
    assert scores[title("containers")] == 0


def test_what_next_starts_with_the_first_unread_lesson(client, course):
    text = client.get(PROGRESS).text
    assert f'Read <a href="/lessons/{course[0].slug}/">' in text


def test_what_next_suggests_the_weakest_quiz_once_everything_is_read_and_taken(client, course):
    learner = _learner(client)
    for lesson in course:
        client.get(reverse("lessons:lesson", args=[lesson.slug]))
    for lesson in course:
        Attempt.objects.create(
            learner=learner,
            lesson=lesson,
            number=1,
            question_count=5,
            answered=5,
            score=5 if lesson.slug != "performance" else 2,
        )
    text = client.get(PROGRESS).text
    assert "Your lowest score is on" in text
    assert 'href="/lessons/performance/quiz/"' in text[text.index("What to do next") :][:600]


def _learner(client) -> Learner:
    session = client.session
    if "learner_id" not in session:
        learner = Learner.objects.create()
        session["learner_id"] = learner.pk
        session.save()
    return Learner.objects.get(pk=client.session["learner_id"])


def test_progress_is_kept_per_browser(client, course):
    for step in RIGHT:
        answer(client, step)
    assert "6 of 6" not in Client().get(PROGRESS).text


class TestAccounts:
    """A learner may sign up and log in; anonymous progress joins the account at sign-up, and
    at login when the account holder says so (tests/accounts/test_merge.py)."""

    def test_signing_up_keeps_what_was_done_anonymously(self, client, course):
        for step in RIGHT:
            answer(client, step)
        client.get(reverse("lessons:lesson", args=["containers"]))
        response = client.post(
            reverse("signup"),
            {
                "username": "ada",
                "password1": "a-long-pass-phrase-42",
                "password2": "a-long-pass-phrase-42",
            },
        )
        assert response.status_code == 302
        learner = Learner.objects.get(user__username="ada")
        assert learner.attempts.get().score == 6
        assert "containers" in learner.read_slugs()
        assert Learner.objects.count() == 1

    def test_progress_follows_the_account_to_another_device(self, client, course):
        User.objects.create_user("grace", password="another-long-phrase-7")
        client.post(reverse("login"), {"username": "grace", "password": "another-long-phrase-7"})
        client.get(reverse("lessons:lesson", args=["devops"]))
        for step in RIGHT:
            answer(client, step)
        laptop = Client()
        laptop.post(reverse("login"), {"username": "grace", "password": "another-long-phrase-7"})
        text = laptop.get(PROGRESS).text
        assert "6 of 6" in row(text, title("architecture"))
        assert "Not yet" not in row(text, title("devops"))

    def test_added_progress_is_numbered_after_the_accounts_own_attempts(self, client, course):
        user = User.objects.create_user("linus", password="yet-another-phrase-9")
        phone = Client()
        phone.post(reverse("login"), {"username": "linus", "password": "yet-another-phrase-9"})
        for step in WRONG:
            answer(phone, step)
        for step in RIGHT[:2]:
            answer(client, step)  # anonymous, unfinished
        client.post(reverse("login"), {"username": "linus", "password": "yet-another-phrase-9"})
        client.post(reverse("merge"), {"choice": "add"})
        attempts = list(Learner.objects.get(user=user).attempts.order_by("number"))
        assert [(a.number, a.score, a.answered) for a in attempts] == [(1, 1, 6), (2, 2, 2)]

    def test_a_bad_signup_gets_400_with_the_reason(self, client, db):
        response = client.post(
            reverse("signup"), {"username": "x", "password1": "a", "password2": "b"}
        )
        assert response.status_code == 400
        assert "didn’t match" in response.text or "didn&#x27;t match" in response.text


class TestStore:
    """Progress lives on the learner's row (readings and attempts); the session only points at
    it. Reading can be recorded without making a row for a bare page view."""

    def test_the_session_holds_only_the_learners_id(self, client, course):
        client.get(reverse("lessons:lesson", args=["containers"]))
        answer(client, RIGHT[0])
        assert dict(client.session) == {"learner_id": Learner.objects.get().pk}

    def test_a_lesson_read_twice_is_recorded_once(self, client, course):
        answer(client, RIGHT[0])
        for _ in range(2):
            client.get(reverse("lessons:lesson", args=["containers"]))
        assert Reading.objects.filter(lesson__slug="containers").count() == 1

    def test_without_a_learner_yet_a_bare_page_view_makes_no_rows(self, client, course):
        client.get(reverse("lessons:lesson", args=["containers"]))
        assert not Learner.objects.exists() and not Reading.objects.exists()
        answer(client, RIGHT[0])  # the first answer makes the learner
        client.get(reverse("lessons:lesson", args=["devops"]))
        assert Learner.objects.get().read_slugs() == {"devops"}

    def test_a_cookieless_visit_to_a_quiz_makes_no_learner_and_no_session(self, client, course):
        response = client.get(reverse("lessons:quiz", args=["architecture"]))
        assert response.status_code == 200
        assert not Learner.objects.exists()
        assert settings.SESSION_COOKIE_NAME not in response.cookies

    def test_the_best_attempt_is_the_highest_score_then_the_earliest(self, course):
        learner = Learner.objects.create()
        first, second = course[0], course[1]
        for lesson, number, score in [(first, 1, 2), (first, 2, 4), (first, 3, 4), (second, 1, 1)]:
            Attempt.objects.create(
                learner=learner,
                lesson=lesson,
                number=number,
                question_count=5,
                score=score,
                finished_at=timezone.now(),
            )
        best = learner.attempts.best_by_lesson()
        assert (best[first.pk].number, best[first.pk].percent) == (2, 80)
        assert best[second.pk].percent == 20
        assert learner.attempts.counts_by_lesson() == {first.pk: 3, second.pk: 1}
