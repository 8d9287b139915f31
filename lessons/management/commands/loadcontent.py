from django.core.management.base import BaseCommand, CommandError

from lessons import content


class Command(BaseCommand):
    help = "Load lessons and the glossary from lessons/content/ (safe to run again)."

    def handle(self, *args, **options) -> None:
        try:
            report = content.sync()
        except content.ContentError as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
