"""Markdown to safe HTML, run once at load time, never per request.

Lesson files may use two extensions of Markdown:
  [[slug]] or [[slug|words]]        links a glossary term;
  [[stack:a,b,c|Caption]]           on its own line, draws a stack of layers, bottom first.
Everything python-markdown produces is cleaned by nh3 with an allowlist before our own,
trusted diagram HTML is put in place.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "a",
    "table", "caption", "thead", "tbody", "tr", "th", "td", "hr", "br", "abbr", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

TERM_LINK = re.compile(r"\[\[(?!stack:)([a-z0-9-]+)(?:\|([^\]\n]+))?\]\]")
DIAGRAM_LINE = re.compile(r"^\[\[stack:([a-z0-9,\s-]+)\|([^\]\n]+)\]\][ \t]*$", re.MULTILINE)
PLACEHOLDER = "CVMDIAGRAMPLACEHOLDER{}"


class MarkupError(ValueError):
    """Content that cannot be rendered: the message names what to fix."""


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    toc: list[dict]
    words: int


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _toc_entries(tokens: list[dict]) -> list[dict]:
    entries = []
    for token in tokens:
        entries.append({"id": token["id"], "title": token["name"], "level": token["level"]})
        entries.extend(_toc_entries(token["children"]))
    return entries


def render(
    text: str,
    *,
    term_urls: Mapping[str, tuple[str, str]] | None = None,
    draw_stack: Callable[[list[str], str], str] | None = None,
) -> Rendered:
    """Render Markdown to sanitised HTML.

    term_urls maps a glossary slug to (term, url); draw_stack turns layer slugs and a caption into
    trusted HTML. A term or diagram the caller does not support raises MarkupError.
    """
    diagrams: list[str] = []

    def replace_diagram(match: re.Match) -> str:
        if draw_stack is None:
            raise MarkupError("Stack diagrams are not allowed here.")
        layers = [slug.strip() for slug in match[1].split(",") if slug.strip()]
        diagrams.append(draw_stack(layers, match[2].strip()))
        return "\n" + PLACEHOLDER.format(len(diagrams) - 1) + "\n"

    def replace_term(match: re.Match) -> str:
        slug, words = match[1], match[2]
        if term_urls is None or slug not in term_urls:
            raise MarkupError(f"[[{slug}]] is not a glossary term.")
        term, url = term_urls[slug]
        return f"[{(words or term).strip()}]({url})"

    text = DIAGRAM_LINE.sub(replace_diagram, text)
    text = TERM_LINK.sub(replace_term, text)
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc", "attr_list", "sane_lists"],
        extension_configs={"toc": {"toc_depth": "2-3"}},
    )
    # Markdown tables have header cells only in <thead>: say they head columns.
    html = sanitise(md.convert(text)).replace("<th>", '<th scope="col">')
    for index, diagram in enumerate(diagrams):
        placeholder = f"<p>{PLACEHOLDER.format(index)}</p>"
        if placeholder not in html:
            raise MarkupError("A stack diagram must stand on a line of its own.")
        html = html.replace(placeholder, diagram)
    words = len(re.findall(r"\w+", TERM_LINK.sub(r"\1", DIAGRAM_LINE.sub("", text))))
    return Rendered(html=html, toc=_toc_entries(md.toc_tokens), words=words)
