"""`manage.py purge`: delete what the site no longer needs. Safe to run as often as you like
(from cron, say nightly); prints what it deleted."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cvm_site import tallies
from cvm_site.models import Membership, SignupRecord
from lessons.models import Answer, Attempt, Learner, Reading

# Sign-ups are counted per address over the last hour; a day's margin, then they go.
SIGNUP_RECORDS_KEPT = timedelta(days=1)


def idle_anonymous_learners(cutoff):
    """Learners without an account who made nothing since `cutoff` and are in no open class."""
    recent_attempt = Attempt.objects.filter(learner=OuterRef("pk"), started_at__gte=cutoff)
    recent_answer = Answer.objects.filter(attempt__learner=OuterRef("pk"), answered_at__gte=cutoff)
    recent_reading = Reading.objects.filter(learner=OuterRef("pk"), read_at__gte=cutoff)
    open_class = Membership.objects.filter(learner=OuterRef("pk"), classroom__archived_at=None)
    return Learner.objects.filter(user=None, created_at__lt=cutoff).exclude(
        Exists(recent_attempt) | Exists(recent_answer) | Exists(recent_reading) | Exists(open_class)
    )


class Command(BaseCommand):
    help = (
        "Delete expired sessions, anonymous learners idle for --days (default "
        "ANONYMOUS_IDLE_DAYS) who are in no open class, and old sign-up records."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.ANONYMOUS_IDLE_DAYS)

    def handle(self, *args, days: int, **options):
        if days < 1:
            self.stderr.write("--days must be 1 or more.")
            raise SystemExit(2)
        now = timezone.now()
        sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
        learners = idle_anonymous_learners(now - timedelta(days=days))
        # Only learners in a (closed) class count in class figures: those are recounted.
        in_class = Membership.objects.filter(learner__in=learners).values_list("learner_id")
        with tallies.recounted([pk for (pk,) in in_class]):
            Membership.objects.filter(learner__in=learners).update(learner=None, display_name="")
            idle = learners.count()
            learners.delete()
        signups, _ = SignupRecord.objects.filter(created_at__lt=now - SIGNUP_RECORDS_KEPT).delete()
        self.stdout.write(
            f"Deleted {sessions} expired sessions, {idle} anonymous learners idle for {days} "
            f"days (with their progress) and {signups} old sign-up records."
        )
