"""Deprecated ``TranscriptProcessor``: transcript updates from both sides; use turn events.

``transcript.user()`` (after STT) reports each ``TranscriptionFrame`` as a
user message; ``transcript.assistant()`` (after the output transport)
aggregates ``TTSTextFrame`` frames into one assistant message, emitted at the end
of the response, on an interruption, or at ``EndFrame``/``CancelFrame``.
Both fire ``on_transcript_update(processor, TranscriptionUpdateFrame)`` and
push the update frame downstream.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timezone
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    InterruptionFrame,
    LLMFullResponseEndFrame,
    TranscriptionFrame,
    TranscriptionMessage,
    TranscriptionUpdateFrame,
    TTSTextFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["AssistantTranscriptProcessor", "TranscriptProcessor", "UserTranscriptProcessor"]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class _BaseTranscriptProcessor(FrameProcessor):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._register_event_handler("on_transcript_update")

    async def _emit(self, messages: list[TranscriptionMessage]) -> None:
        frame = TranscriptionUpdateFrame(messages=messages)
        await self._call_event_handler("on_transcript_update", frame)
        await self.push_frame(frame)


class UserTranscriptProcessor(_BaseTranscriptProcessor):
    """Reports each final transcription as a user message."""

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Pass the frame on; report transcriptions."""
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, TranscriptionFrame) and frame.text.strip():
            await self._emit(
                [TranscriptionMessage("user", frame.text, frame.timestamp or _now(), frame.user_id or None)]
            )


class AssistantTranscriptProcessor(_BaseTranscriptProcessor):
    """Aggregates spoken text into assistant messages."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._parts: list[str] = []
        self._at: str | None = None

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Pass the frame on; collect ``TTSTextFrame``s and flush at boundaries."""
        await super().process_frame(frame, direction)
        if isinstance(frame, TTSTextFrame):
            self._at = self._at or _now()
            self._parts.append(frame.text)
        elif isinstance(frame, (InterruptionFrame, LLMFullResponseEndFrame, BotStoppedSpeakingFrame, EndFrame, CancelFrame)):
            await self._flush()
        await self.push_frame(frame, direction)

    async def _flush(self) -> None:
        text = " ".join(p.strip() for p in self._parts if p.strip())
        self._parts.clear()
        at, self._at = self._at, None
        if text:
            await self._emit([TranscriptionMessage("assistant", text, at)])


class TranscriptProcessor:
    """Factory of the user and assistant processors sharing event handlers (deprecated)."""

    def __init__(self) -> None:
        warnings.warn(
            "TranscriptProcessor is deprecated; use on_user_turn_stopped / on_assistant_turn_stopped",
            DeprecationWarning,
            stacklevel=2,
        )
        self._user: UserTranscriptProcessor | None = None
        self._assistant: AssistantTranscriptProcessor | None = None
        self._handlers: list[tuple[str, Any]] = []

    def user(self, **kwargs: Any) -> UserTranscriptProcessor:
        """The user processor (created on first call)."""
        if self._user is None:
            self._user = UserTranscriptProcessor(**kwargs)
            for name, handler in self._handlers:
                self._user.add_event_handler(name, handler)
        return self._user

    def assistant(self, **kwargs: Any) -> AssistantTranscriptProcessor:
        """The assistant processor (created on first call)."""
        if self._assistant is None:
            self._assistant = AssistantTranscriptProcessor(**kwargs)
            for name, handler in self._handlers:
                self._assistant.add_event_handler(name, handler)
        return self._assistant

    def event_handler(self, event_name: str) -> Any:
        """Register a handler on both processors (existing and future)."""

        def decorator(handler: Any) -> Any:
            self._handlers.append((event_name, handler))
            for p in (self._user, self._assistant):
                if p is not None:
                    p.add_event_handler(event_name, handler)
            return handler

        return decorator
