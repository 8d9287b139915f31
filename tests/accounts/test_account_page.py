"""The account page links everything an account holder may do with their account and data; a
teacher finds their classes from every page."""

from django.contrib.auth.models import User
from django.urls import reverse


def test_the_account_page_links_password_data_and_deletion(client, db):
    client.force_login(User.objects.create_user("ada", email="ada@example.org"))
    text = client.get(reverse("account")).text
    for name in ("password_change", "export", "delete", "lessons:progress"):
        assert f'href="{reverse(name)}"' in text
    assert "ada@example.org" in text
    assert reverse("teach:index") not in text


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    assert client.get(reverse("account"))["Location"].startswith("/accounts/login/")


def test_a_teacher_sees_a_teach_link_in_the_navigation(client, alice):
    client.force_login(alice)
    assert f'href="{reverse("teach:index")}"' in client.get("/").text
