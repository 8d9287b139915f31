from django.conf import settings
from django.db import models


class AccountName(models.Model):
    """The look-alike-folded key of an account's username (cvm_site.usernames.canonical).

    Unique in the database: two sign-ups racing for "Ada" and "aDA" cannot both succeed, whatever
    the forms checked before."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_name"
    )
    key = models.CharField(max_length=600, unique=True)

    def __str__(self) -> str:
        return self.key


class SignupRecord(models.Model):
    """One sign-up from one address: sign-ups per address are counted here, in the database every
    app server shares. Rows older than the window are purged."""

    address = models.GenericIPAddressField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


DISPLAY_NAME_MAX = 40
REMOVED_LEARNER = "removed learner"


class ClassroomQuerySet(models.QuerySet):
    def taught_by(self, user) -> "ClassroomQuerySet":
        """The classes `user` teaches: the only ones a teacher's pages ever look in."""
        return self.filter(teacher=user)


class Classroom(models.Model):
    """A teacher's group of learners, joined by a link with a code."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms"
    )
    name = models.CharField(max_length=80)
    code = models.CharField(max_length=16, unique=True)
    code_expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("teach", "Can run classes and see their learners' progress")]

    def __str__(self) -> str:
        return self.name

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class Membership(models.Model):
    """A learner in a class, under the name they chose for it. When the learner deletes their
    data the row stays, without learner or name, so the roster shows a removed learner."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    learner = models.ForeignKey(
        "lessons.Learner", null=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "learner"],
                condition=models.Q(learner__isnull=False),
                name="one_membership_per_learner",
            )
        ]

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        return self.display_name if self.learner_id else REMOVED_LEARNER


class QuestionTally(models.Model):
    """How many times a class's learners gave one outcome to one question, counted as answers are
    saved (cvm_site.tallies): the dashboard adds up these few rows instead of reading every
    answer the class ever gave. `outcome` is "answered", "correct" or "wrong:<choice key>"."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="tallies")
    question = models.ForeignKey("lessons.Question", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=80)
    times = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "question", "outcome"], name="one_tally_per_outcome"
            )
        ]

    def __str__(self) -> str:
        return f"{self.classroom_id} · {self.question_id} · {self.outcome}: {self.times}"
