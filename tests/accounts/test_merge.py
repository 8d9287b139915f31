"""Logging in asks before a browser's anonymous progress joins the account (a session cookie
planted on a shared computer must not pour someone else's attempts into it), and whatever is
added leaves every quiz's attempts consistent, so "Try again" always works."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cvm_site.models import Membership
from lessons.models import Attempt, Learner
from tests.teach.conftest import PASSWORD, answer, single_choice_questions


@pytest.fixture
def ada(db):
    return User.objects.create_user("ada", password=PASSWORD)


def browser_with_progress(client) -> Learner:
    """This browser answered a question anonymously (its own learner, through the session)."""
    learner = Learner.objects.create()
    session = client.session
    session["learner_id"] = learner.pk
    session.save()
    answer(learner, single_choice_questions(1)[0], correct=True)
    return learner


def log_in(client, next_url="/progress/"):
    return client.post(
        reverse("login"), {"username": "ada", "password": PASSWORD, "next": next_url}
    )


def test_logging_in_asks_before_adding_this_browsers_progress(client, ada):
    anonymous = browser_with_progress(client)
    response = log_in(client)
    assert response["Location"] == f"{reverse('merge')}?next=/progress/"
    page = client.get(response["Location"])
    assert "This browser has progress" in page.text and "1 quiz attempt" in page.text
    assert Learner.objects.get(pk=anonymous.pk).user is None  # nothing moved yet


def test_adding_moves_the_attempts_into_the_account(client, ada):
    browser_with_progress(client)
    log_in(client)
    response = client.post(reverse("merge"), {"choice": "add", "next": "/progress/"})
    assert response["Location"] == "/progress/"
    assert Learner.objects.get().user == ada
    assert Attempt.objects.get().learner.user == ada


def test_leaving_it_out_deletes_it_and_the_account_keeps_only_its_own(client, ada):
    planted = browser_with_progress(client)  # e.g. a cookie someone left on a shared computer
    log_in(client)
    client.post(reverse("merge"), {"choice": "discard"})
    assert not Learner.objects.filter(pk=planted.pk).exists()
    assert not Attempt.objects.exists()
    assert "merge_offer" not in client.session


def test_a_browser_with_nothing_to_offer_logs_straight_in(client, ada):
    assert log_in(client)["Location"] == "/progress/"


def test_an_unknown_choice_is_400_and_changes_nothing(client, ada):
    anonymous = browser_with_progress(client)
    log_in(client)
    response = client.post(reverse("merge"), {"choice": "both"})
    assert response.status_code == 400 and "Choose one of the two buttons" in response.text
    assert Learner.objects.get(pk=anonymous.pk).user is None


def test_the_question_never_redirects_off_the_site(client, ada):
    browser_with_progress(client)
    log_in(client)
    response = client.post(reverse("merge"), {"choice": "add", "next": "https://evil.example/"})
    assert response["Location"] == "/progress/"


def test_an_unfinished_attempt_stays_the_latest_so_retry_always_works(client, ada, course):
    question = single_choice_questions(1)[0]
    account = Learner.objects.create(user=ada)
    open_attempt = Attempt.objects.create(
        learner=account, lesson=question.lesson, number=1, question_count=6
    )
    anonymous = Learner.objects.create()
    answer(anonymous, question, correct=True)  # a finished attempt at the same quiz
    session = client.session
    session["learner_id"] = anonymous.pk
    session.save()
    log_in(client)
    client.post(reverse("merge"), {"choice": "add"})
    latest = account.attempts.filter(lesson=question.lesson).latest("number")
    assert latest.pk == open_attempt.pk and latest.finished_at is None
    Attempt.objects.filter(pk=latest.pk).update(finished_at=timezone.now())
    client.post(reverse("lessons:retry", args=[question.lesson.slug]))
    assert account.attempts.filter(lesson=question.lesson, finished_at=None).count() == 1


def test_class_memberships_come_along_with_the_progress(client, ada, room):
    anonymous = browser_with_progress(client)
    Membership.objects.create(classroom=room, learner=anonymous, display_name="Ada L.")
    log_in(client)
    client.post(reverse("merge"), {"choice": "add"})
    assert Membership.objects.get().learner.user == ada
    teacher = Client()
    teacher.force_login(room.teacher)
    assert "Ada L." in teacher.get(reverse("teach:classroom", args=[room.pk])).text


def test_a_class_both_were_in_keeps_one_row_for_the_learner_and_no_removed_learner(
    client, ada, room
):
    """The account and this browser each joined the class: after adding, the teacher sees the
    account's row with both histories, not a "removed learner" for the browser's."""
    anonymous = browser_with_progress(client)
    Membership.objects.create(classroom=room, learner=anonymous, display_name="Ada (phone)")
    account = Learner.objects.create(user=ada)
    Membership.objects.create(classroom=room, learner=account, display_name="Ada L.")
    log_in(client)
    client.post(reverse("merge"), {"choice": "add"})
    assert list(room.memberships.values_list("learner__user", "display_name")) == [
        (ada.pk, "Ada L.")
    ]
    teacher = Client()
    teacher.force_login(room.teacher)
    page = teacher.get(reverse("teach:classroom", args=[room.pk])).text
    assert "removed learner" not in page
    assert "Learners (1)" in page
