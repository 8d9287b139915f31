"""Lesson Markdown is rendered once and sanitised: nothing a content file says can run code."""

import pytest

from lessons import markup

TERMS = {"kernel": ("Kernel", "/glossary/#kernel")}


def render(text: str) -> str:
    return markup.render(text, term_urls=TERMS, draw_stack=lambda layers, caption: "").html


class TestSanitisation:
    """Script, event handlers, javascript: links and htmx attributes never reach the page."""

    def test_it_removes_script_elements_and_their_content(self):
        html = render("Hello <script>alert('x')</script> world")
        assert "<script" not in html
        assert "alert" not in html

    def test_it_removes_event_handler_attributes(self):
        html = render('<img src="x" onerror="alert(1)"> and <p onclick="alert(2)">text</p>')
        assert "onerror" not in html
        assert "onclick" not in html

    def test_it_removes_javascript_links(self):
        html = render("[click me](javascript:alert(1)) and <a href='javascript:alert(2)'>x</a>")
        assert "javascript:" not in html
        assert "click me" in html

    def test_it_removes_htmx_attributes(self):
        html = render('<a href="/a" hx-get="/evil" data-hx-post="/x" hx-on:click="alert(1)">a</a>')
        assert "hx-" not in html
        assert 'href="/a"' in html

    def test_it_removes_style_elements_and_attributes(self):
        html = render('<style>body{display:none}</style><p style="color:red">x</p>')
        assert "<style" not in html
        assert "style=" not in html

    def test_it_keeps_headings_with_their_anchor_ids(self):
        assert '<h2 id="what-a-kernel-does">What a kernel does</h2>' in render(
            "## What a kernel does"
        )

    def test_it_keeps_a_table_with_caption_and_scopes(self):
        html = render(
            '<table><caption>Cap</caption><thead><tr><th scope="col">A</th></tr></thead>'
            '<tbody><tr><th scope="row">B</th></tr></tbody></table>'
        )
        assert "<caption>Cap</caption>" in html
        assert '<th scope="col">A</th>' in html
        assert '<th scope="row">B</th>' in html


class TestGlossaryLinks:
    """[[slug]] and [[slug|words]] link a glossary term; an unknown slug stops the load."""

    def test_it_links_a_term_with_its_own_name(self):
        assert '<a href="/glossary/#kernel" rel="noopener noreferrer">Kernel</a>' in render(
            "The [[kernel]] runs."
        )

    def test_it_links_a_term_with_other_words(self):
        assert ">kernels</a>" in render("Two [[kernel|kernels]].")

    def test_it_rejects_an_unknown_term(self):
        with pytest.raises(markup.MarkupError, match="hypervisor"):
            render("A [[hypervisor]].")


class TestStackDiagrams:
    """A [[stack:…|Caption]] line becomes trusted diagram HTML, after sanitisation."""

    def test_it_inserts_the_diagram_in_place(self):
        def draw(layers, caption):
            return f'<figure data-layers="{",".join(layers)}">{caption}</figure>'

        html = markup.render(
            "Before\n\n[[stack:hardware, host-os|Two layers]]\n\nAfter", draw_stack=draw
        ).html
        assert '<figure data-layers="hardware,host-os">Two layers</figure>' in html
        assert html.index("Before") < html.index("<figure") < html.index("After")

    def test_it_refuses_diagrams_where_none_are_allowed(self):
        with pytest.raises(markup.MarkupError):
            markup.render("[[stack:hardware|x]]")


def test_markdown_table_headers_head_their_columns():
    html = render("| Layer | Shared |\n|---|---|\n| Hardware | yes |\n")
    assert '<th scope="col">Layer</th>' in html
    assert "<td>Hardware</td>" in html


def quote(reference: str) -> str:
    if reference != "guest-os.startup_ms":
        raise markup.MarkupError(f"No figure {reference!r}")
    return '<span class="figure">8.0 s</span> (Source, 2017)'


class TestFigures:
    """[[figure:layer.figure]] puts the catalogue's quoted figure in place, after sanitising."""

    def test_it_quotes_the_figure_in_place(self):
        html = markup.render("A VM boots in [[figure:guest-os.startup_ms]].", quote_figure=quote)
        assert html.html == '<p>A VM boots in <span class="figure">8.0 s</span> (Source, 2017).</p>'

    def test_an_unknown_figure_stops_the_load(self):
        with pytest.raises(markup.MarkupError, match="guest-os.nothing"):
            markup.render("[[figure:guest-os.nothing]]", quote_figure=quote)

    def test_figures_are_refused_where_none_are_allowed(self):
        with pytest.raises(markup.MarkupError, match="not allowed"):
            markup.render("[[figure:guest-os.startup_ms]]")


class TestCalloutsAndDiagrams:
    """A Measured call-out and a diagram hold Markdown; only the classes the stylesheet knows
    survive the sanitiser."""

    def test_a_measured_callout_keeps_its_classes_and_its_markdown(self):
        html = render('<aside class="callout measured" markdown="1">\n\n**Measured**\n\n</aside>')
        assert (
            html == '<aside class="callout measured">\n<p><strong>Measured</strong></p>\n</aside>'
        )

    def test_a_diagram_keeps_its_classes_and_a_markdown_caption(self):
        html = render(
            '<figure class="diagram diagram-overlay" markdown="1">\n\n- top\n\n'
            "<figcaption>The `merged` view</figcaption>\n</figure>"
        )
        assert '<figure class="diagram diagram-overlay">' in html
        assert "<figcaption>The <code>merged</code> view</figcaption>" in html

    def test_an_unknown_class_or_attribute_is_dropped(self):
        html = render('<aside class="callout evil" id="x" markdown="1">\n\nHi\n\n</aside>')
        assert html.startswith('<aside class="callout">')

    def test_a_fenced_code_block_is_a_pre_and_code_a_keyboard_can_scroll(self):
        html = render("```sh\nls -l /dev/kvm\n```")
        assert html == '<pre tabindex="0"><code>ls -l /dev/kvm\n</code></pre>'

    def test_content_cannot_choose_a_code_block_s_tab_order(self):
        html = render('<pre tabindex="-1" onfocus="x()"><code>ls</code></pre>')
        assert html == '<pre tabindex="0"><code>ls</code></pre>'


class TestInline:
    """Prompts and choices: one paragraph of inline Markdown, no blocks."""

    def test_it_renders_code_and_emphasis_without_a_paragraph(self):
        assert markup.inline("Run `ps -e` *inside*") == "Run <code>ps -e</code> <em>inside</em>"

    def test_it_refuses_blocks(self):
        with pytest.raises(markup.MarkupError, match="one paragraph"):
            markup.inline("One\n\nTwo")

    def test_it_sanitises(self):
        assert markup.inline('<img src=x onerror="alert(1)">Hi <b>there</b>') == "Hi there"
