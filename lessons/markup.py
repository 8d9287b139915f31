"""Markdown to safe HTML, run once at load time, never per request.

Content files may use three extensions of Markdown:
  [[slug]] or [[slug|words]]        links a glossary term;
  [[figure:layer.figure]]           quotes a figure of the simulator's catalogue, with its unit,
                                    source and year;
  [[stack:a,b,c|Caption]]           on its own line, draws a stack of layers, bottom first.
HTML blocks marked `markdown="1"` (a Measured call-out, a diagram) hold Markdown too.
Everything python-markdown produces is cleaned by nh3 with an allowlist before our own,
trusted figure and diagram HTML is put in place.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "a",
    "table", "caption", "thead", "tbody", "tr", "th", "td", "hr", "br", "abbr", "sub", "sup",
    "aside", "figure", "figcaption", "dl", "dt", "dd",
}  # fmt: skip
INLINE_TAGS = {"strong", "em", "code", "a", "abbr", "sub", "sup"}
# The only classes content may use: those the site's stylesheet gives a meaning.
ALLOWED_CLASSES = {
    "aside": {"callout", "measured"},
    "figure": {"diagram", "diagram-namespaces", "diagram-overlay", "diagram-spectrum"},
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

TERM_LINK = re.compile(r"\[\[(?!stack:|figure:)([a-z0-9-]+)(?:\|([^\]\n]+))?\]\]")
FIGURE = re.compile(r"\[\[figure:([a-z0-9._-]+)\]\]")
DIAGRAM_LINE = re.compile(r"^\[\[stack:([a-z0-9,\s-]+)\|([^\]\n]+)\]\][ \t]*$", re.MULTILINE)
PLACEHOLDER = "CVMDIAGRAMPLACEHOLDER{}"
FIGURE_PLACEHOLDER = "CVMFIGUREPLACEHOLDER{}X"


class MarkupError(ValueError):
    """Content that cannot be rendered: the message names what to fix."""


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    toc: list[dict]
    words: int


def sanitise(html: str, tags: set[str] = ALLOWED_TAGS) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        # A code block wider than a phone scrolls sideways: focusable, a keyboard can scroll it.
        set_tag_attribute_values={"pre": {"tabindex": "0"}},
    )


def _toc_entries(tokens: list[dict]) -> list[dict]:
    entries = []
    for token in tokens:
        entries.append({"id": token["id"], "title": token["name"], "level": token["level"]})
        entries.extend(_toc_entries(token["children"]))
    return entries


TermUrls = Mapping[str, tuple[str, str]]
DrawStack = Callable[[list[str], str], str]
QuoteFigure = Callable[[str], str]


@dataclass
class _Expanded:
    """Content with our extensions taken out: terms became Markdown links, figures and
    diagrams became placeholders for the trusted HTML kept here."""

    text: str
    diagrams: list[str]
    figures: list[str]

    def restore(self, html: str) -> str:
        for index, figure in enumerate(self.figures):
            placeholder = FIGURE_PLACEHOLDER.format(index)
            if placeholder not in html:
                raise MarkupError("A [[figure:…]] reference cannot sit inside code or a link.")
            html = html.replace(placeholder, figure)
        for index, diagram in enumerate(self.diagrams):
            placeholder = f"<p>{PLACEHOLDER.format(index)}</p>"
            if placeholder not in html:
                raise MarkupError("A stack diagram must stand on a line of its own.")
            html = html.replace(placeholder, diagram)
        return html


def _expand(
    text: str,
    term_urls: TermUrls | None,
    draw_stack: DrawStack | None,
    quote_figure: QuoteFigure | None,
) -> _Expanded:
    expanded = _Expanded(text, [], [])

    def replace_diagram(match: re.Match) -> str:
        if draw_stack is None:
            raise MarkupError("Stack diagrams are not allowed here.")
        layers = [slug.strip() for slug in match[1].split(",") if slug.strip()]
        expanded.diagrams.append(draw_stack(layers, match[2].strip()))
        return "\n" + PLACEHOLDER.format(len(expanded.diagrams) - 1) + "\n"

    def replace_figure(match: re.Match) -> str:
        if quote_figure is None:
            raise MarkupError("Figures from the catalogue are not allowed here.")
        expanded.figures.append(quote_figure(match[1]))
        return FIGURE_PLACEHOLDER.format(len(expanded.figures) - 1)

    def replace_term(match: re.Match) -> str:
        slug, words = match[1], match[2]
        if term_urls is None or slug not in term_urls:
            raise MarkupError(f"[[{slug}]] is not a glossary term.")
        term, url = term_urls[slug]
        return f"[{(words or term).strip()}]({url})"

    text = DIAGRAM_LINE.sub(replace_diagram, text)
    text = FIGURE.sub(replace_figure, text)
    text = TERM_LINK.sub(replace_term, text)
    # A diagram's caption is Markdown like the diagram it captions (md_in_html reads a child
    # block as raw HTML unless it says otherwise).
    expanded.text = text.replace("<figcaption>", '<figcaption markdown="span">')
    return expanded


def render(
    text: str,
    *,
    term_urls: TermUrls | None = None,
    draw_stack: DrawStack | None = None,
    quote_figure: QuoteFigure | None = None,
) -> Rendered:
    """Render Markdown to sanitised HTML.

    term_urls maps a glossary slug to (term, url); draw_stack turns layer slugs and a caption into
    trusted HTML; quote_figure turns a catalogue reference into trusted HTML (raising MarkupError
    for an unknown one). A term, figure or diagram the caller does not support raises MarkupError.
    """
    expanded = _expand(text, term_urls, draw_stack, quote_figure)
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc", "attr_list", "sane_lists", "md_in_html"],
        extension_configs={"toc": {"toc_depth": "2-3"}},
    )
    # Markdown tables have header cells only in <thead>: say they head columns.
    html = sanitise(md.convert(expanded.text)).replace("<th>", '<th scope="col">')
    html = expanded.restore(html)
    words = len(re.findall(r"\w+", TERM_LINK.sub(r"\1", DIAGRAM_LINE.sub("", text))))
    return Rendered(html=html, toc=_toc_entries(md.toc_tokens), words=words)


def inline(
    text: str, *, term_urls: TermUrls | None = None, quote_figure: QuoteFigure | None = None
) -> str:
    """One paragraph of inline Markdown (a quiz prompt, a choice): `code`, *emphasis*, links and
    figures, sanitised, without the paragraph around it."""
    expanded = _expand(text, term_urls, None, quote_figure)
    html = sanitise(markdown.markdown(expanded.text), tags=INLINE_TAGS | {"p"}).strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    if "<p>" in html or "</p>" in html:
        raise MarkupError("A prompt or a choice is one paragraph: no blank lines or blocks.")
    return expanded.restore(html)
