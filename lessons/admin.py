from django.contrib import admin

from lessons.models import Answer, Attempt, Choice, GlossaryTerm, Learner, Lesson, Question


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "slug", "reading_minutes"]
    search_fields = ["title", "slug"]
    readonly_fields = [field.name for field in Lesson._meta.fields]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "slug"]
    search_fields = ["term", "slug"]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["slug", "lesson", "kind", "order", "retired"]
    list_filter = ["lesson", "kind", "retired"]
    search_fields = ["slug", "prompt"]
    inlines = [ChoiceInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["question", "response", "correct", "mark", "answered_at"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
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
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["attempt", "question", "correct", "mark", "answered_at"]
    list_filter = ["correct", "question__lesson", "question__kind"]


@admin.register(Learner)
class LearnerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "created_at"]
