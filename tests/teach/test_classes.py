"""A class from both sides: a teacher creates it and shares a link; learners join with a display
name (with or without an account), leave; the teacher removes, rotates the code, archives. Bad
input gets a worded 4xx, never a 500."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cvm_site.models import Classroom, Membership
from lessons.models import Learner
from tests.teach.conftest import PASSWORD, member


def join_url(room) -> str:
    return reverse("classes:join", args=[room.code])


def join(client, room, name="Ann"):
    return client.post(join_url(room), {"display_name": name})


def test_a_teacher_creates_a_class_and_gets_a_join_link_with_a_code(client, alice):
    client.force_login(alice)
    response = client.post(reverse("teach:index"), {"name": "Year 12, group B"}, follow=True)
    room = Classroom.objects.get(teacher=alice)
    assert room.name == "Year 12, group B" and len(room.code) == 8
    assert f"http://testserver/join/{room.code}/" in response.text


def test_an_anonymous_learner_joins_with_a_display_name_and_no_account(client, room):
    page = client.get(join_url(room))
    assert page.status_code == 200 and "Join Alice&#x27;s group" in page.text
    assert join(client, room, "  Ann   Lee ").status_code == 302
    membership = Membership.objects.get(classroom=room)
    assert membership.display_name == "Ann Lee" and membership.learner.user is None
    assert "Alice&#x27;s group" in client.get("/progress/").text


def test_a_learner_with_an_account_keeps_the_class_on_every_device(client, room, bob):
    client.force_login(bob)
    join(client, room, "Bob")
    laptop = Client()
    laptop.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert "Alice&#x27;s group" in laptop.get("/progress/").text
    assert Membership.objects.get().learner.user == bob


def test_the_join_form_suggests_the_name_the_account_used_before(client, room, alice, bob):
    client.force_login(bob)
    join(client, room, "Bobby")
    other = Classroom.objects.create(
        teacher=alice, name="Second", code="SECOND22", code_expires_at=room.code_expires_at
    )
    assert 'value="Bobby"' in client.get(join_url(other)).text


def test_joining_twice_is_409_with_words(client, room):
    join(client, room)
    response = join(client, room, "Ann again")
    assert response.status_code == 409
    assert "You are already in this class" in response.text
    assert Membership.objects.count() == 1


def test_a_wrong_code_is_404_with_words(client, db):
    response = client.get(reverse("classes:join", args=["NOSUCHCODE"]))
    assert response.status_code == 404
    assert "No class has this join code" in response.text


def test_a_code_in_lower_case_still_works(client, room):
    assert client.get(reverse("classes:join", args=[room.code.lower()])).status_code == 200


def test_an_expired_code_is_410_with_words(client, room):
    Classroom.objects.filter(pk=room.pk).update(code_expires_at=timezone.now() - timedelta(days=1))
    response = join(client, room)
    assert response.status_code == 410 and "This join link has expired" in response.text
    assert Membership.objects.count() == 0


def test_a_rotated_code_stops_the_old_link_at_once(client, alice, room):
    old = join_url(room)
    client.force_login(alice)
    client.post(reverse("teach:rotate", args=[room.pk]))
    room.refresh_from_db()
    assert Client().get(old).status_code == 404
    assert Client().get(join_url(room)).status_code == 200


def test_an_archived_class_takes_nobody_new_and_keeps_its_results(client, alice, room):
    member(room, "Ann")
    client.force_login(alice)
    client.post(reverse("teach:archive", args=[room.pk]))
    response = join(Client(), room)
    assert response.status_code == 410 and "This class is closed" in response.text
    assert "Ann" in client.get(reverse("teach:classroom", args=[room.pk])).text


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 10_000, "at most 40 characters"),
        ("", "This field is required"),
        ("\u200b\u2060  \t", "Write a name your teacher will recognise"),
        ("Ann\u0000", "Null characters are not allowed"),
    ],
    ids=["10000-characters", "empty", "invisible", "null-character"],
)
def test_a_bad_display_name_is_400_with_words(client, room, name, message):
    response = join(client, room, name)
    assert response.status_code == 400
    assert message in response.text
    assert Membership.objects.count() == 0
    assert Learner.objects.count() == 0  # nothing is made for a refused form


def test_a_display_name_with_markup_is_shown_as_text_everywhere(client, alice, room):
    name = '<img src=x onerror="alert(1)">'
    join(Client(), room, name)
    client.force_login(alice)
    page = client.get(reverse("teach:classroom", args=[room.pk])).text
    assert name not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_a_learner_leaves_a_class(client, room):
    join(client, room)
    response = client.post(reverse("classes:leave", args=[room.pk]))
    assert response.status_code == 302
    assert Membership.objects.count() == 0


def test_leaving_a_class_one_is_not_in_is_404(client, room):
    member(room, "Ann")
    assert client.post(reverse("classes:leave", args=[room.pk])).status_code == 404
    assert client.post(reverse("classes:leave", args=[987654])).status_code == 404
    assert Membership.objects.count() == 1


def test_a_teacher_removes_a_learner(client, alice, room):
    membership = member(room, "Ann")
    client.force_login(alice)
    client.post(reverse("teach:remove", args=[room.pk, membership.pk]))
    assert Membership.objects.count() == 0
    assert Learner.objects.filter(pk=membership.learner_id).exists()  # their progress stays


def test_teacher_actions_refuse_get(client, alice, room):
    client.force_login(alice)
    assert client.get(reverse("teach:archive", args=[room.pk])).status_code == 405
