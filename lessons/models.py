from django.db import models


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

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title


class GlossaryTerm(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    term = models.CharField(max_length=100)
    definition_html = models.TextField()

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term
