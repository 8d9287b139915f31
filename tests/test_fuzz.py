"""Every endpoint that takes input answers arbitrary input without a 500.

One test client serves all of a test's examples, its cookies cleared between them: a new client
per example would rebuild the middleware (and whitenoise's file index) every time."""

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SAFE = {200, 302, 400, 403, 404, 405, 409}
# Logins and sign-ups are throttled: after enough of them, 429 says "wait".
THROTTLED = SAFE | {429}
text = st.text(max_size=80)
forms = st.dictionaries(
    st.sampled_from(["username", "password", "password1", "password2", "next", "attempt", "x"]),
    st.one_of(text, st.lists(text, max_size=3)),
    max_size=5,
)


@FUZZ
@given(data=forms)
def test_signup_never_fails(client, course, data):
    client.cookies.clear()
    assert client.post("/accounts/signup/", data).status_code in THROTTLED


@FUZZ
@given(data=forms)
def test_login_never_fails(client, course, data):
    client.cookies.clear()
    assert client.post("/accounts/login/", data).status_code in THROTTLED


@FUZZ
@given(data=forms, email=st.one_of(text, st.emails()))
def test_password_reset_never_fails(client, course, data, email):
    client.cookies.clear()
    assert client.post("/accounts/password_reset/", {**data, "email": email}).status_code in SAFE


@FUZZ
@given(data=forms, lesson=st.sampled_from(["architecture", "containers", "nope"]))
def test_retry_never_fails(client, course, data, lesson):
    client.cookies.clear()
    assert client.post(f"/lessons/{lesson}/quiz/retry", data).status_code in SAFE


@FUZZ
@given(
    segment=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#"),
        max_size=60,
    ),
    page=st.sampled_from(
        ["/lessons/{}/", "/lessons/{}/quiz/", "/lessons/architecture/quiz/{}/answer"]
    ),
)
def test_any_lesson_or_question_path_never_fails(client, course, segment, page):
    client.cookies.clear()
    path = page.format(quote(segment))
    response = client.post(path, {}) if path.endswith("answer") else client.get(path)
    assert response.status_code in SAFE


@FUZZ
@given(
    query=st.dictionaries(text, text, max_size=4),
    path=st.sampled_from(["/", "/glossary/", "/progress/", "/healthz"]),
)
def test_pages_ignore_arbitrary_query_strings(client, course, query, path):
    client.cookies.clear()
    assert client.get(path, query).status_code == 200


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from([f"layer-{n}" for n in range(1, 9)] + ["x"]),
        st.one_of(text, st.sampled_from(["hardware", "host-os", "guest-os", "app", "kata"])),
        max_size=8,
    )
)
def test_the_challenge_preview_never_fails(client, course, query):
    client.cookies.clear()
    url = "/lessons/architecture/quiz/fit-a-hundred/preview"
    assert client.get(url, query).status_code in {200, 400}
