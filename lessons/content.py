"""Load the course from files in the repo into the database, idempotently.

The files under lessons/content/ are the source of truth. `sync()` creates what is new, updates
what changed, leaves the rest alone and deletes what left the files, all in one transaction.
"""

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from lessons import grading, markup
from lessons.models import Choice, GlossaryTerm, Lesson, Question
from simulator.engine import DEFAULT_HOST_MEMORY_MB, LAYERS, PRESETS

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WORDS_PER_MINUTE = 200
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)


class ContentError(ValueError):
    """A content file that cannot be loaded: the message names the file and what to fix."""


@dataclass
class SyncReport:
    counts: dict[str, Counter] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def created(self) -> int:
        return sum(counter["created"] for counter in self.counts.values())

    def lines(self) -> list[str]:
        outcomes = ("created", "updated", "unchanged", "deleted")
        return [
            f"{kind}: " + ", ".join(f"{counter[o]} {o}" for o in outcomes)
            for kind, counter in self.counts.items()
        ]


def draw_stack(layers: list[str], caption: str) -> str:
    unknown = [slug for slug in layers if slug not in LAYERS]
    if unknown:
        raise markup.MarkupError(f"Unknown layer in a stack diagram: {', '.join(unknown)}.")
    return render_to_string(
        "lessons/stack_diagram.html",
        {"layers": [LAYERS[slug] for slug in layers], "caption": caption},
    ).strip()


def in_sentence(term: str) -> str:
    """A glossary headword as it reads mid-sentence: "Kernel" → "kernel", "OCI" stays."""
    if term[1:] == term[1:].lower():
        return term[:1].lower() + term[1:]
    return term


def _save(model, report: SyncReport, kind: str, slug: str, values: dict) -> None:
    """update_or_create that tells created, updated and unchanged apart."""
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        model.objects.create(slug=slug, **values)
        report.count(kind, "created")
        return
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    report.count(kind, "updated" if changed else "unchanged")


def _delete_missing(model, report: SyncReport, kind: str, slugs: set[str]) -> None:
    _, per_model = model.objects.exclude(slug__in=slugs).delete()
    for _ in range(per_model.get(model._meta.label, 0)):
        report.count(kind, "deleted")


def _read_front_matter(path: Path) -> tuple[dict, str]:
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise ContentError(f"{path.name}: begins without a '---' front matter block.")
    meta = yaml.safe_load(match[1])
    if not isinstance(meta, dict):
        raise ContentError(f"{path.name}: the front matter is not a mapping of keys to values.")
    return meta, match[2]


def _require(meta: dict, key: str, kind: type, source: str):
    value = meta.get(key)
    if not isinstance(value, kind) or (isinstance(value, str | list) and not value):
        raise ContentError(f"{source}: '{key}' must be a non-empty {kind.__name__}.")
    return value


def load_glossary(content_dir: Path) -> dict[str, dict]:
    path = content_dir / "glossary.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    terms: dict[str, dict] = {}
    for entry in entries:
        slug = _require(entry, "slug", str, path.name)
        if not SLUG.match(slug) or slug in terms:
            raise ContentError(f"{path.name}: '{slug}' is not a new lowercase slug.")
        definition = markup.render(_require(entry, "definition", str, f"{path.name} {slug}"))
        terms[slug] = {
            "term": _require(entry, "term", str, f"{path.name} {slug}"),
            "definition_html": definition.html,
        }
    return terms


def load_lesson(path: Path, term_urls: dict[str, tuple[str, str]]) -> dict:
    meta, body = _read_front_matter(path)
    slug = _require(meta, "slug", str, path.name)
    if not SLUG.match(slug):
        raise ContentError(
            f"{path.name}: slug '{slug}' must be lowercase letters, digits, hyphens."
        )
    key_terms = meta.get("key_terms") or []
    for term in key_terms:
        if term not in term_urls:
            raise ContentError(f"{path.name}: key term '{term}' is not in the glossary.")
    for key in ("simulator_preset", "simulator_compare"):
        if meta.get(key) and meta[key] not in PRESETS:
            raise ContentError(f"{path.name}: {key} '{meta[key]}' is not a simulator preset.")
    try:
        rendered = markup.render(body, term_urls=term_urls, draw_stack=draw_stack)
    except markup.MarkupError as error:
        raise ContentError(f"{path.name}: {error}") from error
    return {
        "slug": slug,
        "order": _require(meta, "order", int, path.name),
        "title": _require(meta, "title", str, path.name),
        "summary": _require(meta, "summary", str, path.name),
        "objectives": _require(meta, "objectives", list, path.name),
        "key_terms": key_terms,
        "body_html": rendered.html,
        "toc": rendered.toc,
        "reading_minutes": max(1, math.ceil(rendered.words / WORDS_PER_MINUTE)),
        "simulator_preset": meta.get("simulator_preset") or "",
        "simulator_compare": meta.get("simulator_compare") or "",
    }


QUESTION_KINDS = {kind.value for kind in Question.Kind}


def _check_question(entry: dict, where: str, anchors: set[str]) -> None:
    kind = entry.get("type")
    if kind not in QUESTION_KINDS:
        raise ContentError(f"{where}: type must be one of {sorted(QUESTION_KINDS)}.")
    if entry.get("reread") not in anchors:
        raise ContentError(
            f"{where}: reread '{entry.get('reread')}' is not a section of the lesson."
        )
    if entry.get("simulator") and entry["simulator"] not in PRESETS:
        raise ContentError(f"{where}: simulator '{entry['simulator']}' is not a preset.")
    choices = entry.get("choices") or []
    right = sum(bool(choice.get("correct")) for choice in choices)
    if kind == "single" and (len(choices) < 2 or right != 1):
        raise ContentError(f"{where}: a single-choice question needs 2+ choices, 1 correct.")
    if kind == "multiple" and not (0 < right < len(choices)):
        raise ContentError(f"{where}: select-all needs at least one right and one wrong choice.")
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
            grading.grade_challenge(_spec(entry), preset.layers).correct
            for preset in PRESETS.values()
        ):
            raise ContentError(f"{where}: no preset meets this challenge; is it solvable?")


def _spec(entry: dict) -> dict:
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


def load_quiz(path: Path, lessons: dict[str, dict], term_urls) -> tuple[str, list[dict]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lesson_slug = data.get("lesson")
    if lesson_slug not in lessons:
        raise ContentError(f"{path.name}: lesson '{lesson_slug}' does not exist.")
    anchors = {entry["id"] for entry in lessons[lesson_slug]["toc"]}
    questions, seen = [], set()
    for order, entry in enumerate(data.get("questions") or [], start=1):
        slug = entry.get("slug", "")
        where = f"{path.name} {slug or order}"
        if not SLUG.match(slug) or slug in seen:
            raise ContentError(f"{where}: needs a new lowercase slug.")
        seen.add(slug)
        _check_question(entry, where, anchors)
        explanation = markup.render(_require(entry, "explanation", str, where), term_urls=term_urls)
        questions.append(
            {
                "slug": slug,
                "values": {
                    "order": order,
                    "kind": entry["type"],
                    "prompt": _require(entry, "prompt", str, where),
                    "explanation_html": explanation.html,
                    "reread": entry["reread"],
                    "simulator_preset": entry.get("simulator") or "",
                    "spec": _spec(entry),
                    "retired": False,
                },
                "choices": [
                    {
                        "key": f"{slug}-{chr(97 + i)}",
                        "text": c["text"],
                        "correct": bool(c.get("correct")),
                        "order": i,
                    }
                    for i, c in enumerate(entry.get("choices") or [])
                ],
            }
        )
    return lesson_slug, questions


def _save_questions(report: SyncReport, lesson: Lesson, questions: list[dict]) -> None:
    for question in questions:
        obj, created = Question.objects.get_or_create(
            lesson=lesson, slug=question["slug"], defaults=question["values"]
        )
        values = question["values"]
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
        current = list(obj.choices.values("key", "text", "correct", "order"))
        if current != question["choices"]:
            obj.choices.all().delete()
            Choice.objects.bulk_create(Choice(question=obj, **c) for c in question["choices"])
        outcome = (
            "created"
            if created
            else ("updated" if changed or current != question["choices"] else "unchanged")
        )
        report.count("questions", outcome)
    gone = lesson.questions.filter(retired=False).exclude(slug__in=[q["slug"] for q in questions])
    for question in gone:
        if question.answers.exists():
            question.retired = True
            question.save(update_fields=["retired"])
        else:
            question.delete()
        report.count("questions", "deleted")


def course_version(paths: list[Path]) -> str:
    """A digest of every content file: cached lesson pages are keyed by it, so any edit (a title
    that appears in a neighbour's "Next" link, say) makes every page render afresh."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def sync(content_dir: Path = CONTENT_DIR) -> SyncReport:
    report = SyncReport()
    terms = load_glossary(content_dir)
    glossary_url = reverse("lessons:glossary")
    term_urls = {
        slug: (in_sentence(t["term"]), f"{glossary_url}#{slug}") for slug, t in terms.items()
    }
    paths = sorted(content_dir.glob("*.md"))
    lessons = [load_lesson(path, term_urls) for path in paths]
    slugs = [lesson["slug"] for lesson in lessons]
    if len(set(slugs)) != len(slugs):
        raise ContentError(f"Two lesson files share a slug: {sorted(slugs)}.")
    by_slug = {lesson["slug"]: lesson for lesson in lessons}
    quiz_paths = sorted((content_dir / "quizzes").glob("*.yaml"))
    quizzes = dict(load_quiz(path, by_slug, term_urls) for path in quiz_paths)
    version = course_version([*paths, content_dir / "glossary.yaml"])
    for lesson in lessons:
        lesson["course_version"] = version

    with transaction.atomic():
        for slug, values in terms.items():
            _save(GlossaryTerm, report, "glossary terms", slug, values)
        _delete_missing(GlossaryTerm, report, "glossary terms", set(terms))
        for lesson in lessons:
            _save(Lesson, report, "lessons", lesson.pop("slug"), lesson)
        _delete_missing(Lesson, report, "lessons", set(slugs))
        for lesson in Lesson.objects.all():
            _save_questions(report, lesson, quizzes.get(lesson.slug, []))
    return report
