"""Free text on the way in: HTML fragments become paragraphs, and no markup survives.

Legacy commentary holds fragments such as "<p>A new contract started on the 1<sup>st</sup>
Nov</p>". We keep what they mean (paragraph and line breaks) and store plain text; pages
escape it on the way out and show paragraphs with Django's `linebreaks`, so nothing a user
or a spreadsheet typed is ever rendered as markup.
"""

from __future__ import annotations

import html
import re

import nh3

# Block-level endings that mean "new paragraph" or "new line" in council commentary.
_PARAGRAPH_BREAK = re.compile(
    r"</(p|div|h[1-6]|ul|ol|table|tr)\s*>|<(p|div|h[1-6]|ul|ol|table|tr)\b[^>]*>", re.I
)
_LINE_BREAK = re.compile(r"<br\s*/?>|</li\s*>|</td\s*>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.I)
_TAG_LIKE = re.compile(r"<\s*[a-zA-Z!/?]")
_LINE_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
_MANY_BREAKS = re.compile(r"\n{3,}")


def _strip_markup(text: str) -> str:
    text = _PARAGRAPH_BREAK.sub("\n\n", text)
    text = _LINE_BREAK.sub("\n", text)
    text = _LIST_ITEM.sub("\n• ", text)
    # No tag is allowed through; script and style lose their content as well as their tags.
    cleaned = nh3.clean(text, tags=set(), attributes={}, clean_content_tags={"script", "style"})
    return html.unescape(cleaned)


def sanitise_text(value: object, *, max_length: int | None = None) -> str:
    """Plain text with paragraphs kept and every tag removed, however it was escaped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    # Entity-escaped markup ("&lt;script&gt;") unescapes into markup: strip until stable.
    for _ in range(5):
        if not _TAG_LIKE.search(text) and "&" not in text:
            break
        stripped = _strip_markup(text)
        if stripped == text:
            break
        text = stripped
    lines = [_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()
    if max_length is not None:
        text = text[:max_length]
    return text


def sanitise_line(value: object, *, max_length: int | None = None) -> str:
    """A one-line field (title, reference, name): markup removed, white space folded."""
    text = sanitise_text(value)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:max_length] if max_length is not None else text


def paragraphs(text: str) -> list[str]:
    """Commentary as its paragraphs, for the Word and PDF renderings."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
