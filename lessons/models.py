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
