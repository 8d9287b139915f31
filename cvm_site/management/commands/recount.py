"""`manage.py recount [CLASS_ID ...]`: recount classes' per-question counts from their answers.

The counts are kept as answers are saved; rows written around the ORM's signals (a bulk insert,
a queryset update outside `tallies.recounted`, a restore from a partial backup) can leave them
out of step until a request notices. This finds the classes whose counts differ from their
answers, says which, and recounts them."""

from django.core.management.base import BaseCommand, CommandError

from cvm_site import tallies
from cvm_site.models import Classroom


class Command(BaseCommand):
    help = "Recount classes' per-question counts from their answers (all classes, or those named)."

    def add_arguments(self, parser):
        parser.add_argument("class_ids", nargs="*", type=int, metavar="CLASS_ID")

    def handle(self, *args, class_ids: list[int], **options):
        rooms = Classroom.objects.order_by("pk")
        if class_ids:
            rooms = rooms.filter(pk__in=class_ids)
            missing = sorted(set(class_ids) - set(rooms.values_list("pk", flat=True)))
            if missing:
                ids = ", ".join(map(str, missing))
                raise CommandError(f"No class has the id{'s' if len(missing) > 1 else ''} {ids}.")
        stale = [
            room for room in rooms if tallies.class_counts(room.pk) != tallies.from_answers(room.pk)
        ]
        tallies.rebuild(room.pk for room in stale)
        for room in stale:
            self.stdout.write(
                f"Recounted class {room.pk} ({room.name}): its counts were out of step."
            )
        checked = rooms.count()
        self.stdout.write(
            f"{checked} class{'es' if checked != 1 else ''} checked, {len(stale)} recounted."
        )
