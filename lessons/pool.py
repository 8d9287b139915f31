"""Which questions an attempt asks, and in which order it shows their choices.

A lesson's questions form a pool: each objective has variants, and an attempt draws one question
per objective (a question without an objective is its own group, always drawn). A retry draws
variants the previous attempt did not ask, where the pool has them. The draw and its seed are
stored on the attempt, so a reload shows the same questions with choices in the same order.

Every learner's first attempt at a lesson uses the same seed: it can be shown before the learner
exists (no row is made for a page view) and is the attempt their first answer starts.
"""

import hashlib
import random
from collections.abc import Iterable, Sequence

from lessons.models import Attempt, Lesson, Question

FIRST_ATTEMPT = "first"


def seed_of(lesson: Lesson, number: int) -> int:
    """The seed of a first attempt is fixed per lesson; a retry's is fresh."""
    if number == 1:
        return _stable_int(f"{FIRST_ATTEMPT}:{lesson.slug}")
    return random.SystemRandom().randrange(2**31)


def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def active_questions(lesson: Lesson):
    return lesson.questions.filter(retired=False).prefetch_related("choices")


def draw(questions: Sequence[Question], seed: int, avoid: Iterable[int] = ()) -> list[Question]:
    """One question per objective, chosen with `seed` among those whose ids are not in `avoid`
    (among all of the objective's questions if every one is avoided), in the file's order."""
    groups: dict[str, list[Question]] = {}
    for question in questions:
        groups.setdefault(question.objective or f"question-{question.pk}", []).append(question)
    avoided = set(avoid)
    rng = random.Random(seed)
    picked = []
    for variants in groups.values():
        fresh = [question for question in variants if question.pk not in avoided]
        picked.append(rng.choice(fresh or variants))
    return sorted(picked, key=lambda question: question.order)


def new_draw(lesson: Lesson, number: int, previous: Attempt | None) -> dict:
    """The draw for attempt `number`, avoiding what the previous attempt asked."""
    seed = seed_of(lesson, number)
    avoid = previous.draw.get("questions", []) if previous else []
    questions = draw(list(active_questions(lesson)), seed, avoid)
    return {"questions": [question.pk for question in questions], "seed": seed}


def seed_of_attempt(lesson: Lesson, attempt: Attempt | None) -> int:
    """The seed that orders the choices of `attempt`, or of a first attempt not yet started (and
    of an attempt made before pools)."""
    if attempt is not None and "seed" in attempt.draw:
        return attempt.draw["seed"]
    return seed_of(lesson, 1)


def drawn_questions(lesson: Lesson, attempt: Attempt | None) -> tuple[list[Question], int]:
    """The questions a page shows for `attempt` (or for a first attempt not yet started), with
    the seed that orders their choices. An attempt made before pools asks every question."""
    questions = list(active_questions(lesson))
    seed = seed_of_attempt(lesson, attempt)
    if attempt is None:
        return draw(questions, seed), seed
    ids = attempt.draw.get("questions")
    if ids is None:
        return questions, seed
    chosen = set(ids)
    return [question for question in questions if question.pk in chosen], seed


def in_draw(attempt: Attempt, question: Question) -> bool:
    ids = attempt.draw.get("questions")
    return ids is None or question.pk in ids


def shuffled(items: Sequence, seed: int, salt: str) -> list:
    """`items` in an order fixed by the attempt's seed and the question, never the file's own
    order when there is another (so the file's order tells nothing)."""
    order = list(items)
    random.Random(f"{seed}:{salt}").shuffle(order)
    if len(order) > 1 and order == list(items):
        order = order[1:] + order[:1]
    return order
