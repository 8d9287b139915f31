"""A class's results for its teacher: per learner, per question, per lesson; and the CSV export.

Every figure comes from a fixed number of grouped queries, so a class of 500 costs the same
number of queries as a class of 5 (tests/teach/test_dashboard.py); the learner table shows a page
of learners at a time, the CSV export streams them all."""

import csv
from collections import Counter, defaultdict

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Sum
from django.http import StreamingHttpResponse
from django.utils.text import Truncator
from plotly.io.json import to_json_plotly

from cvm_site import tallies
from cvm_site.models import Classroom, Membership
from lessons.models import Answer, Attempt, Choice, Lesson, Question, Reading
from simulator.charts import BASE_LAYOUT

# A quiz counts as passed when the learner's best attempt scored at least this share.
PASS_SHARE = 0.8
WRONG_CHOICES_SHOWN = 3
PAGE_SIZE = 50  # learners per page of the class table (the CSV has them all)
CSV_CHUNK = 200
FIGURES_CACHE_SECONDS = 600
QUESTION_FIELDS = ("lesson_id", "order", "kind", "prompt", "prompt_html", "spec")
CHOICE_FIELDS = ("question_id", "key", "text", "text_html", "misconception")


def _best_attempts(learner_ids: list[int]) -> dict[int, dict[int, dict]]:
    """learner id → lesson id → {best, out_of, attempts, last}."""
    rows = (
        Attempt.objects.filter(learner_id__in=learner_ids)
        .order_by()
        .values("learner_id", "lesson_id")
        .annotate(
            best=Max("score"),
            out_of=Max("question_count"),
            attempts=Count("pk"),
            last=Max("started_at"),
        )
    )
    table: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows:
        table[row["learner_id"]][row["lesson_id"]] = row
    return table


def _last_answers(learner_ids: list[int]) -> dict[int, object]:
    rows = (
        Answer.objects.filter(attempt__learner_id__in=learner_ids)
        .order_by()
        .values_list("attempt__learner_id")
        .annotate(last=Max("answered_at"))
    )
    return dict(rows)


def _readings(learner_ids) -> dict[int, set[str]]:
    """learner id → slugs of the lessons they read (`learner_ids` a list or a subquery)."""
    read: dict[int, set[str]] = {}
    rows = Reading.objects.filter(learner_id__in=learner_ids).values_list(
        "learner_id", "lesson__slug"
    )
    for learner_id, slug in rows:
        read.setdefault(learner_id, set()).add(slug)
    return read


def learner_rows(members: list[Membership], lessons: list[Lesson]) -> list[dict]:
    """One row per membership: lessons read, best score per quiz, attempts, last activity. Four
    queries, whatever the number of members (the dashboard passes one page of them)."""
    ids = [m.learner_id for m in members if m.learner_id]
    best = _best_attempts(ids)
    last_answer = _last_answers(ids)
    read = _readings(ids)
    rows = []
    for member in members:
        scores = best.get(member.learner_id, {})
        per_lesson = [scores.get(lesson.pk) for lesson in lessons]
        activity = [row["last"] for row in scores.values()]
        if member.learner_id in last_answer:
            activity.append(last_answer[member.learner_id])
        rows.append(
            {
                "member": member,
                "name": member.shown_name,
                "read": len(read.get(member.learner_id, ())),
                "scores": per_lesson,
                # As the table shows them, made here once: a page has hundreds of these cells.
                "cells": [f"{s['best']}/{s['out_of']}" if s else "" for s in per_lesson],
                "attempts": sum(row["attempts"] for row in scores.values()),
                "last_activity": max(activity, default=None),
            }
        )
    return rows


def lesson_rates(room: Classroom, lessons: list[Lesson]) -> list[dict]:
    """Per lesson: the share of the class that read it and that passed its quiz."""
    class_learners = room.memberships.exclude(learner=None).values("learner_id")
    # One row per lesson: a learner reads a lesson once (Reading is unique per learner and lesson).
    read = dict(
        Reading.objects.filter(learner_id__in=class_learners)
        .order_by()
        .values_list("lesson_id")
        .annotate(count=Count("pk"))
    )
    # The lesson of each (learner, quiz) whose best attempt passed: the database keeps the rest.
    passing = (
        Attempt.objects.filter(learner_id__in=class_learners)
        .order_by()
        .values("learner_id", "lesson_id")
        .annotate(best=Max("score"), out_of=Max("question_count"))
        .filter(best__gte=ExpressionWrapper(F("out_of") * PASS_SHARE, output_field=FloatField()))
        .values_list("lesson_id", flat=True)
    )
    passed = Counter(passing)
    size = room.memberships.exclude(learner=None).count() or 1
    return [
        {
            "lesson": lesson,
            "read": round(100 * read.get(lesson.pk, 0) / size),
            "passed": round(100 * passed[lesson.pk] / size),
        }
        for lesson in lessons
    ]


def _misconception(question: Question, choice: Choice | None) -> str:
    """What a wrong answer reveals: the chosen choice's label, or the question's own for kinds
    with one wrong answer (true/false, ordering, challenge)."""
    label = getattr(choice, "misconception", "") if choice is not None else ""
    return label or question.spec.get("misconception", "")


def _answer_counts(room: Classroom) -> tuple[dict[int, list[int]], dict[int, Counter]]:
    """question id → [answers, correct], and question id → Counter of wrong choice keys ("" for
    a wrong answer without choices). From the class's kept counts: one query over a few rows
    per question, however many answers the class gave."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    picks: dict[int, Counter] = defaultdict(Counter)
    for (question_id, outcome), times in tallies.class_counts(room.pk).items():
        if outcome == tallies.ANSWERED:
            totals[question_id][0] += times
        elif outcome == tallies.CORRECT:
            totals[question_id][1] += times
        else:
            picks[question_id][outcome.removeprefix(tallies.WRONG)] += times
    return totals, picks


def _most_chosen(picks: Counter) -> list[tuple[str, int]]:
    """The most-chosen wrong choices; of equal counts, in key order (the same on every view)."""
    return sorted(picks.items(), key=lambda item: (-item[1], item[0]))[:WRONG_CHOICES_SHOWN]


def question_rows(room: Classroom, lessons: list[Lesson] | None = None) -> list[dict]:
    """Per question answered in this class: the share correct and the most-chosen wrong
    choices, each with the misconception it reveals."""
    totals, picks = _answer_counts(room)
    # Only the columns shown: the figures are cached (pickled), so a question must not carry its
    # explanation, nor its lesson's whole body.
    by_id = {lesson.pk: lesson for lesson in lessons or Lesson.objects.outline()}
    questions = Question.objects.filter(pk__in=totals).order_by().only(*QUESTION_FIELDS)
    # A wrong select-all answer may include right choices: every picked key is shown by its text.
    picked = Choice.objects.filter(question_id__in=totals).order_by().only(*CHOICE_FIELDS)
    choices = {(c.question_id, c.key): c for c in picked}
    for question in questions:
        question.lesson = by_id[question.lesson_id]
    rows = []
    for question in sorted(questions, key=lambda q: (q.lesson.order, q.order)):
        answers, right = totals[question.pk]
        wrong = []
        for key, times in _most_chosen(picks[question.pk]):
            choice = choices.get((question.pk, key))
            wrong.append(
                {
                    "text": choice.shown if choice else _wrong_answer_words(question, key),
                    "times": times,
                    "misconception": _misconception(question, choice),
                }
            )
        rows.append(
            {
                "question": question,
                "answers": answers,
                "correct": round(100 * right / answers),
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
    # Numbered and shortened: the labels must leave the bars room on a phone.
    titles = [
        f"{n}. {Truncator(rate['lesson'].title).chars(24)}" for n, rate in enumerate(rates, 1)
    ]
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
            "margin": {**BASE_LAYOUT["margin"], "l": 190},
            "xaxis": {"title": {"text": "Share of the class (%)"}, "range": [0, 100]},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "legend": {"orientation": "h", "y": -0.2},
        },
    }
    return to_json_plotly(figure)


def class_version(room: Classroom) -> str:
    """Changes whenever the class's figures can: a member joins or leaves, an answer is saved,
    an attempt starts or goes, a lesson is read. Three small aggregate queries."""
    members = room.memberships.exclude(learner=None)
    learners = members.values("learner_id")
    attempts = Attempt.objects.filter(learner_id__in=learners).aggregate(
        count=Count("pk"), answered=Sum("answered"), last=Max("pk")
    )
    readings = Reading.objects.filter(learner_id__in=learners).aggregate(
        count=Count("pk"), last=Max("pk")
    )
    people = members.aggregate(count=Count("pk"), last=Max("pk"))
    values = (*attempts.values(), *readings.values(), *people.values())
    return ".".join(str(value) for value in values)


def class_figures(room: Classroom, lessons: list[Lesson]) -> dict:
    """The class-wide figures (per lesson, per question): the costly part of the page, so kept
    in the cache until the class's version moves on."""
    key = f"class-figures:{room.pk}:{class_version(room)}"
    figures = cache.get(key)
    if figures is None:
        rates = lesson_rates(room, lessons)
        figures = {
            "rates": rates,
            "rates_chart": rates_chart(rates),
            "questions": question_rows(room, lessons),
        }
        cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return figures


def build(room: Classroom, page_number=None) -> dict:
    """Everything the class page shows; the learner table one page at a time."""
    lessons = list(Lesson.objects.outline())
    page = Paginator(room.memberships.order_by("display_name", "pk"), PAGE_SIZE).get_page(
        page_number
    )
    return {
        "lessons": lessons,
        "page": page,
        "learners": learner_rows(list(page.object_list), lessons),
        "pass_share": PASS_SHARE,
        **class_figures(room, lessons),
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
    """The header, then the learners a page at a time: memory stays flat for any class."""
    lessons = list(Lesson.objects.outline())
    writer = csv.writer(_Echo())
    titles = [f"Best: {lesson.title}" for lesson in lessons]
    yield writer.writerow(["Learner", "Lessons read", *titles, "Attempts", "Last activity (UTC)"])
    paginator = Paginator(room.memberships.order_by("display_name", "pk"), CSV_CHUNK)
    for number in paginator.page_range:
        members = list(paginator.page(number).object_list)
        for row in learner_rows(members, lessons):
            last = row["last_activity"]
            when = last.strftime("%Y-%m-%d %H:%M") if last else ""
            yield writer.writerow(
                [_cell(row["name"]), row["read"], *row["cells"], row["attempts"], when]
            )


def csv_response(room: Classroom) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_rows(room), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="class-{room.pk}-learners.csv"'
    return response
