"""``PatternPairAggregator``: sentences, plus spans between start/end patterns handled apart.

Register pattern pairs (``<voice>`` … ``</voice>``, ```` ```json ```` … ```` ``` ````)
with :meth:`PatternPairAggregator.add_pattern`; each gets a :class:`MatchAction`:

* ``REMOVE`` — the span, delimiters and content, disappears; sentences are
  built as if it had never been there;
* ``KEEP`` — the delimiters disappear, the content stays in the sentence;
* ``AGGREGATE`` — the content comes out as its own aggregation whose
  ``type`` is the pattern's type. Text buffered before the start pattern is
  first returned as a ``"sentence"``.

Handlers registered with :meth:`PatternPairAggregator.on_pattern_match` run
when a span is complete, for side effects only (switching a voice, logging):
they receive a :class:`PatternMatch` and cannot change the text. A plain
function runs before ``aggregate`` returns, so it takes effect before the
text that follows the span; a coroutine function is scheduled on the running
event loop.

Text outside spans is returned at sentence boundaries (the rules of
:func:`~voxpipe.utils.text.simple_text_aggregator.find_sentence_end`); a
sentence never ends inside an open span. :meth:`flush` (end of the response)
returns what is left; a span still open at that point is treated as closed
at the end of the text, so an unterminated ``<voice>`` tag is never spoken.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from voxpipe.utils.text.base_text_aggregator import Aggregation, AggregationType, BaseTextAggregator
from voxpipe.utils.text.simple_text_aggregator import find_sentence_end

__all__ = ["MatchAction", "PatternMatch", "PatternPairAggregator"]

logger = logging.getLogger("voxpipe")

_RESERVED_TYPES = frozenset({"sentence", "word"})


class MatchAction(Enum):
    """What to do with a matched span; see the module docstring."""

    REMOVE = "remove"
    KEEP = "keep"
    AGGREGATE = "aggregate"


@dataclass
class PatternMatch(Aggregation):
    """A complete span, as handed to pattern handlers (and returned for ``AGGREGATE``).

    Attributes:
        text: The content between the start and end patterns.
        type: The pattern's type, as given to ``add_pattern``.
        full_match: The span including both delimiters.
    """

    full_match: str = ""

    @property
    def content(self) -> str:
        """The content between the delimiters (the same as ``text``)."""
        return self.text

    @property
    def pattern_id(self) -> str:
        """Deprecated name of ``type``."""
        return str(self.type)


@dataclass
class _Pattern:
    type: str
    start: str
    end: str
    action: MatchAction


PatternHandler = Callable[[PatternMatch], Any]


class PatternPairAggregator(BaseTextAggregator):
    """Sentence aggregator that also detects and handles pattern pairs; see the module docstring.

    Example::

        aggregator = PatternPairAggregator()
        aggregator.add_pattern("voice", "<voice>", "</voice>", MatchAction.REMOVE)
        aggregator.on_pattern_match("voice", lambda m: tts.set_voice(VOICES[m.content.strip()]))
    """

    def __init__(self) -> None:
        self._text = ""
        self._patterns: dict[str, _Pattern] = {}
        self._handlers: dict[str, PatternHandler] = {}
        self._scan_from = 0  # spans before this index were already handled (KEEP content)
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def text(self) -> str:
        """The buffered, not yet returned text."""
        return self._text

    # -- configuration ------------------------------------------------------------------

    def add_pattern(
        self,
        type: str,
        start_pattern: str,
        end_pattern: str,
        action: MatchAction = MatchAction.REMOVE,
    ) -> PatternPairAggregator:
        """Register a pattern pair (replacing one of the same type).

        Args:
            type: Name of what the span holds (``"voice"``, ``"json"``); the
                ``type`` of its aggregations and matches. Not ``"sentence"``
                or ``"word"``.
            start_pattern: Literal text opening the span.
            end_pattern: Literal text closing the span.
            action: What to do with the span.

        Returns:
            This aggregator, for chaining.

        Raises:
            ValueError: ``type`` is reserved, or a pattern is empty.
        """
        if str(type) in _RESERVED_TYPES:
            raise ValueError(f"pattern type {type!r} is reserved for standard aggregations")
        if not start_pattern or not end_pattern:
            raise ValueError("start_pattern and end_pattern must not be empty")
        self._patterns[type] = _Pattern(type, start_pattern, end_pattern, MatchAction(action))
        return self

    def add_pattern_pair(
        self, pattern_id: str, start_pattern: str, end_pattern: str, remove_match: bool = True
    ) -> PatternPairAggregator:
        """Deprecated: use :meth:`add_pattern` (``remove_match`` maps to ``REMOVE`` / ``KEEP``)."""
        warnings.warn(
            "add_pattern_pair() is deprecated; use add_pattern(type, start, end, action)",
            DeprecationWarning,
            stacklevel=2,
        )
        action = MatchAction.REMOVE if remove_match else MatchAction.KEEP
        return self.add_pattern(pattern_id, start_pattern, end_pattern, action)

    def on_pattern_match(self, type: str, handler: PatternHandler) -> PatternPairAggregator:
        """Call ``handler(match)`` whenever a span of ``type`` is complete.

        Returns:
            This aggregator, for chaining.
        """
        self._handlers[type] = handler
        return self

    # -- aggregation --------------------------------------------------------------------

    def aggregate(self, text: str) -> Aggregation | None:
        """Add ``text``; return the next sentence or ``AGGREGATE`` span, or None if none is ready.

        Call again with ``""`` until it returns None to collect every unit one
        chunk completed.
        """
        self._text += text
        while True:
            found = self._find_start()
            if found is None:
                return self._next_sentence(len(self._text))
            pattern, start = found
            if pattern.action is MatchAction.AGGREGATE and self._text[:start].strip():
                sentence = self._next_sentence(start)
                if sentence is not None:
                    return sentence
                pattern, start = self._find_start() or (pattern, start)  # the text may have shifted
                before, self._text = self._text[:start].strip(), self._text[start:]
                self._scan_from = 0
                return Aggregation(before, AggregationType.SENTENCE)
            end = self._text.find(pattern.end, start + len(pattern.start))
            if end < 0:
                return self._next_sentence(start)  # wait for the span to close
            result = self._apply(pattern, start, end)
            if result is not None:
                return result

    def flush(self) -> Aggregation | None:
        """Return what is left (an open span counts as closed at the end), then clear."""
        found = self._find_start()
        if found is not None:
            pattern, start = found
            content = self._text[start + len(pattern.start) :]
            before = self._text[:start]
            if pattern.action is MatchAction.AGGREGATE and not before.strip():
                full = self._text[start:]
                self.reset()
                return PatternMatch(content.strip(), pattern.type, full) if content.strip() else None
            keep = content if pattern.action is MatchAction.KEEP else ""
            self._text = before + keep
        rest = self._text.strip()
        self.reset()
        return Aggregation(rest, AggregationType.SENTENCE) if rest else None

    def reset(self) -> None:
        """Drop the buffer."""
        self._text = ""
        self._scan_from = 0

    # -- internals ----------------------------------------------------------------------

    def _find_start(self) -> tuple[_Pattern, int] | None:
        """The earliest start pattern at or after ``_scan_from`` (longest pattern on a tie)."""
        best: tuple[_Pattern, int] | None = None
        for pattern in self._patterns.values():
            index = self._text.find(pattern.start, self._scan_from)
            if index < 0:
                continue
            if best is None or index < best[1] or (
                index == best[1] and len(pattern.start) > len(best[0].start)
            ):
                best = (pattern, index)
        return best

    def _next_sentence(self, limit: int) -> Aggregation | None:
        """Return the first complete sentence ending at or before ``limit``, if any."""
        while True:
            end = find_sentence_end(self._text)
            if end < 0 or end > limit:
                return None
            sentence, rest = self._text[:end].strip(), self._text[end:].lstrip()
            removed = len(self._text) - len(rest)
            self._scan_from = max(0, self._scan_from - removed)
            limit -= removed
            self._text = rest
            if sentence:
                return Aggregation(sentence, AggregationType.SENTENCE)

    def _apply(self, pattern: _Pattern, start: int, end: int) -> Aggregation | None:
        """Handle the complete span ``[start, end + len(end pattern))``."""
        after = end + len(pattern.end)
        content = self._text[start + len(pattern.start) : end]
        match = PatternMatch(content, pattern.type, self._text[start:after])
        self._notify(match)
        if pattern.action is MatchAction.AGGREGATE:
            self._text = self._text[after:]
            self._scan_from = 0
            match.text = content.strip()
            return match if match.text else None
        if pattern.action is MatchAction.KEEP:
            self._text = self._text[:start] + content + self._text[after:]
            self._scan_from = start + len(content)
        else:
            self._text = self._text[:start] + self._text[after:]
            self._scan_from = start
        return None

    def _notify(self, match: PatternMatch) -> None:
        handler = self._handlers.get(str(match.type))
        if handler is None:
            return
        try:
            result = handler(match)
        except Exception:
            logger.exception("pattern handler for %r raised", match.type)
            return
        if inspect.isawaitable(result):
            try:
                task = asyncio.ensure_future(result)
            except RuntimeError:  # no running event loop
                if inspect.iscoroutine(result):
                    result.close()
                logger.warning("pattern handler for %r is async but no event loop runs", match.type)
                return
            self._tasks.add(task)
            task.add_done_callback(self._handler_done)

    def _handler_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("pattern handler raised", exc_info=task.exception())
