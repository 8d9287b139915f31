"""`manage.py purge` deletes expired sessions, anonymous learners idle past the limit (never an
account's, never one active since, never one in an open class) and old sign-up records."""

import io
from datetime import timedelta

from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from cvm_site.models import Membership, SignupRecord
from lessons.models import Attempt, Learner
from tests.teach.conftest import answer, member, single_choice_questions


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


def aged(learner: Learner, days: int) -> Learner:
    Learner.objects.filter(pk=learner.pk).update(created_at=timezone.now() - timedelta(days=days))
    return learner


def test_expired_sessions_go_and_live_ones_stay(db):
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.create()
    Session.objects.filter(pk=expired.session_key).update(expire_date=timezone.now() - timedelta(1))
    purge()
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]


def test_idle_anonymous_learners_go_with_their_progress(db):
    question = single_choice_questions(1)[0]
    idle = aged(Learner.objects.create(), 40)
    answer(idle, question, correct=True)
    Attempt.objects.filter(learner=idle).update(started_at=timezone.now() - timedelta(40))
    idle.attempts.get().answers.update(answered_at=timezone.now() - timedelta(40))
    active = aged(Learner.objects.create(), 40)
    answer(active, question, correct=True)  # answered today
    account = aged(Learner.objects.create(user=User.objects.create_user("ada")), 40)
    new = Learner.objects.create()
    assert "1 anonymous learners idle for 30 days" in purge("--days", "30")
    assert set(Learner.objects.values_list("pk", flat=True)) == {active.pk, account.pk, new.pk}
    assert not Attempt.objects.filter(learner_id=idle.pk).exists()


def test_a_learner_in_an_open_class_stays_and_one_in_an_archived_class_goes(room):
    kept = aged(member(room, "Ann").learner, 40)
    purge("--days", "30")
    assert Learner.objects.filter(pk=kept.pk).exists()
    room.archived_at = timezone.now()
    room.save()
    purge("--days", "30")
    assert not Learner.objects.filter(pk=kept.pk).exists()
    assert Membership.objects.get().shown_name == "removed learner"


def test_old_sign_up_records_go(db):
    SignupRecord.objects.create(address="192.0.2.1")
    old = SignupRecord.objects.create(address="192.0.2.2")
    SignupRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    purge()
    assert list(SignupRecord.objects.values_list("address", flat=True)) == ["192.0.2.1"]
