"""Markdown that people typed, as HTML that is safe to show: markdown-it-py renders, nh3 sanitises.

Raw HTML in the Markdown is not rendered (shown as text), markdown-it drops `javascript:` and similar
links, and nh3 (Ammonia) keeps only the tags and attributes below whatever the renderer produced:
no script, style, iframe, image or event handler gets through. Links get rel="nofollow noopener".

A utility below the layers: the notes pages and the booklet exporter both render with it, and it
imports nothing of the app.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["strikethrough", "table"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> Markup:
    """The Markdown as sanitised HTML, marked safe for the templates (it is, after nh3)."""
    html = _renderer.render(text)
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="nofollow noopener",
            strip_comments=True,
        )
    )


def preview_of(text: str, *, max_chars: int = 2000) -> Markup:
    """A short preview: the first `max_chars` characters, cut at a line end when one is near."""
    if len(text) > max_chars:
        cut = text.rfind("\n", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars] + "\n\n…"
    return render_markdown(text)
