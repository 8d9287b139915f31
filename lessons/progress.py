"""A learner's progress, kept in the session so that no login is needed."""

from django.contrib.sessions.backends.base import SessionBase

READ_LESSONS = "read_lessons"


def read_slugs(session: SessionBase) -> frozenset[str]:
    return frozenset(session.get(READ_LESSONS, ()))


def mark_read(session: SessionBase, slug: str) -> None:
    read = session.get(READ_LESSONS, [])
    if slug not in read:
        # Assign a new list: the session saves only when a key is set.
        session[READ_LESSONS] = [*read, slug]
