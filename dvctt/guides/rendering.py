"""Markdown to safe HTML: markdown-it-py renders, nh3 keeps only an allow-list (docs/guides.md, "Rendering").

Two layers: markdown-it runs with raw HTML off (a ``<script>`` typed in the text becomes visible text) and
refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` links; nh3 then keeps only the tags and attributes
below, whatever the first layer let through. Links: ``http``, ``https``, ``mailto`` and paths of this site
(``/thu-tuc/…``), with ``rel="noopener noreferrer"``. Pictures: only our own stored images
(``/huong-dan/anh/<id>/``), so a guide never loads anything from another host (the CSP would block it anyway).
Headings move one level down (``#`` is ``<h2>``): the page's title is its only ``<h1>``.
"""

from __future__ import annotations

import re
from functools import cache

import nh3
from django.urls import NoReverseMatch, reverse
from markdown_it import MarkdownIt

TAGS = {
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "img",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"
#: Tags dropped with everything inside them (the rest of an unknown tag's text is kept as text).
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
MAX_HEADING = 6


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


_MD = _markdown()


@cache
def image_src_pattern() -> re.Pattern[str]:
    """The only picture addresses a guide may show: our image view's."""
    try:
        prefix = reverse("guides:image", kwargs={"image_id": 0}).removesuffix("0/")
    except NoReverseMatch:
        prefix = "/huong-dan/anh/"
    return re.compile(rf"^{re.escape(prefix)}[0-9]+/$")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        if value.startswith(("http://", "https://", "mailto:")):
            return value
        if value.startswith("/") and not value.startswith("//") and "\\" not in value:
            return value
        return None
    if tag == "img" and attribute == "src":
        return value if image_src_pattern().match(value) else None
    if tag == "ol" and attribute == "start":
        return value if value.isdigit() and len(value) <= 6 else None
    return value


def sanitise(html: str) -> str:
    """Keep the allow-list of tags and attributes only."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """``text`` (Markdown) as sanitised HTML, headings one level down."""
    if not text or not text.strip():
        return ""
    tokens = _MD.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1:])
            token.tag = f"h{min(level + 1, MAX_HEADING)}"
    return sanitise(_MD.renderer.render(tokens, _MD.options, {}))
