"""Every lesson renders in the site layout, with navigation, a diagram or table, and read state."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from lessons.models import Lesson
from tests.lessons.test_quiz import RIGHT, answer


def lesson_url(slug: str) -> str:
    return reverse("lessons:lesson", args=[slug])


def pager(rel: str, slug: str) -> str:
    """The previous or next link of a lesson's pager, as markup."""
    title = escape(Lesson.objects.get(slug=slug).title)
    label = "Previous" if rel == "prev" else "Next"
    return (
        f'<a rel="{rel}" href="/lessons/{slug}/"><span class="pager__label">{label}</span> '
        f"{title}</a>"
    )


class TestOutline:
    """The home page lists every lesson with its summary and whether this learner has read it."""

    def test_it_lists_every_lesson_with_its_summary(self, client, course):
        response = client.get(reverse("lessons:outline"))
        assert response.status_code == 200
        for lesson in course:
            assert escape(lesson.title) in response.text
            assert escape(lesson.summary) in response.text

    def test_it_marks_the_lessons_this_learner_has_read(self, client, course):
        cache.clear()  # reading memos are keyed by learner id, which test databases reuse
        answer(client, RIGHT[0])  # a learner is made by a first answer, never by a page view
        client.get(lesson_url("containers"))
        response = client.get(reverse("lessons:outline"))
        assert response.text.count("Not read yet") == len(course) - 1
        assert "1 of 9 lessons read" in response.text

    def test_read_state_belongs_to_one_session(self, client, course, django_user_model):
        from django.test import Client

        client.get(lesson_url("containers"))
        other = Client().get(reverse("lessons:outline"))
        assert other.text.count("Not read yet") == len(course)


class TestLessonPage:
    @pytest.mark.parametrize(
        "slug",
        [
            "introduction",
            "virtual-machines",
            "containers",
            "architecture",
            "key-differences",
            "performance",
            "use-cases",
            "devops",
            "conclusion",
        ],
    )
    def test_every_lesson_renders_with_objectives_contents_and_reading_time(
        self, client, course, slug
    ):
        lesson = Lesson.objects.get(slug=slug)
        response = client.get(lesson_url(slug))
        assert response.status_code == 200
        assertContains(response, f'<h1 id="lesson-title">{escape(lesson.title)}</h1>', html=True)
        assert "In this lesson you will learn to" in response.text
        for objective in lesson.objectives:
            assertContains(response, f"<li>{escape(objective['text'])}</li>", html=True)
        assert f"{lesson.reading_minutes} min read" in response.text
        for entry in lesson.toc:
            assert f'href="#{entry["id"]}"' in response.text
            assert f'id="{entry["id"]}"' in response.text

    def test_the_vm_lesson_draws_the_vm_stack_bottom_up(self, client, course):
        response = client.get(lesson_url("virtual-machines"))
        text = response.text
        stack = text[text.index('<ol class="stack"') :]
        names = ["Hardware", "Host OS", "Hypervisor", "Guest OS"]
        positions = [stack.index(name) for name in names]
        assert positions == sorted(positions)

    def test_the_architecture_lesson_draws_both_stacks(self, client, course):
        response = client.get(lesson_url("architecture"))
        assert response.text.count('<ol class="stack"') >= 2
        assert "Container runtime" in response.text
        assert "Hypervisor" in response.text

    def test_the_key_differences_table_is_a_real_table(self, client, course):
        response = client.get(lesson_url("key-differences"))
        assert "<caption>" in response.text
        assert '<th scope="col">' in response.text
        assert response.text.count('<th scope="row">') == 7

    def test_the_first_lesson_has_only_a_next_link(self, client, course):
        response = client.get(lesson_url("introduction"))
        assertContains(response, pager("next", "virtual-machines"), html=True)
        assert 'rel="prev"' not in response.text

    def test_a_middle_lesson_links_both_ways(self, client, course):
        response = client.get(lesson_url("containers"))
        assertContains(response, pager("prev", "virtual-machines"), html=True)
        assertContains(response, pager("next", "architecture"), html=True)

    def test_the_last_lesson_has_only_a_previous_link(self, client, course):
        response = client.get(lesson_url("conclusion"))
        assert 'rel="prev"' in response.text
        assert 'rel="next"' not in response.text

    def test_it_shows_lesson_position_in_the_course(self, client, course):
        response = client.get(lesson_url("architecture"))
        assert "Lesson 4 of 9" in response.text


class TestNotFound:
    """An unknown lesson is a 404 in the site's layout; odd slugs never reach the database."""

    @pytest.mark.parametrize(
        "path",
        [
            "/lessons/no-such-lesson/",
            "/lessons/Containers/",
            "/lessons/..%2F..%2Fetc%2Fpasswd/",
            "/lessons/a_b/",
            "/lessons/" + "a" * 400 + "/",
            "/lessons/%00/",
        ],
    )
    def test_it_answers_404_in_the_site_layout(self, client, course, path):
        response = client.get(path)
        assert response.status_code == 404
        assert "We could not find that page" in response.text
        assert 'href="#main"' in response.text

    def test_it_checks_the_slug_before_any_query(self, client, django_assert_num_queries, db):
        with django_assert_num_queries(0):
            response = client.get("/lessons/Not_A_Slug/")
        assert response.status_code == 404

    def test_it_rejects_a_post_to_a_lesson(self, client, course):
        assert client.post(lesson_url("containers")).status_code == 405


class TestGlossary:
    def test_it_defines_each_term_once_with_an_anchor(self, client, course):
        from lessons.models import GlossaryTerm

        response = client.get(reverse("lessons:glossary"))
        assert response.status_code == 200
        for term in GlossaryTerm.objects.all():
            assert response.text.count(f'id="{term.slug}"') == 1

    def test_it_defines_the_terms_the_course_relies_on(self, client, course):
        from lessons.models import GlossaryTerm

        required = {"kernel", "hypervisor", "guest-os", "namespace", "cgroup", "container-runtime",
                    "image", "isolation"}  # fmt: skip
        assert required <= set(GlossaryTerm.objects.values_list("slug", flat=True))


class TestCachedLessonPage:
    """Every reader gets the lesson page from one cache; each still gets marked as a reader,
    their own nonce and their own account links, never someone else's."""

    def test_a_second_reader_of_a_cached_page_is_marked_as_having_read_it(self, course):
        from django.test import Client

        first, second = Client(), Client()
        answer(second, RIGHT[0])  # a learner is made by a first answer, never by a page view
        first.get(lesson_url("performance"))
        second.get(lesson_url("performance"))
        assert "1 of 9 lessons read" in second.get(reverse("lessons:outline")).text

    def test_a_logged_in_reader_gets_their_own_header(self, client, course, django_user_model):
        client.get(lesson_url("use-cases"))  # caches the anonymous page
        django_user_model.objects.create_user("ada", password="a-long-pass-phrase-42")
        client.login(username="ada", password="a-long-pass-phrase-42")
        text = client.get(lesson_url("use-cases")).text
        assert "Log out ada" in text

    def test_a_page_first_rendered_for_an_account_names_no_one_to_the_next_reader(
        self, client, course, django_user_model
    ):
        django_user_model.objects.create_user("zqx-reader", password="a-long-pass-phrase-42")
        client.login(username="zqx-reader", password="a-long-pass-phrase-42")
        assertContains(client.get(lesson_url("devops")), "Log out zqx-reader")
        from django.test import Client

        anonymous = Client().get(lesson_url("devops"))
        assertNotContains(anonymous, "zqx-reader")
        assertNotContains(anonymous, "csrfmiddlewaretoken")
        assertContains(anonymous, f'<a href="{reverse("login")}">Log in</a>', html=True)

    def test_each_response_carries_its_own_nonce(self, course):
        from django.test import Client

        nonces = set()
        for _ in range(2):
            response = Client().get(lesson_url("performance"))
            nonces.add(response.text.split('nonce="')[1].split('"')[0])
            assert "nonce-placeholder" not in response.text
        assert len(nonces) == 2
