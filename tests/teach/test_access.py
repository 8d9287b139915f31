"""Who may open which teacher page: anonymous visitors are sent to log in, learners get 403, and
a teacher sees only their own classes: another teacher's class is a 404 on every URL."""

import pytest
from django.urls import reverse

from tests.teach.conftest import member

GET_PAGES = ["teach:classroom", "teach:csv"]
POST_PAGES = ["teach:rotate", "teach:archive"]


def class_urls(room, membership):
    urls = [(reverse(name, args=[room.pk]), "get") for name in GET_PAGES]
    urls += [(reverse(name, args=[room.pk]), "post") for name in POST_PAGES]
    urls.append((reverse("teach:remove", args=[room.pk, membership.pk]), "post"))
    return urls


@pytest.fixture
def every_url(room):
    return [(reverse("teach:index"), "get"), *class_urls(room, member(room, "Ann"))]


def test_an_anonymous_visitor_is_sent_to_log_in_from_every_teacher_page(client, every_url):
    for url, method in every_url:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_a_learner_gets_403_on_every_teacher_page(client, bob, every_url):
    client.force_login(bob)
    for url, method in every_url:
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert "Only teachers can open this page" in response.text


def test_another_teachers_class_is_404_on_every_class_url(client, trudy, room):
    membership = member(room, "Ann")
    client.force_login(trudy)
    for url, method in class_urls(room, membership):
        assert getattr(client, method)(url).status_code == 404, url
    room.refresh_from_db()
    assert room.archived_at is None and room.memberships.count() == 1


def test_a_class_that_does_not_exist_is_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("teach:classroom", args=[999999])).status_code == 404


def test_a_teacher_lists_only_their_own_classes(client, alice, trudy, room):
    client.force_login(trudy)
    assert "Alice&#x27;s group" not in client.get(reverse("teach:index")).text
    client.force_login(alice)
    assert "Alice&#x27;s group" in client.get(reverse("teach:index")).text


def test_createteacher_grants_the_permission_through_the_teachers_group(alice, bob):
    assert alice.has_perm("cvm_site.teach")
    assert not bob.has_perm("cvm_site.teach")
    assert alice.groups.filter(name="Teachers").exists()
