"""``MarkdownTextFilter``: Markdown in, speakable plain text out.

LLMs write Markdown; a TTS voice should not read asterisks aloud. The filter
removes the markup and keeps the words:

* ``**bold**``, ``*italic*``, ``__bold__``, ``_italic_``, ``~~struck~~`` →
  the text (``snake_case`` and ``2 * 3`` are left alone); a marker whose pair
  is in another chunk is removed too;
* ``## Heading`` → ``Heading``; ``> quote`` → ``quote``; ``- item`` →
  ``item``; numbered lists (``1. item``) are kept as they are;
* `` `code` `` → ``code``; fenced code blocks lose their fences (and the
  language tag) and, with ``filter_code=True``, their content;
* ``[text](url)`` → ``text``; ``![alt](url)`` → ``alt``; horizontal rules
  are removed;
* Markdown tables are removed with ``filter_tables=True``;
* HTML tags are removed and entities decoded (``&amp;`` → ``&``);
* runs of four or more of the same punctuation collapse (``!!!!!!!`` → ``!``);
* whitespace, including a chunk's leading and trailing spaces, is kept.

Chunks are filtered as they come: code-block and table state carries over from
one chunk to the next (an interruption resets it), and each chunk's start
counts as the start of a line, since TTS services filter sentence by sentence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from voxpipe.utils.text.base_text_filter import BaseTextFilter

__all__ = ["MarkdownTextFilter"]

_FENCE = re.compile(r"```|~~~")
_HEADER = re.compile(r"^([ \t]*)#{1,6}[ \t]+", re.M)
_RULE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.M)
_QUOTE = re.compile(r"^([ \t]*)>[ \t]?", re.M)
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+", re.M)
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_EMPHASIS = (
    re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*"),
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"),
    re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
)
# An emphasis marker whose partner is in another chunk: "**word" or "word**".
_STRAY_MARKER = re.compile(r"(?:(?<=\S)(?:\*+|__+|~~)(?=\s|$|[.,;:!?)]))|(?:(?:(?<=\s)|^)(?:\*+|__+|~~)(?=\S))")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_REPEATED = re.compile(r"([^\w\s])\1{3,}")
_FENCE_INFO = re.compile(r"[^\n]*(\n|$)")


class MarkdownTextFilter(BaseTextFilter):
    """Turns Markdown into TTS-friendly plain text; see the module docstring.

    Args:
        params: Filter settings; defaults to :class:`MarkdownTextFilter.InputParams`.

    Example::

        tts = CartesiaTTSService(..., text_filter=MarkdownTextFilter())
    """

    @dataclass(kw_only=True)
    class InputParams:
        """Settings of :class:`MarkdownTextFilter`.

        Attributes:
            enable_text_filter: When False, text passes through unchanged.
            filter_code: Remove the content of fenced code blocks.
            filter_tables: Remove Markdown tables.
        """

        enable_text_filter: bool = True
        filter_code: bool = False
        filter_tables: bool = False

    def __init__(self, params: InputParams | None = None) -> None:
        self._settings = params or MarkdownTextFilter.InputParams()
        self._in_code = False
        self._in_fence_info = False  # after an opening fence, before its newline
        self._in_table_row = False

    @property
    def params(self) -> InputParams:
        """The current settings."""
        return self._settings

    def update_settings(self, settings: Mapping[str, Any]) -> None:
        """Change ``enable_text_filter``, ``filter_code`` or ``filter_tables``; other keys are ignored."""
        names = {f.name for f in fields(self._settings)}
        for key, value in settings.items():
            if key in names:
                setattr(self._settings, key, value)

    def handle_interruption(self) -> None:
        """Forget any open code block or table."""
        self._in_code = self._in_fence_info = self._in_table_row = False

    def reset_interruption(self) -> None:
        """Nothing to do: state was already dropped by :meth:`handle_interruption`."""

    def filter(self, text: str) -> str:
        """Return ``text`` with its Markdown removed; see the module docstring."""
        if not self._settings.enable_text_filter or not text:
            return text
        out: list[str] = []
        pos = 0
        for fence in _FENCE.finditer(text):
            out.append(self._segment(text[pos : fence.start()]))
            if not self._in_code and self._settings.filter_code:
                out.append(" ")  # a removed block still separates the words around it
            self._in_code = not self._in_code
            self._in_fence_info = self._in_code
            pos = fence.end()
        out.append(self._segment(text[pos:]))
        return "".join(out)

    # -- pieces ------------------------------------------------------------------------

    def _segment(self, text: str) -> str:
        """Filter text that contains no fence, inside or outside a code block."""
        if not text:
            return text
        if not self._in_code:
            return self._prose(text)
        if self._in_fence_info:
            info = _FENCE_INFO.match(text)
            assert info is not None
            if info.group(1):
                self._in_fence_info = False
            text = text[info.end() :]
        return "" if self._settings.filter_code else text

    def _prose(self, text: str) -> str:
        if self._settings.filter_tables:
            text = self._drop_tables(text)
        text = _RULE.sub("", text)
        text = _HEADER.sub(r"\1", text)
        text = _QUOTE.sub(r"\1", text)
        text = _BULLET.sub(r"\1", text)
        text = _IMAGE.sub(r"\1", text)
        text = _LINK.sub(r"\1", text)
        text = _INLINE_CODE.sub(r"\1", text).replace("`", "")
        for pattern in _EMPHASIS:
            text = pattern.sub(r"\1", text)
        text = _STRAY_MARKER.sub("", text)
        if "<" in text:
            text = _HTML_TAG.sub("", text)
        if "&" in text:
            text = html.unescape(text)
        return _REPEATED.sub(r"\1", text)

    def _drop_tables(self, text: str) -> str:
        """Remove table rows (lines starting with ``|``), also when split across chunks."""
        out: list[str] = []
        at_line_start = not self._in_table_row
        for piece in re.split(r"(\n)", text):
            if piece == "\n":
                if self._in_table_row:
                    self._in_table_row = False
                else:
                    out.append(piece)
                at_line_start = True
            elif piece:
                if self._in_table_row:
                    continue
                if at_line_start and piece.lstrip(" \t").startswith("|"):
                    self._in_table_row = True
                    continue
                out.append(piece)
                at_line_start = False
        return "".join(out)
