"""Word-timestamp support for ``TTSService`` (kept apart to keep that module one page).

Providers that report when each word is spoken call
:meth:`WordTimestampsMixin.add_word_timestamps`; each word becomes a
``TTSTextFrame`` (``aggregated_by="word"``) pushed when its audio should be
playing: its timestamp counted from the first audio frame of the context.
Interruption discards words not yet pushed; ``EndFrame`` pushes them at once
so the assistant context still gets the full text.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from voxpipe.frames.frames import TTSTextFrame
from voxpipe.utils.text.base_text_aggregator import AggregationType

__all__ = ["WordTimestampsMixin"]


class WordTimestampsMixin:
    """Timed ``TTSTextFrame`` output; mixed into ``TTSService``."""

    def _init_word_timestamps(self) -> None:
        self._words: deque[tuple[float, str, str | None]] = deque()
        self._word_wakeup = asyncio.Event()
        self._word_task: asyncio.Task[None] | None = None
        self._audio_started_at: dict[str | None, float] = {}

    def _mark_audio(self, context_id: str | None) -> None:
        self._audio_started_at.setdefault(context_id, time.monotonic())

    async def add_word_timestamps(
        self, word_times: list[tuple[str, float]], context_id: str | None = None
    ) -> None:
        """Schedule ``(word, seconds)`` pairs as ``TTSTextFrame``s.

        Args:
            word_times: Words with their start time in seconds, counted from
                the first audio of the context (cumulative within a turn).
            context_id: The context they belong to; defaults to the open one.
        """
        ctx = context_id if context_id is not None else self._context_id  # type: ignore[attr-defined]
        if not self.audio_context_active(ctx) and ctx not in self._audio_started_at:  # type: ignore[attr-defined]
            return
        base = self._audio_started_at.get(ctx) or time.monotonic()
        for word, seconds in word_times:
            self._words.append((base + max(0.0, seconds), word, ctx))
        self._word_wakeup.set()
        if self._word_task is None:
            self._word_task = self.create_task(self._word_worker(), "words")  # type: ignore[attr-defined]

    async def _word_worker(self) -> None:
        while True:
            if not self._words:
                self._word_wakeup.clear()
                await self._word_wakeup.wait()
                continue
            due, word, ctx = self._words[0]
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            self._words.popleft()
            await self._push_word(word, ctx)

    async def _push_word(self, word: str, ctx: str | None) -> None:
        await self.push_frame(  # type: ignore[attr-defined]
            TTSTextFrame(text=word, aggregated_by=AggregationType.WORD, context_id=ctx)
        )

    async def _flush_words(self, context_id: str | None) -> None:
        """Forget the audio start of a closed context (its words stay scheduled)."""
        self._audio_started_at.pop(context_id, None)

    def _clear_words(self) -> None:
        self._words.clear()
        self._audio_started_at.clear()

    async def _stop_word_task(self) -> None:
        task, self._word_task = self._word_task, None
        if task is not None:
            await self.cancel_task(task)  # type: ignore[attr-defined]
        while self._words:
            _, word, ctx = self._words.popleft()
            await self._push_word(word, ctx)
