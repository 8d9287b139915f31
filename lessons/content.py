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

from lessons import markup, pages
from lessons.loading import SLUG, ContentError, Text, quote_figure
from lessons.loading import require as _require
from lessons.models import Choice, GlossaryTerm, Lesson, Question
from lessons.quizfiles import load_quiz
from simulator.engine import LAYERS, PRESETS

__all__ = ["ContentError", "SyncReport", "sync"]

CONTENT_DIR = Path(__file__).resolve().parent / "content"
WORDS_PER_MINUTE = 200
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)


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


def load_glossary(content_dir: Path) -> tuple[dict[str, dict], Text]:
    """The glossary's terms, and the Text that links them (definitions may link each other)."""
    path = content_dir / "glossary.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    terms: dict[str, dict] = {}
    for entry in entries:
        slug = _require(entry, "slug", str, path.name)
        if not SLUG.match(slug) or slug in terms:
            raise ContentError(f"{path.name}: '{slug}' is not a new lowercase slug.")
        terms[slug] = {
            "term": _require(entry, "term", str, f"{path.name} {slug}"),
            "definition": _require(entry, "definition", str, f"{path.name} {slug}"),
        }
    glossary_url = reverse("lessons:glossary")
    text = Text(
        {slug: (in_sentence(t["term"]), f"{glossary_url}#{slug}") for slug, t in terms.items()}
    )
    for slug, term in terms.items():
        term["definition_html"] = text.block(term.pop("definition"), f"{path.name} {slug}")
    return terms, text


def objectives(meta: dict, source: str) -> list[dict]:
    """The lesson's objectives as {id, text}. A plain sentence (the first version of the format)
    gets an id from its position."""
    found = []
    for index, entry in enumerate(_require(meta, "objectives", list, source), start=1):
        if isinstance(entry, str):
            entry = {"id": f"objective-{index}", "text": entry}
        if (
            not isinstance(entry, dict)
            or not SLUG.match(str(entry.get("id", "")))
            or not isinstance(entry.get("text"), str)
            or not entry["text"]
        ):
            raise ContentError(f"{source}: objective {index} needs an id (a slug) and a text.")
        found.append({"id": entry["id"], "text": entry["text"]})
    ids = [objective["id"] for objective in found]
    if len(set(ids)) != len(ids):
        raise ContentError(f"{source}: two objectives share an id: {sorted(ids)}.")
    return found


def load_lesson(path: Path, text: Text) -> dict:
    meta, body = _read_front_matter(path)
    slug = _require(meta, "slug", str, path.name)
    if not SLUG.match(slug):
        raise ContentError(
            f"{path.name}: slug '{slug}' must be lowercase letters, digits, hyphens."
        )
    key_terms = meta.get("key_terms") or []
    for term in key_terms:
        if term not in text.term_urls:
            raise ContentError(f"{path.name}: key term '{term}' is not in the glossary.")
    for key in ("simulator_preset", "simulator_compare"):
        if meta.get(key) and meta[key] not in PRESETS:
            raise ContentError(f"{path.name}: {key} '{meta[key]}' is not a simulator preset.")
    try:
        rendered = markup.render(
            body, term_urls=text.term_urls, draw_stack=draw_stack, quote_figure=quote_figure
        )
    except markup.MarkupError as error:
        raise ContentError(f"{path.name}: {error}") from error
    return {
        "slug": slug,
        "order": _require(meta, "order", int, path.name),
        "title": _require(meta, "title", str, path.name),
        "summary": _require(meta, "summary", str, path.name),
        "objectives": objectives(meta, path.name),
        "key_terms": key_terms,
        "body_html": rendered.html,
        "toc": rendered.toc,
        "reading_minutes": max(1, math.ceil(rendered.words / WORDS_PER_MINUTE)),
        "simulator_preset": meta.get("simulator_preset") or "",
        "simulator_compare": meta.get("simulator_compare") or "",
    }


def save_questions(report: SyncReport, lesson: Lesson, questions: list[dict]) -> None:
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
        fields = list(question["choices"][0]) if question["choices"] else ["key"]
        current = list(obj.choices.values(*fields))
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
    terms, text = load_glossary(content_dir)
    paths = sorted(content_dir.glob("*.md"))
    lessons = [load_lesson(path, text) for path in paths]
    slugs = [lesson["slug"] for lesson in lessons]
    if len(set(slugs)) != len(slugs):
        raise ContentError(f"Two lesson files share a slug: {sorted(slugs)}.")
    by_slug = {lesson["slug"]: lesson for lesson in lessons}
    quiz_paths = sorted((content_dir / "quizzes").glob("*.yaml"))
    quizzes = dict(load_quiz(path, by_slug, text) for path in quiz_paths)
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
            save_questions(report, lesson, quizzes.get(lesson.slug, []))
    pages.forget(slugs)
    return report
