"""What loading lesson, glossary and quiz files shares: the error, slugs, required keys, and the
Markdown every file's text goes through (glossary links and figures from the catalogue)."""

import re
from dataclasses import dataclass

from django.template.loader import render_to_string

from lessons import markup
from simulator import catalogue

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ContentError(ValueError):
    """A content file that cannot be loaded: the message names the file and what to fix."""


def require(meta: dict, key: str, kind: type, source: str):
    value = meta.get(key)
    if not isinstance(value, kind) or (isinstance(value, str | list) and not value):
        raise ContentError(f"{source}: '{key}' must be a non-empty {kind.__name__}.")
    return value


def quote_figure(reference: str) -> str:
    """A catalogue figure as the course quotes it: value and unit, then its source and year."""
    try:
        figure = catalogue.figure(reference)
    except catalogue.UnknownFigure as error:
        raise markup.MarkupError(str(error)) from error
    return render_to_string("lessons/figure.html", {"figure": figure}).strip()


@dataclass(frozen=True)
class Text:
    """Renders a file's text with what it may link to: glossary terms and catalogue figures."""

    term_urls: dict[str, tuple[str, str]]

    def block(self, text: str, where: str) -> str:
        try:
            return markup.render(text, term_urls=self.term_urls, quote_figure=quote_figure).html
        except markup.MarkupError as error:
            raise ContentError(f"{where}: {error}") from error

    def inline(self, text: str, where: str) -> str:
        try:
            return markup.inline(text, term_urls=self.term_urls, quote_figure=quote_figure)
        except markup.MarkupError as error:
            raise ContentError(f"{where}: {error}") from error
