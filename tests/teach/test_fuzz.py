"""Every class and account-data endpoint answers arbitrary input without a 500 (as
tests/test_fuzz.py does for the rest of the site)."""

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_fuzz import SAFE as SITE_SAFE

# 410: a join link to an archived class or an expired code.
SAFE = SITE_SAFE | {410}
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.text(max_size=120)
forms = st.dictionaries(
    st.sampled_from(["display_name", "name", "confirm", "password", "x"]),
    st.one_of(text, st.lists(text, max_size=3)),
    max_size=4,
)
segment = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#"), max_size=40
)
CLASS_ACTIONS = ["", "learners.csv", "rotate", "archive", "remove/1", "remove/999999"]


@FUZZ
@given(data=forms, code=st.one_of(segment, st.just("")))
def test_joining_never_fails(client, room, data, code):
    client.cookies.clear()
    for target in (quote(code) or "x", room.code):
        assert client.post(f"/join/{target}/", data).status_code in SAFE
        assert client.get(f"/join/{target}/").status_code in SAFE


@FUZZ
@given(data=forms, pk=st.integers(min_value=-5, max_value=10**12))
def test_leaving_and_deleting_never_fail(client, room, data, pk):
    client.cookies.clear()
    assert client.post(f"/classes/{pk}/leave", data).status_code in SAFE
    assert client.post("/accounts/me/delete", data).status_code in SAFE


@FUZZ
@given(data=forms, action=st.sampled_from(CLASS_ACTIONS), other=st.booleans())
def test_teacher_pages_never_fail(client, alice, room, data, action, other):
    client.force_login(alice)
    pk = room.pk if not other else room.pk + 1000
    assert client.post("/teach/", data).status_code in SAFE
    assert client.post(f"/teach/classes/{pk}/{action}", data).status_code in SAFE
    assert client.get(f"/teach/classes/{pk}/{action}").status_code in SAFE
