"""A learner's own data: downloaded whole as JSON, and deleted whole (with the account), after
which class rosters show "removed learner"."""

import json

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from cvm_site.models import Membership
from lessons.models import Answer, Attempt, Learner
from tests.teach.conftest import PASSWORD, answer, member, single_choice_questions


def test_an_account_downloads_all_its_data_as_json(client, room):
    bob = User.objects.create_user("bob", email="bob@example.org", password=PASSWORD)
    question = single_choice_questions(1)[0]
    membership = member(room, "Bob B.", user=bob)
    answer(membership.learner, question, correct=True)
    client.force_login(bob)
    response = client.get(reverse("export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == "bob@example.org"
    attempt = data["learner"]["attempts"][0]
    assert attempt["answers"][0]["question"] == question.slug
    assert data["learner"]["classes"][0]["your_name_in_it"] == "Bob B."


def test_an_anonymous_learner_downloads_this_browsers_data(client, room):
    client.post(reverse("classes:join", args=[room.code]), {"display_name": "Ann"})
    data = json.loads(client.get(reverse("export")).content)
    assert "account" not in data
    assert data["learner"]["classes"][0]["class"] == "Alice's group"


def test_a_visitor_with_no_data_gets_an_almost_empty_file(client, db):
    assert set(json.loads(client.get(reverse("export")).content)) == {"exported_at"}


def test_deleting_an_account_takes_its_progress_and_leaves_a_removed_learner_on_rosters(
    client, alice, room
):
    bob = User.objects.create_user("bob", password=PASSWORD)
    membership = member(room, "Bob B.", user=bob)
    answer(membership.learner, single_choice_questions(1)[0], correct=True)
    client.force_login(bob)
    refused = client.post(reverse("delete"), {"confirm": "on", "password": "not-my-password"})
    assert refused.status_code == 400 and "That is not your password" in refused.text
    response = client.post(reverse("delete"), {"confirm": "on", "password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(username="bob").exists()
    assert (Learner.objects.count(), Attempt.objects.count(), Answer.objects.count()) == (0, 0, 0)
    assert "_auth_user_id" not in client.session
    membership.refresh_from_db()
    assert (membership.learner, membership.display_name) == (None, "")
    teacher = Client()
    teacher.force_login(alice)
    text = teacher.get(reverse("teach:classroom", args=[room.pk])).text
    assert "removed learner" in text and "Bob B." not in text


def test_an_anonymous_learner_deletes_this_browsers_progress(client, room):
    client.post(reverse("classes:join", args=[room.code]), {"display_name": "Ann"})
    assert client.post(reverse("delete"), {"confirm": "on"}).status_code == 302
    assert Learner.objects.count() == 0
    assert Membership.objects.get().shown_name == "removed learner"


def test_deleting_needs_the_box_ticked(client, room):
    client.post(reverse("classes:join", args=[room.code]), {"display_name": "Ann"})
    assert client.post(reverse("delete"), {}).status_code == 400
    assert Learner.objects.count() == 1


def test_the_progress_page_says_which_classes_and_what_teachers_see(client, room):
    client.post(reverse("classes:join", args=[room.code]), {"display_name": "Ann"})
    text = client.get("/progress/").text
    assert "Alice&#x27;s group" in text and "taught by alice" in text
    assert "Your teachers see" in text
    assert reverse("export") in text and reverse("delete") in text
