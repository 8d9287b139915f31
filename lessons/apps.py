from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


def merge_progress(sender, request, user, **kwargs) -> None:
    from lessons import progress

    if request is not None:
        progress.merge_into_account(request, user)


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons and quizzes"

    def ready(self) -> None:
        user_logged_in.connect(merge_progress, dispatch_uid="lessons.merge_progress")
