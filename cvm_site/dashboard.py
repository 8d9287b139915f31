"""A class's results for its teacher: per learner, per question, per lesson; and the CSV export.

Every figure comes from a fixed number of grouped queries over the class's learners, so a class
of 500 costs the same number of queries as a class of 5 (tests/teach/test_dashboard.py)."""

import csv
from collections import Counter, defaultdict

from django.db.models import Count, Max, Q
from django.http import StreamingHttpResponse
from plotly.io.json import to_json_plotly

from cvm_site.models import Classroom, Membership
from lessons.models import Answer, Attempt, Choice, Learner, Lesson, Question
from simulator.charts import BASE_LAYOUT

# A quiz counts as passed when the learner's best attempt scored at least this share.
PASS_SHARE = 0.8
WRONG_CHOICES_SHOWN = 3


def _members(room: Classroom) -> list[Membership]:
    return list(room.memberships.order_by("display_name", "pk"))


def _scope(room: Classroom) -> dict:
    """A filter on Attempt: the attempts of this class's current learners."""
    return {"learner__memberships__classroom": room}


def _best_attempts(room: Classroom) -> dict[int, dict[int, dict]]:
    """learner id → lesson id → {score, out_of, attempts, last}."""
    rows = (
        Attempt.objects.filter(**_scope(room))
        .order_by()
        .values("learner_id", "lesson_id")
        .annotate(
            best=Max("score"),
            out_of=Max("question_count"),
            attempts=Count("pk", distinct=True),
            last=Max("started_at"),
        )
    )
    table: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows:
        table[row["learner_id"]][row["lesson_id"]] = row
    return table


def _last_answers(room: Classroom) -> dict[int, object]:
    rows = (
        Answer.objects.filter(**{f"attempt__{k}": v for k, v in _scope(room).items()})
        .order_by()
        .values_list("attempt__learner_id")
        .annotate(last=Max("answered_at"))
    )
    return dict(rows)


def _readings(members: list[Membership]) -> dict[int, set[str]]:
    """learner id → slugs of the lessons they read."""
    ids = [m.learner_id for m in members if m.learner_id]
    learners = Learner.objects.filter(pk__in=ids).values_list("pk", "read_lessons")
    return {pk: set(slugs or ()) for pk, slugs in learners}


def learner_rows(room: Classroom, lessons: list[Lesson]) -> list[dict]:
    members = _members(room)
    best = _best_attempts(room)
    last_answer = _last_answers(room)
    read = _readings(members)
    rows = []
    for member in members:
        scores = best.get(member.learner_id, {})
        activity = [row["last"] for row in scores.values()]
        if member.learner_id in last_answer:
            activity.append(last_answer[member.learner_id])
        rows.append(
            {
                "member": member,
                "name": member.shown_name,
                "read": len(read.get(member.learner_id, ())),
                "read_slugs": read.get(member.learner_id, set()),
                "scores": [scores.get(lesson.pk) for lesson in lessons],
                "attempts": sum(row["attempts"] for row in scores.values()),
                "last_activity": max(activity, default=None),
            }
        )
    return rows


def lesson_rates(rows: list[dict], lessons: list[Lesson]) -> list[dict]:
    """Per lesson: the share of the class that read it and that passed its quiz."""
    present = [row for row in rows if row["member"].learner_id]
    size = len(present) or 1
    rates = []
    for index, lesson in enumerate(lessons):
        read = sum(lesson.slug in row["read_slugs"] for row in present)
        passed = sum(
            1
            for row in present
            if (score := row["scores"][index]) and score["best"] >= PASS_SHARE * score["out_of"]
        )
        rates.append(
            {
                "lesson": lesson,
                "read": round(100 * read / size),
                "passed": round(100 * passed / size),
            }
        )
    return rates


def _misconception(question: Question, choice: Choice | None) -> str:
    """What a wrong answer reveals: the chosen choice's label, or the question's own for kinds
    with one wrong answer (true/false, ordering, challenge)."""
    label = getattr(choice, "misconception", "") if choice is not None else ""
    return label or question.spec.get("misconception", "")


def _wrong_picks(scope: dict) -> dict[int, Counter]:
    """question id → Counter of wrong choice keys (or "" for a wrong answer without choices),
    grouped in the database by the response's choice fields."""
    rows = (
        Answer.objects.filter(correct=False, **scope)
        .order_by()
        .values("question_id", "response__choice", "response__choices")
        .annotate(times=Count("pk"))
    )
    picks: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        keys = row["response__choices"] or [row["response__choice"] or ""]
        for key in keys:
            picks[row["question_id"]][key] += row["times"]
    return picks


def question_rows(room: Classroom, lessons: list[Lesson]) -> list[dict]:
    """Per question answered in this class: the share correct and the most-chosen wrong
    choices, each with the misconception it reveals."""
    scope = {f"attempt__{k}": v for k, v in _scope(room).items()}
    totals = {
        row["question_id"]: row
        for row in Answer.objects.filter(**scope)
        .order_by()
        .values("question_id")
        .annotate(answers=Count("pk"), right=Count("pk", filter=Q(correct=True)))
    }
    picks = _wrong_picks(scope)
    questions = Question.objects.filter(pk__in=totals).select_related("lesson")
    choices = {(c.question_id, c.key): c for c in Choice.objects.filter(question_id__in=totals)}
    rows = []
    for question in sorted(questions, key=lambda q: (q.lesson.order, q.order)):
        total = totals[question.pk]
        wrong = []
        for key, times in picks[question.pk].most_common(WRONG_CHOICES_SHOWN):
            choice = choices.get((question.pk, key))
            wrong.append(
                {
                    "text": choice.text if choice else _wrong_answer_words(question, key),
                    "times": times,
                    "misconception": _misconception(question, choice),
                }
            )
        rows.append(
            {
                "question": question,
                "answers": total["answers"],
                "correct": round(100 * total["right"] / total["answers"]),
                "wrong": wrong,
            }
        )
    return rows


def _wrong_answer_words(question: Question, key: str) -> str:
    if question.kind == Question.Kind.TRUE_FALSE and key in ("true", "false"):
        return key.capitalize()
    return {"ordering": "A wrong order", "challenge": "A stack that fails"}.get(
        question.kind, "A wrong answer"
    )


def rates_chart(rates: list[dict]) -> str:
    """Read and pass rates per lesson as grouped horizontal bars (the table beside has them)."""
    titles = [rate["lesson"].title for rate in rates]
    traces = [
        ("Read the lesson", "read", "#1d4ed8"),
        (f"Passed the quiz (≥ {PASS_SHARE:.0%})", "passed", "#15803d"),
    ]
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": titles,
                "x": [rate[key] for rate in rates],
                "marker": {"color": colour},
                "hovertemplate": "%{y}: %{x}%<extra>" + name + "</extra>",
            }
            for name, key, colour in traces
        ],
        "layout": {
            **BASE_LAYOUT,
            "barmode": "group",
            "height": 80 + 48 * len(rates),
            "margin": {**BASE_LAYOUT["margin"], "l": 260},
            "xaxis": {"title": {"text": "Share of the class (%)"}, "range": [0, 100]},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "legend": {"orientation": "h", "y": -0.2},
        },
    }
    return to_json_plotly(figure)


def build(room: Classroom) -> dict:
    lessons = list(Lesson.objects.outline())
    learners = learner_rows(room, lessons)
    rates = lesson_rates(learners, lessons)
    return {
        "lessons": lessons,
        "learners": learners,
        "questions": question_rows(room, lessons),
        "rates": rates,
        "rates_chart": rates_chart(rates),
        "pass_share": PASS_SHARE,
    }


class _Echo:
    """csv.writer writes each row here and gets the line back, ready to stream."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    """A spreadsheet must not read a learner's name as a formula (=HYPERLINK(...) and the like)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(room: Classroom):
    lessons = list(Lesson.objects.outline())
    writer = csv.writer(_Echo())
    yield writer.writerow(
        [
            "Learner",
            "Lessons read",
            *[f"Best: {lesson.title}" for lesson in lessons],
            "Attempts",
            "Last activity (UTC)",
        ]
    )
    for row in learner_rows(room, lessons):
        scores = [f"{s['best']}/{s['out_of']}" if s else "" for s in row["scores"]]
        last = row["last_activity"].strftime("%Y-%m-%d %H:%M") if row["last_activity"] else ""
        yield writer.writerow([_cell(row["name"]), row["read"], *scores, row["attempts"], last])


def csv_response(room: Classroom) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_rows(room), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="class-{room.pk}-learners.csv"'
    return response
