"""Quiz files (lessons/content/quizzes/<lesson>.yaml) read and checked, question by question.

Each question assesses one of its lesson's objectives; every wrong choice (or the wrong answer of
a true/false, ordering or challenge question) names the misconception it reveals and answers it.
Prompts and choices are inline Markdown; feedback and explanations are Markdown; all may quote the
simulator's catalogue with [[figure:layer.figure]].
"""

from pathlib import Path

import yaml
from django.urls import reverse

from lessons import grading
from lessons.loading import SLUG, ContentError, Text, require
from lessons.models import Question
from simulator import links
from simulator.engine import DEFAULT_HOST_MEMORY_MB, LAYERS, PRESETS

QUESTION_KINDS = {kind.value for kind in Question.Kind}
MISCONCEPTION_CHARS = 80


def simulator_link(value: object, where: str) -> str:
    """A choice's `simulator`: a preset's slug, or a query string ("?stack=…") the simulator
    page accepts as it stands; the URL that shows it."""
    if isinstance(value, str) and value in PRESETS:
        return links.preset_url(value)
    if isinstance(value, str) and value.startswith("?"):
        problems = links.query_problems(value[1:])
        if not problems:
            return reverse("simulator:page") + value
        raise ContentError(f"{where}: simulator link '{value}': {'; '.join(problems)}")
    raise ContentError(f"{where}: simulator '{value}' is neither a preset nor a '?…' query.")


def _check_kind(entry: dict, where: str) -> None:
    kind = entry.get("type")
    choices = entry.get("choices") or []
    right = sum(bool(choice.get("correct")) for choice in choices)
    if kind == "single" and (len(choices) < 2 or right != 1):
        raise ContentError(f"{where}: a single-choice question needs 2+ choices, 1 correct.")
    if kind == "multiple" and (len(choices) < 2 or right < 1):
        raise ContentError(f"{where}: select-all needs 2+ choices, at least one right.")
    if kind == "truefalse" and not isinstance(entry.get("answer"), bool):
        raise ContentError(f"{where}: a true-or-false question needs 'answer: true' or false.")
    if kind == "ordering":
        items = entry.get("items") or []
        if len(items) < 2 or len(set(items)) != len(items) or not set(items) <= set(LAYERS):
            raise ContentError(f"{where}: ordering items must be 2+ distinct layer slugs.")
    if kind == "challenge":
        constraints = entry.get("constraints") or {}
        if not constraints or not set(constraints) <= set(grading.CONSTRAINTS):
            raise ContentError(
                f"{where}: constraints must be some of {sorted(grading.CONSTRAINTS)}."
            )
        if not any(
            grading.grade_challenge(_grading_spec(entry), preset.layers).correct
            for preset in PRESETS.values()
        ):
            raise ContentError(f"{where}: no preset meets this challenge; is it solvable?")


def _check_wrong_answers(entry: dict, where: str) -> None:
    """Every wrong answer names the misconception it reveals and answers it."""
    wrong = [
        (f"{where} choice {index}", choice)
        for index, choice in enumerate(entry.get("choices") or [], start=1)
        if not choice.get("correct")
    ]
    if entry["type"] in ("truefalse", "ordering", "challenge"):
        wrong.append((where, entry))
    for place, answer in wrong:
        if not answer.get("misconception") or not answer.get("feedback"):
            raise ContentError(
                f"{place}: a wrong answer needs a 'misconception' and the 'feedback' that "
                "answers it."
            )
    if entry["type"] == "challenge" and not entry.get("teaches"):
        raise ContentError(f"{where}: a challenge says what it 'teaches'.")


def check_objectives(entries: list[dict], objectives: set[str], source: str) -> None:
    """Every question assesses an objective, and every objective has two variants or more."""
    for entry in entries:
        if not entry.get("objective"):
            raise ContentError(f"{source} {entry.get('slug')}: needs the 'objective' it assesses.")
    for objective in sorted(objectives):
        variants = [entry["slug"] for entry in entries if entry["objective"] == objective]
        if len(variants) < 2:
            raise ContentError(
                f"{source}: objective '{objective}' needs two questions or more (variants for "
                f"a retry); it has {len(variants)}."
            )


def check_question(entry: dict, where: str, anchors: set[str], objectives: set[str]) -> None:
    if entry.get("type") not in QUESTION_KINDS:
        raise ContentError(f"{where}: type must be one of {sorted(QUESTION_KINDS)}.")
    if entry.get("reread") not in anchors:
        raise ContentError(
            f"{where}: reread '{entry.get('reread')}' is not a section of the lesson."
        )
    if entry.get("simulator") and entry["simulator"] not in PRESETS:
        raise ContentError(f"{where}: simulator '{entry['simulator']}' is not a preset.")
    if "objective" in entry and entry["objective"] not in objectives:
        raise ContentError(
            f"{where}: objective '{entry['objective']}' is not one of the lesson's objectives "
            f"({', '.join(sorted(objectives))})."
        )
    _check_kind(entry, where)
    _check_wrong_answers(entry, where)


def _grading_spec(entry: dict) -> dict:
    kind = entry["type"]
    if kind == "truefalse":
        return {"answer": entry["answer"]}
    if kind == "ordering":
        return {"items": list(entry["items"])}
    if kind == "challenge":
        return {
            "instances": int(entry.get("instances", 1)),
            "host_memory_mb": int(entry.get("host_memory_mb", DEFAULT_HOST_MEMORY_MB)),
            "constraints": dict(entry["constraints"]),
        }
    return {}


def _misconception(entry: dict, where: str, text: Text) -> dict:
    """A wrong answer's misconception label and its feedback, when the file gives them."""
    label = entry.get("misconception")
    if label is None and entry.get("feedback") is None:
        return {}
    if not isinstance(label, str) or not label or len(label) > MISCONCEPTION_CHARS:
        raise ContentError(f"{where}: misconception must be a label of 1–80 characters.")
    feedback = require(entry, "feedback", str, where)
    return {"misconception": label, "feedback_html": text.block(feedback, f"{where} feedback")}


def _spec(entry: dict, where: str, text: Text) -> dict:
    spec = _grading_spec(entry)
    if entry["type"] in ("truefalse", "ordering", "challenge"):
        spec |= _misconception(entry, where, text)
    if entry["type"] == "challenge" and entry.get("teaches"):
        spec["teaches"] = require(entry, "teaches", str, where)
    return spec


def _choice(slug: str, index: int, entry: dict, where: str, text: Text) -> dict:
    where = f"{where} choice {index + 1}"
    correct = bool(entry.get("correct"))
    wrong = {} if correct else _misconception(entry, where, text)
    link = simulator_link(entry["simulator"], where) if entry.get("simulator") else ""
    return {
        "key": f"{slug}-{chr(97 + index)}",
        "text": require(entry, "text", str, where),
        "text_html": text.inline(entry["text"], where),
        "correct": correct,
        "order": index,
        "misconception": wrong.get("misconception", ""),
        "feedback_html": wrong.get("feedback_html", ""),
        "simulator_url": link,
    }


def read_question(entry: dict, order: int, where: str, text: Text) -> dict:
    """A checked question entry as the rows `content` saves."""
    slug = entry["slug"]
    prompt = require(entry, "prompt", str, where)
    explanation = require(entry, "explanation", str, where)
    return {
        "slug": slug,
        "values": {
            "order": order,
            "kind": entry["type"],
            "objective": entry.get("objective") or "",
            "prompt": prompt,
            "prompt_html": text.inline(prompt, f"{where} prompt"),
            "explanation_html": text.block(explanation, f"{where} explanation"),
            "reread": entry["reread"],
            "simulator_preset": entry.get("simulator") or "",
            "spec": _spec(entry, where, text),
            "retired": False,
        },
        "choices": [
            _choice(slug, i, choice, where, text)
            for i, choice in enumerate(entry.get("choices") or [])
        ],
    }


def load_quiz(path: Path, lessons: dict[str, dict], text: Text) -> tuple[str, list[dict]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lesson_slug = data.get("lesson")
    if lesson_slug not in lessons:
        raise ContentError(f"{path.name}: lesson '{lesson_slug}' does not exist.")
    lesson = lessons[lesson_slug]
    anchors = {entry["id"] for entry in lesson["toc"]}
    objectives = {objective["id"] for objective in lesson["objectives"]}
    entries = data.get("questions") or []
    check_objectives(entries, objectives, path.name)
    questions, seen = [], set()
    for order, entry in enumerate(entries, start=1):
        slug = entry.get("slug", "")
        where = f"{path.name} {slug or order}"
        if not SLUG.match(slug) or slug in seen:
            raise ContentError(f"{where}: needs a new lowercase slug.")
        seen.add(slug)
        check_question(entry, where, anchors, objectives)
        questions.append(read_question(entry, order, where, text))
    return lesson_slug, questions
