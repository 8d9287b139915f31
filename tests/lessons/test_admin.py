"""The admin: staff browse questions and attempts with filters; the course's own rows (lessons,
glossary terms, questions), which `loadcontent` writes from the files, are read-only there; and
no admin form stores markup that a page then shows as markup."""

import json
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from lessons.models import Answer, Attempt, GlossaryTerm, Learner, Lesson, Question

CONTENT_MODELS = (Lesson, GlossaryTerm, Question)
MARKUP = '<b id="stored-markup" hx-get="/admin/" hx-trigger="load">stored</b>'


@pytest.fixture
def attempts(course, django_user_model):
    """Two learners' attempts at the containers quiz: one open with a wrong answer, one finished
    with a right one."""
    lesson = Lesson.objects.get(slug="containers")
    first, second = lesson.questions.all()[:2]
    user = django_user_model.objects.create_user("learner", password="a-long-pass-phrase-42")
    still_open = Attempt.objects.create(
        learner=Learner.objects.create(user=user), lesson=lesson, number=1, question_count=5
    )
    finished = Attempt.objects.create(
        learner=Learner.objects.create(),
        lesson=lesson,
        number=1,
        question_count=5,
        finished_at=timezone.now(),
    )
    wrong = Answer.objects.create(
        attempt=still_open, question=first, response={}, correct=False, mark=0
    )
    right = Answer.objects.create(
        attempt=finished, question=second, response={}, correct=True, mark=1
    )
    return {"open": still_open, "finished": finished, "wrong": wrong, "right": right}


def ordering_lesson() -> Lesson:
    return Question.objects.filter(kind="ordering").first().lesson


# What a filtered list must show: (the list's URL, the rows it lists, how a row shows on the page).
LISTS = {
    "every question": (
        lambda a: "/admin/lessons/question/",
        lambda a: Question.objects.all(),
        lambda row: row.slug,
    ),
    "challenges": (
        lambda a: "/admin/lessons/question/?kind__exact=challenge",
        lambda a: Question.objects.filter(kind="challenge"),
        lambda row: row.slug,
    ),
    "one lesson's ordering questions": (
        lambda a: (
            f"/admin/lessons/question/?lesson__id__exact={ordering_lesson().pk}"
            "&kind__exact=ordering"
        ),
        lambda a: Question.objects.filter(lesson=ordering_lesson(), kind="ordering"),
        lambda row: row.slug,
    ),
    "every attempt": (
        lambda a: "/admin/lessons/attempt/",
        lambda a: Attempt.objects.all(),
        lambda row: str(row.learner),
    ),
    "unfinished attempts": (
        lambda a: "/admin/lessons/attempt/?finished_at__isempty=1",
        lambda a: Attempt.objects.filter(pk=a["open"].pk),
        lambda row: str(row.learner),
    ),
    "wrong answers": (
        lambda a: "/admin/lessons/answer/?correct__exact=0",
        lambda a: Answer.objects.filter(pk=a["wrong"].pk),
        lambda row: str(row.attempt),
    ),
    "lessons": (
        lambda a: "/admin/lessons/lesson/",
        lambda a: Lesson.objects.all(),
        lambda row: row.title,
    ),
    "glossary search": (
        lambda a: "/admin/lessons/glossaryterm/?q=kernel",
        lambda a: GlossaryTerm.objects.filter(
            Q(term__icontains="kernel") | Q(slug__icontains="kernel")
        ),
        lambda row: row.term,
    ),
}


@pytest.mark.parametrize("name", list(LISTS))
def test_staff_see_the_rows_a_filter_selects_and_only_those(admin_client, attempts, name):
    url, expected = (make(attempts) for make in LISTS[name][:2])
    shown = LISTS[name][2]
    response = admin_client.get(url)

    changelist = response.context["cl"]
    assert expected.exists()
    assert changelist.result_count == expected.count()
    assert set(changelist.result_list) <= set(expected)
    for row in changelist.result_list:
        assert str(shown(row)) in response.text


def test_the_challenge_filter_leaves_other_kinds_out(admin_client, course):
    text = admin_client.get("/admin/lessons/question/?kind__exact=challenge").text
    assert "fit-a-hundred" in text
    assert "container-boundary" not in text


def test_a_learner_cannot_open_the_admin(client, course):
    assert client.get("/admin/lessons/question/").status_code == 302


class TestContentIsReadOnly:
    """Lessons, glossary terms and questions come from lessons/content/: the admin shows them
    and refuses to add, change or delete one, even for a superuser."""

    @pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.model_name)
    def test_a_superuser_sees_a_row_but_cannot_add_change_or_delete_it(
        self, admin_client, course, model
    ):
        name = f"admin:lessons_{model._meta.model_name}"
        row = model.objects.first()
        before = model.objects.filter(pk=row.pk).values().get()

        page = admin_client.get(reverse(f"{name}_change", args=[row.pk]))
        assert page.status_code == 200
        assert 'name="_save"' not in page.text
        assert admin_client.get(reverse(f"{name}_add")).status_code == 403
        assert admin_client.post(reverse(f"{name}_change", args=[row.pk]), {}).status_code == 403
        assert (
            admin_client.post(reverse(f"{name}_delete", args=[row.pk]), {"post": "yes"}).status_code
            == 403
        )
        assert model.objects.filter(pk=row.pk).values().get() == before

    @pytest.mark.parametrize("model", (Attempt, Answer), ids=lambda m: m._meta.model_name)
    def test_a_superuser_sees_a_learners_attempt_or_answer_but_cannot_change_or_delete_it(
        self, admin_client, attempts, model
    ):
        """A record of what a learner did: class figures count answers as they were saved."""
        name = f"admin:lessons_{model._meta.model_name}"
        row = model.objects.first()
        before = model.objects.filter(pk=row.pk).values().get()
        assert admin_client.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200
        assert admin_client.get(reverse(f"{name}_add")).status_code == 403
        assert admin_client.post(reverse(f"{name}_change", args=[row.pk]), {}).status_code == 403
        deleting = admin_client.post(reverse(f"{name}_delete", args=[row.pk]), {"post": "yes"})
        assert deleting.status_code == 403
        assert model.objects.filter(pk=row.pk).values().get() == before

    def test_staff_allowed_to_edit_glossary_terms_cannot_store_a_definition(
        self, client, course, django_user_model
    ):
        """The account of the attack in tests/browser/test_stored_markup.py."""
        from django.contrib.auth.models import Permission

        mallory = django_user_model.objects.create_user("mallory", password="x" * 20, is_staff=True)
        mallory.user_permissions.add(Permission.objects.get(codename="change_glossaryterm"))
        client.force_login(mallory)
        term = GlossaryTerm.objects.first()
        url = reverse("admin:lessons_glossaryterm_change", args=[term.pk])

        response = client.post(
            url, {"slug": term.slug, "term": term.term, "definition_html": MARKUP, "_save": "Save"}
        )

        assert response.status_code == 403
        term.refresh_from_db()
        assert "stored-markup" not in term.definition_html


class AdminForm(HTMLParser):
    """The fields a browser would send with an admin page's form (the one whose id ends in
    "_form"), each with its kind: "text" for what a person types, "other" for the rest. With
    `complete`, an empty choice or number is filled in, as someone completing the form would."""

    TYPED = {"text", "email", "url", "search", "tel", "password"}

    def __init__(self, html: str, complete: bool = False) -> None:
        super().__init__()
        self.complete = complete
        self.fields: list[tuple[str, str, str]] = []
        self._inside = False
        self._textarea: list | None = None
        self._select: dict | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        if tag == "form":
            self._inside = attributes.get("id", "").endswith("_form")
        elif not self._inside or (not name and tag != "option"):
            return
        elif tag == "input":
            kind = attributes.get("type", "text")
            if kind in self.TYPED:
                self.fields.append((name, attributes.get("value", ""), "text"))
            elif kind == "hidden" or (kind in {"checkbox", "radio"} and "checked" in attributes):
                self.fields.append((name, attributes.get("value", "on"), "other"))
            elif kind == "number":
                value = attributes.get("value", "") or ("1" if self.complete else "")
                self.fields.append((name, value, "other"))
            elif kind not in {"checkbox", "radio", "submit", "button", "file", "image", "reset"}:
                self.fields.append((name, attributes.get("value", ""), "other"))
        elif tag == "textarea":
            self._textarea = [name, ""]
        elif tag == "select":
            self._select = {"name": name, "options": [], "chosen": []}
        elif tag == "option" and self._select is not None:
            self._select["options"].append(attributes.get("value", ""))
            if "selected" in attributes:
                self._select["chosen"].append(attributes.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea[0], self._textarea[1].strip("\n"), "text"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = [value for value in select["chosen"] if value]
            real = [value for value in select["options"] if value]
            if self.complete and not chosen:
                chosen = real[:1]
            for value in chosen or select["chosen"] or select["options"][:1]:
                self.fields.append((select["name"], value, "other"))


def with_markup(value: str) -> str:
    """Markup in place of what a person would type; inside JSON where the field holds JSON."""
    try:
        current = json.loads(value)
    except ValueError:
        return MARKUP
    if isinstance(current, list):
        return json.dumps([MARKUP])
    if isinstance(current, dict):
        return json.dumps(dict.fromkeys(current, MARKUP) or {"x": MARKUP})
    return json.dumps(MARKUP)


def try_to_store_markup(admin_client, url: str) -> int:
    """Post the form at `url` once for each field a person types into, with markup in that field
    and every other field as the page filled it in (then once more, completed); the number of
    posts."""
    page = admin_client.get(url)
    assert page.status_code in {200, 403}, url
    if page.status_code == 403:
        return 0
    posts = 0
    for complete in (False, True):
        fields = AdminForm(page.text, complete).fields
        typed = [index for index, (_, _, kind) in enumerate(fields) if kind == "text"]
        for target in typed:
            data: dict[str, list[str]] = {"_save": ["Save"]}
            for index, (name, value, _) in enumerate(fields):
                data.setdefault(name, []).append(with_markup(value) if index == target else value)
            assert admin_client.post(url, data).status_code in {200, 302, 403}, url
            posts += 1
    return posts


def test_no_admin_form_stores_markup_that_a_page_shows(admin_client, client, attempts):
    """Every model the admin registers, its add form and the change form of one of its rows: markup
    typed into every field either is refused or comes out of every page escaped."""
    Group.objects.create(name="teachers")
    posts = 0
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        posts += try_to_store_markup(admin_client, reverse(f"{name}_add"))
        row = model.objects.first()
        if row is not None:
            posts += try_to_store_markup(admin_client, reverse(f"{name}_change", args=[row.pk]))
    assert posts >= 10  # the forms that can be posted were: users, groups, learners, answers…

    for model in CONTENT_MODELS:
        for field in model._meta.fields:
            if field.name.endswith("_html"):
                assert not model.objects.filter(**{f"{field.name}__contains": "stored-markup"})
    client.force_login(attempts["open"].learner.user)
    lessons = list(Lesson.objects.values_list("slug", flat=True))
    paths = ["/", "/glossary/", "/progress/"]
    paths += [f"/lessons/{slug}/" for slug in lessons] + [
        f"/lessons/{slug}/quiz/" for slug in lessons
    ]
    for path in paths:
        response = client.get(path)
        assert 'id="stored-markup"' not in response.text, path
