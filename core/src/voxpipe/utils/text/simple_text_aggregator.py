"""``SimpleTextAggregator``: buffers streamed text until a sentence ends.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or
brackets) followed by whitespace and more text, or at a CJK full stop
(``。！？``), or at a blank line. Because a boundary is confirmed by the text
*after* it, ``"3."`` waits for the next chunk to tell ``"3.14"`` from the end
of a sentence. Not boundaries:

* abbreviations and titles (``Dr.``, ``e.g.``, ``etc.``) and initialisms
  (``U.S.``, ``p.m.``) — a sentence after them is joined to the previous one,
  which costs a little latency but never splits a name;
* a ``.`` followed by a lowercase word (``approx. five``, ``wait... what``);
* numbers (``3.14``, ``1,000``) and list markers (``1.`` at a line start);
* anything inside a Markdown code span (`` `a.b` ``) or fenced code block.
"""

from __future__ import annotations

import re

from voxpipe.utils.text.base_text_aggregator import Aggregation, AggregationType, BaseTextAggregator

__all__ = ["SimpleTextAggregator", "find_sentence_end"]

_TERMINATORS = frozenset(".!?…")
_CJK_TERMINATORS = frozenset("。！？")
_CLOSERS = frozenset("\"')]}”’»")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt vs etc e.g i.e cf al approx dept est fig inc ltd co corp
    jan feb mar apr jun jul aug sep sept oct nov dec no vol pp gen col lt sgt capt rev hon""".split()
)
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")


def _word_before(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip("\"'([{“‘«")


def _is_boundary(text: str, term_start: int, next_char: str) -> bool:
    """Decide a '.'-style terminator at ``term_start`` followed by whitespace and ``next_char``."""
    run = text[term_start]
    if run in "!?":
        return True
    if next_char.islower():
        return False
    word = _word_before(text, term_start)
    if word.lower() in _ABBREVIATIONS or _INITIALISM.match(word):
        return False
    if word.isdigit() and len(word) <= 3:
        before = text[: term_start - len(word)].rstrip(" \t")
        if before == "" or before.endswith("\n"):
            return False  # "1. First item"
    return True


def find_sentence_end(text: str) -> int:
    """Return the index just past the first complete sentence in ``text``, or -1.

    See the module docstring for the rules; -1 also means "wait for more text".
    """
    in_fence = in_span = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "`":
            if text.startswith("```", i):
                in_fence, in_span = not in_fence, False
                i += 3
                continue
            if not in_fence:
                in_span = not in_span
        elif c == "\n" and in_span:
            in_span = False  # an unclosed span does not cross lines
        if in_fence or in_span:
            i += 1
            continue
        if c in _CJK_TERMINATORS:
            j = i + 1
            while j < n and (text[j] in _CJK_TERMINATORS or text[j] in _CLOSERS):
                j += 1
            return j
        if c == "\n" and text.startswith("\n\n", i) and text[:i].strip():
            k = i
            while k < n and text[k].isspace():
                k += 1
            if k == n:
                return -1
            return i
        if c in _TERMINATORS:
            j = i + 1
            while j < n and text[j] in _TERMINATORS:
                j += 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            if j == n:
                return -1
            if not text[j].isspace():
                i = j
                continue
            k = j
            while k < n and text[k].isspace():
                k += 1
            if k == n:
                return -1
            if _is_boundary(text, i, text[k]):
                return j
            i = j
            continue
        i += 1
    return -1


class SimpleTextAggregator(BaseTextAggregator):
    """Sentence aggregator used by TTS services by default; see the module docstring."""

    def __init__(self) -> None:
        self._text = ""

    @property
    def text(self) -> str:
        """The buffered, not yet returned text."""
        return self._text

    def aggregate(self, text: str) -> Aggregation | None:
        """Add ``text``; return the first complete sentence (stripped) or None."""
        self._text += text
        while True:
            end = find_sentence_end(self._text)
            if end < 0:
                return None
            sentence, self._text = self._text[:end].strip(), self._text[end:].lstrip()
            if sentence:
                return Aggregation(sentence, AggregationType.SENTENCE)

    def flush(self) -> Aggregation | None:
        """Return the rest of the buffer as a sentence, or None if only whitespace."""
        text, self._text = self._text.strip(), ""
        return Aggregation(text, AggregationType.SENTENCE) if text else None

    def reset(self) -> None:
        """Drop the buffer."""
        self._text = ""
