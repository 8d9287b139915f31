from django.conf import settings
from django.db import models
from django.utils.html import escape
from django.utils.safestring import mark_safe


class LessonQuerySet(models.QuerySet):
    def outline(self) -> "LessonQuerySet":
        """The columns the course outline and the previous/next links need, in course order."""
        return self.only("slug", "order", "title", "summary", "reading_minutes").order_by("order")


class Lesson(models.Model):
    """One section of the course. Loaded from lessons/content/*.md by `manage.py loadcontent`."""

    slug = models.SlugField(max_length=64, unique=True)
    order = models.PositiveSmallIntegerField(db_index=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    objectives = models.JSONField(default=list)
    key_terms = models.JSONField(default=list)
    # Rendered and sanitised once, at load time: requests never run Markdown.
    body_html = models.TextField()
    toc = models.JSONField(default=list)
    reading_minutes = models.PositiveSmallIntegerField()
    simulator_preset = models.CharField(max_length=64, blank=True)
    simulator_compare = models.CharField(max_length=64, blank=True)
    course_version = models.CharField(max_length=16, blank=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title

    def neighbours(self) -> dict:
        """Where this lesson sits in the course: its position and the lessons either side."""
        outline = list(Lesson.objects.outline())
        index = next(i for i, item in enumerate(outline) if item.pk == self.pk)
        return {
            "position": index + 1,
            "total": len(outline),
            "previous": outline[index - 1] if index > 0 else None,
            "next": outline[index + 1] if index + 1 < len(outline) else None,
        }


class GlossaryTerm(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    term = models.CharField(max_length=100)
    definition_html = models.TextField()

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


class Question(models.Model):
    """One quiz question, loaded from lessons/content/quizzes/<lesson>.yaml."""

    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Select all that apply"
        TRUE_FALSE = "truefalse", "True or false"
        ORDERING = "ordering", "Ordering"
        CHALLENGE = "challenge", "Simulator challenge"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(max_length=64)
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The lesson objective (its id in the lesson's front matter) this question assesses.
    objective = models.SlugField(max_length=64, blank=True)
    prompt = models.TextField()
    # The prompt as inline Markdown rendered and sanitised at load time.
    prompt_html = models.TextField(default="")
    explanation_html = models.TextField()
    reread = models.CharField(max_length=100, help_text="Anchor of the lesson section to reread")
    simulator_preset = models.CharField(max_length=64, blank=True)
    # Kind-specific grading data: the true/false answer, the ordering's items in their right
    # order, a challenge's instances, host memory, constraints and what it teaches; for the kinds
    # with one wrong answer, its `misconception` and `feedback_html`. Never sent to the page.
    spec = models.JSONField(default=dict)
    # A question that left the files but has answers is retired rather than deleted.
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["lesson__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "slug"], name="unique_question_per_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.lesson.slug}: {self.slug}"

    @property
    def shown_prompt(self) -> str:
        """The prompt as the page shows it: sanitised HTML from the loader."""
        return mark_safe(self.prompt_html) if self.prompt_html else escape(self.prompt)

    @property
    def hint(self) -> str:
        """Words the prompt needs beside it: a select-all question says so once."""
        if self.kind == self.Kind.MULTIPLE and "all that apply" not in self.prompt:
            return "select all that apply"
        return ""


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    # "<question slug>-<letter>": a choice sent with another question is recognisably foreign.
    key = models.CharField(max_length=72)
    text = models.TextField()
    text_html = models.TextField(default="")
    correct = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField()
    # A wrong choice names the misconception it reveals (a short label a teacher reads) and
    # answers it; where the simulator shows the counterexample, it links that state.
    misconception = models.CharField(max_length=120, blank=True)
    feedback_html = models.TextField(blank=True)
    simulator_url = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="unique_choice_key")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def shown(self) -> str:
        """The choice as the page shows it: sanitised HTML from the loader."""
        return mark_safe(self.text_html) if self.text_html else escape(self.text)


class Learner(models.Model):
    """Whoever reads lessons and takes quizzes: anonymous (the session holds only this row's id)
    or tied to an account. Everything they did hangs off this row: `readings` and `attempts`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Answers sent at once from a browser that has no learner yet (quick clicks before the first
    # response set the session cookie) all carry the same CSRF cookie: a keyed hash of it finds
    # the one learner the first of them made (lessons.progress.current_learner).
    browser_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )

    def __str__(self) -> str:
        return self.user.get_username() if self.user else f"Anonymous learner {self.pk}"

    def read_slugs(self) -> frozenset[str]:
        return frozenset(self.readings.values_list("lesson__slug", flat=True))


class Reading(models.Model):
    """A learner opened a lesson: recorded once, at the first visit."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="readings")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="readings")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lesson__order"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="one_reading_per_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.learner} read {self.lesson.slug}"


class AttemptQuerySet(models.QuerySet):
    def best_first(self) -> "AttemptQuerySet":
        """The highest score first; of equal scores, the earlier attempt."""
        return self.order_by("-score", "number")

    def counts_by_lesson(self) -> dict[int, int]:
        """lesson id → how many attempts."""
        rows = self.order_by().values_list("lesson_id").annotate(count=models.Count("pk"))
        return dict(rows)

    def best_by_lesson(self) -> dict[int, "Attempt"]:
        """lesson id → the best attempt at that lesson's quiz."""
        best: dict[int, Attempt] = {}
        for attempt in self.best_first():
            best.setdefault(attempt.lesson_id, attempt)
        return best


class Attempt(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="attempts")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    question_count = models.PositiveSmallIntegerField()
    answered = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What this attempt drew from the lesson's pool: {"questions": [question ids], "seed": n}.
    # Kept so a reload shows the same questions, with their choices in the same order.
    draw = models.JSONField(default=dict)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["lesson__order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson", "number"], name="unique_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["learner", "lesson"],
                condition=models.Q(finished_at__isnull=True),
                name="one_open_attempt_per_quiz",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.lesson.slug} · attempt {self.number}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def percent(self) -> int:
        return round(100 * self.score / max(1, self.question_count))


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    response = models.JSONField()
    correct = models.BooleanField()
    mark = models.PositiveSmallIntegerField()
    feedback = models.JSONField(default=list)
    # The misconceptions this answer revealed (labels from the quiz file), for teachers to count.
    misconceptions = models.JSONField(default=list)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attempt", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question.slug}"
