from django.urls import path, register_converter
from django.urls.converters import StringConverter
from django.views.generic.base import RedirectView

from lessons import views


class LessonSlugConverter(StringConverter):
    """Lowercase words joined by hyphens: anything else is a 404 before a query runs."""

    regex = "[a-z0-9]{1,32}(?:-[a-z0-9]{1,32}){0,7}"


register_converter(LessonSlugConverter, "lesson")

app_name = "lessons"
urlpatterns = [
    path("", views.outline, name="outline"),
    # A learner who trims a lesson's URL to /lessons/ finds the course outline.
    path("lessons/", RedirectView.as_view(pattern_name="lessons:outline"), name="lessons"),
    path("lessons/<lesson:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<lesson:slug>/quiz/", views.quiz_page, name="quiz"),
    path("lessons/<lesson:slug>/quiz/retry", views.retry, name="retry"),
    path("lessons/<lesson:slug>/quiz/<lesson:question>/answer", views.answer, name="answer"),
    path(
        "lessons/<lesson:slug>/quiz/<lesson:question>/preview",
        views.challenge_preview,
        name="preview",
    ),
    path("glossary/", views.glossary, name="glossary"),
    path("progress/", views.progress_page, name="progress"),
]
