"""Word timestamps and the text fallback of ``TTSService`` (``push_text_frames=False``).

Providers that report when each word is spoken call
:meth:`WordTimestampsMixin.add_word_timestamps` with ``(word, seconds)``
pairs, counted from the first audio of the context and cumulative across the
pieces of one turn. Each word becomes a ``TTSTextFrame``
(``aggregated_by="word"``) pushed **in the audio stream**, right after the
audio frame that reaches its timestamp (at once if that audio was already
pushed). The output transport releases frames behind the audio they follow
once that audio was written, so a word reaches the assistant aggregator when
it is heard — and an interruption keeps exactly the words already spoken and
drops the rest with their audio.

**Fallback.** For a word-timestamp service (class attribute
``word_timestamps = True``, or any service once it has called
``add_word_timestamps``) a context for which no timestamp ever arrived still
gets its text committed:

* when the context ends (before its ``TTSStoppedFrame``), the text sent for
  synthesis is pushed as one ``TTSTextFrame``, behind its audio;
* when it is interrupted after some of its audio was produced, that text is
  pushed as a :class:`HeardTextFrame` — a ``TTSTextFrame`` that is also a
  ``SystemFrame``, so it travels ahead of the ``InterruptionFrame`` and the
  assistant aggregator commits it with the interrupted turn.

Words still pending when a context ends are pushed then; ``EndFrame``
pushes everything pending.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass

from voxpipe.frames._base import SystemFrame
from voxpipe.frames.frames import TTSTextFrame
from voxpipe.utils.text.base_text_aggregator import AggregationType

__all__ = ["HeardTextFrame", "WordTimestampsMixin"]

logger = logging.getLogger("voxpipe")


@dataclass
class HeardTextFrame(TTSTextFrame, SystemFrame):
    """Text of an interrupted context the provider gave no timestamps for.

    A system frame, so it reaches the assistant aggregator before the
    ``InterruptionFrame`` that would otherwise discard it.
    """


class _ContextWords:
    __slots__ = ("audio_secs", "pending", "text", "timed")

    def __init__(self) -> None:
        self.audio_secs = 0.0  # audio pushed so far for the context
        self.pending: deque[tuple[float, str]] = deque()  # (seconds, word), not yet pushed
        self.text: list[str] = []  # what was sent for synthesis (the fallback)
        self.timed = False  # a timestamp arrived for this context


class WordTimestampsMixin:
    """In-stream word ``TTSTextFrame``s and the no-timestamp fallback; mixed into ``TTSService``."""

    #: The provider reports word timestamps: with ``push_text_frames=False``
    #: the text of a context that got none is still committed (the fallback).
    #: Set on the instance by the first :meth:`add_word_timestamps` call.
    word_timestamps: bool = False

    def _init_word_timestamps(self) -> None:
        self._word_contexts: dict[str | None, _ContextWords] = {}

    def _words_of(self, context_id: str | None) -> _ContextWords:
        words = self._word_contexts.get(context_id)
        if words is None:
            words = self._word_contexts[context_id] = _ContextWords()
        return words

    def _note_synthesis_text(self, context_id: str, text: str) -> None:
        """Remember ``text`` was sent for ``context_id`` (the fallback if no timestamps come)."""
        if self.word_timestamps:
            self._words_of(context_id).text.append(text)

    async def add_word_timestamps(
        self, word_times: list[tuple[str, float]], context_id: str | None = None
    ) -> None:
        """Schedule ``(word, seconds)`` pairs as ``TTSTextFrame``s in the audio stream.

        Args:
            word_times: Words with their start time in seconds, counted from
                the first audio of the context (cumulative within a turn).
            context_id: The context they belong to; defaults to the open one.
        """
        ctx = context_id if context_id is not None else self._context_id  # type: ignore[attr-defined]
        if not self.audio_context_active(ctx):  # type: ignore[attr-defined]
            return  # interrupted or already ended: its audio was dropped too
        self.word_timestamps = True
        words = self._words_of(ctx)
        words.timed = True
        words.pending.extend((max(0.0, float(seconds)), word) for word, seconds in word_times)
        await self._release_words(ctx, words)

    async def _words_after_audio(self, context_id: str | None, seconds: float) -> None:
        """Called after an audio frame of ``seconds`` was pushed for ``context_id``."""
        words = self._words_of(context_id)
        words.audio_secs += seconds
        if words.pending:
            await self._release_words(context_id, words)

    async def _release_words(self, context_id: str | None, words: _ContextWords) -> None:
        while words.pending and words.pending[0][0] < words.audio_secs:
            _, word = words.pending.popleft()
            await self._push_word(word, context_id)

    async def _push_word(self, word: str, ctx: str | None) -> None:
        await self.push_frame(  # type: ignore[attr-defined]
            TTSTextFrame(text=word, aggregated_by=AggregationType.WORD, context_id=ctx)
        )

    async def _end_words(self, context_id: str | None) -> None:
        """The context ends: push its pending words, or its text if no timestamp came."""
        words = self._word_contexts.pop(context_id, None)
        if words is None:
            return
        while words.pending:
            _, word = words.pending.popleft()
            await self._push_word(word, context_id)
        if not words.timed and words.text:
            logger.debug("%s: no word timestamps for context %s; committing its text", self, context_id)
            await self.push_frame(  # type: ignore[attr-defined]
                TTSTextFrame(text=_join(words.text), aggregated_by=AggregationType.SENTENCE, context_id=context_id)
            )

    async def _interrupt_words(self) -> None:
        """Interruption: commit the text of untimed contexts that produced audio; forget the rest."""
        contexts, self._word_contexts = self._word_contexts, {}
        for ctx, words in contexts.items():
            if not words.timed and words.text and words.audio_secs > 0:
                await self.push_frame(  # type: ignore[attr-defined]
                    HeardTextFrame(text=_join(words.text), aggregated_by=AggregationType.SENTENCE, context_id=ctx)
                )

    async def _end_all_words(self) -> None:
        for ctx in list(self._word_contexts):
            await self._end_words(ctx)


def _join(parts: list[str]) -> str:
    return " ".join(p.strip() for p in parts if p.strip())
