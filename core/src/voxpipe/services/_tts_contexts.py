"""Audio contexts of ``TTSService``: ids, start/stop frames, the stop timer, the pause.

A *context* is one unit of speech with its own ``context_id``: by default one
LLM response (every sentence of the turn shares the id,
``reuse_context_id_within_turn=True``) or one ``TTSSpeakFrame``; with
``reuse_context_id_within_turn=False`` every synthesis call gets its own.

Start frames (``push_start_frame``):

* ``False`` (default) — ``run_tts`` may yield its own ``TTSStartedFrame``; the
  base stamps it with the context id and drops duplicates. If it does not,
  the base pushes one just before the context's first output (audio or
  text). A context that produces nothing announces nothing: no
  ``TTSStartedFrame`` and no ``TTSStoppedFrame``.
* ``True`` — the base pushes ``TTSStartedFrame`` when the context opens,
  before the synthesis request.

Stop frames: at the end of the context, or ``stop_frame_timeout_s`` after its
last audio with ``push_stop_frames=True`` (audio arriving on a receive task).
When a newer context's audio starts while an older one waits for that timer,
the older one is stopped first (its audio is over).
"""

from __future__ import annotations

import asyncio

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import TTSAudioRawFrame, TTSStartedFrame, TTSStoppedFrame, TTSTextFrame

__all__ = ["AudioContextsMixin"]


class AudioContextsMixin:
    """Context bookkeeping for ``TTSService`` (which provides the attributes used here)."""

    _push_start_frame: bool
    _push_stop_frames: bool
    _stop_frame_timeout_s: float
    _pause_frame_processing: bool
    _push_silence_after_stop: bool
    _silence_time_s: float
    _sample_rate: int

    def _init_contexts(self) -> None:
        self._context_id: str | None = None  # the open context, if any
        self._active_contexts: set[str] = set()
        self._started_contexts: set[str] = set()
        self._context_audio_bytes = 0
        self._stop_task: asyncio.Task[None] | None = None
        self._stop_context: str | None = None
        self._resume_task: asyncio.Task[None] | None = None
        self._announcing: TTSStartedFrame | None = None

    def audio_context_active(self, context_id: str | None) -> bool:
        """Whether audio for ``context_id`` is still wanted (not interrupted)."""
        return context_id is None or context_id in self._active_contexts

    async def _open_context(self) -> str:
        if self._context_id is None:
            self._context_id = self.create_context_id()  # type: ignore[attr-defined]
            self._active_contexts.add(self._context_id)
            self._context_audio_bytes = 0
            if self._push_start_frame:
                await self._announce(self._context_id)
        return self._context_id

    async def _announce(self, context_id: str, frame: TTSStartedFrame | None = None) -> None:
        self._started_contexts.add(context_id)
        started = frame or TTSStartedFrame(context_id=context_id)
        started.context_id = context_id
        self._announcing = started
        try:
            await self.push_frame(started)  # type: ignore[attr-defined]
        finally:
            self._announcing = None

    async def _context_output(self, frame: Frame) -> bool:
        """Before ``frame`` is pushed: announce its context if needed; False drops ``frame``."""
        ctx = getattr(frame, "context_id", None)
        if isinstance(frame, TTSStartedFrame):
            if frame is self._announcing:
                return True
            ctx = ctx or self._context_id
            if ctx is None or ctx not in self._active_contexts:
                return True
            if ctx not in self._started_contexts:
                await self._announce(ctx, frame)
            return False  # announced now, or a duplicate
        if (
            isinstance(frame, (TTSAudioRawFrame, TTSTextFrame))
            and ctx is not None
            and ctx in self._active_contexts
            and ctx not in self._started_contexts
        ):
            await self._announce(ctx)
        return True

    async def _close_context(self) -> None:
        context_id, self._context_id = self._context_id, None
        if context_id is None:
            return
        if not self._push_stop_frames:
            await self._push_stopped(context_id)
        if self._pause_frame_processing and self._context_audio_bytes:
            rate = max(self._sample_rate, 1)
            bound = self._context_audio_bytes / (2 * rate) + self._stop_frame_timeout_s
            await self.pause_processing_frames()  # type: ignore[attr-defined]
            self._resume_task = self.create_task(self._resume_later(bound), "resume")  # type: ignore[attr-defined]

    async def _push_stopped(self, context_id: str) -> None:
        await self._end_words(context_id)  # type: ignore[attr-defined]
        if context_id in self._started_contexts:  # else nothing was announced: nothing to stop
            await self.push_frame(TTSStoppedFrame(context_id=context_id))  # type: ignore[attr-defined]
            if self._push_silence_after_stop:
                silence = bytes(2 * int(self._sample_rate * self._silence_time_s))
                await self.push_frame(self._audio_frame(silence, context_id))  # type: ignore[attr-defined]
        self._started_contexts.discard(context_id)
        self._active_contexts.discard(context_id)

    async def _arm_stop_timer(self, context_id: str) -> None:
        previous = self._stop_context
        if self._stop_task is not None:
            self._stop_task.cancel()
        self._stop_context = context_id
        self._stop_task = self.create_task(self._stop_after_idle(context_id), "stop-frame")  # type: ignore[attr-defined]
        if previous not in (None, context_id) and previous in self._active_contexts:
            await self._push_stopped(previous)  # type: ignore[arg-type]

    async def _stop_after_idle(self, context_id: str) -> None:
        await asyncio.sleep(self._stop_frame_timeout_s)
        self._stop_task = self._stop_context = None
        if context_id in self._active_contexts:
            await self._push_stopped(context_id)

    async def _resume_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._resume_task = None
        await self.resume_processing_frames()  # type: ignore[attr-defined]

    async def _resume_after_speech(self) -> None:
        task, self._resume_task = self._resume_task, None
        if task is not None:
            task.cancel()
        if self.is_paused:  # type: ignore[attr-defined]
            await self.resume_processing_frames()  # type: ignore[attr-defined]

    def _forget_contexts(self) -> None:
        self._active_contexts.clear()
        self._started_contexts.clear()
        self._context_id = None

    async def _stop_context_tasks(self) -> None:
        for task in (self._stop_task, self._resume_task):
            if task is not None:
                await self.cancel_task(task)  # type: ignore[attr-defined]
        self._stop_task = self._resume_task = None
        self._stop_context = None
