from django.contrib import admin

from lessons.models import Answer, Attempt, Choice, GlossaryTerm, Learner, Lesson, Question


class FromContentFiles:
    """Rows `loadcontent` writes from lessons/content/, shown and never changed here: the files
    are the source of truth (the next load would undo an edit), and the pages show their HTML as
    it is, so only the sanitiser at load time may write it. Anyone who may change a row may
    still view it."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class WhatLearnersDid(FromContentFiles):
    """Attempts and answers are a record of what a learner did, shown and never changed here:
    an edited answer would no longer be the one given, its attempt's score would disagree with
    it, and class figures count answers as they were saved (cvm_site/tallies.py). A learner's
    data goes with the learner (or the user) as a whole."""


@admin.register(Lesson)
class LessonAdmin(FromContentFiles, admin.ModelAdmin):
    list_display = ["order", "title", "slug", "reading_minutes"]
    search_fields = ["title", "slug"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(FromContentFiles, admin.ModelAdmin):
    list_display = ["term", "slug"]
    search_fields = ["term", "slug"]


class ChoiceInline(FromContentFiles, admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(FromContentFiles, admin.ModelAdmin):
    list_display = ["slug", "lesson", "kind", "order", "retired"]
    list_filter = ["lesson", "kind", "retired"]
    search_fields = ["slug", "prompt"]
    inlines = [ChoiceInline]


class AnswerInline(WhatLearnersDid, admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["question", "response", "correct", "mark", "answered_at"]


@admin.register(Attempt)
class AttemptAdmin(WhatLearnersDid, admin.ModelAdmin):
    list_display = [
        "learner",
        "lesson",
        "number",
        "score",
        "answered",
        "question_count",
        "finished_at",
    ]
    list_filter = ["lesson", ("finished_at", admin.EmptyFieldListFilter), "started_at"]
    date_hierarchy = "started_at"
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(WhatLearnersDid, admin.ModelAdmin):
    list_display = ["attempt", "question", "correct", "mark", "answered_at"]
    list_filter = ["correct", "question__lesson", "question__kind"]


@admin.register(Learner)
class LearnerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "created_at"]
