"""Deprecated ``STTMuteFilter``: mute STT and user input by strategy; use user mute strategies.

Placed between the STT service and the user aggregator. While muted it
drops VAD, user-speaking, interruption and transcription frames and tells the
STT service with an ``STTMuteFrame`` (pushed upstream). Constructing it warns.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    FunctionCallCancelFrame,
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
    FunctionCallsStartedFrame,
    InterimTranscriptionFrame,
    InterruptionFrame,
    StartFrame,
    STTMuteFrame,
    TranscriptionFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    VADUserSpeechPausedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["STTMuteConfig", "STTMuteFilter", "STTMuteStrategy"]

_SUPPRESSED = (
    InterruptionFrame,
    VADUserSpeechPausedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    InterimTranscriptionFrame,
    TranscriptionFrame,
)


class STTMuteStrategy(Enum):
    """When to mute."""

    FIRST_SPEECH = "first_speech"
    MUTE_UNTIL_FIRST_BOT_COMPLETE = "mute_until_first_bot_complete"
    FUNCTION_CALL = "function_call"
    ALWAYS = "always"
    CUSTOM = "custom"


@dataclass
class STTMuteConfig:
    """Strategies and the custom callback.

    Attributes:
        strategies: When to mute.
        should_mute_callback: ``async (filter) -> bool``, asked while the bot
            speaks; required for ``CUSTOM``.

    Raises:
        ValueError: ``CUSTOM`` without a callback, or ``FIRST_SPEECH`` with
            ``MUTE_UNTIL_FIRST_BOT_COMPLETE``.
    """

    strategies: set[STTMuteStrategy] = field(default_factory=set)
    should_mute_callback: Callable[[STTMuteFilter], Awaitable[bool]] | None = None

    def __post_init__(self) -> None:
        if STTMuteStrategy.CUSTOM in self.strategies and self.should_mute_callback is None:
            raise ValueError("STTMuteStrategy.CUSTOM needs should_mute_callback")
        if {STTMuteStrategy.FIRST_SPEECH, STTMuteStrategy.MUTE_UNTIL_FIRST_BOT_COMPLETE} <= self.strategies:
            raise ValueError("FIRST_SPEECH and MUTE_UNTIL_FIRST_BOT_COMPLETE cannot be combined")


class STTMuteFilter(FrameProcessor):
    """See the module docstring.

    Args:
        config: The strategies.
        stt_service: Deprecated and ignored.
        **kwargs: Passed to :class:`FrameProcessor`.
    """

    def __init__(self, *, config: STTMuteConfig, stt_service: Any = None, **kwargs: Any) -> None:
        warnings.warn(
            "STTMuteFilter is deprecated; use LLMUserAggregatorParams(user_mute_strategies=[...])",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(**kwargs)
        self._config = config
        self._muted = False
        self._bot_speaking = False
        self._first_done = False
        self._calls: set[str] = set()

    @property
    def is_muted(self) -> bool:
        """Whether input is muted."""
        return self._muted

    async def _should_mute(self) -> bool:
        s = self._config.strategies
        if STTMuteStrategy.FUNCTION_CALL in s and self._calls:
            return True
        if STTMuteStrategy.ALWAYS in s and self._bot_speaking:
            return True
        if STTMuteStrategy.MUTE_UNTIL_FIRST_BOT_COMPLETE in s and not self._first_done:
            return True
        if STTMuteStrategy.FIRST_SPEECH in s and self._bot_speaking and not self._first_done:
            return True
        if STTMuteStrategy.CUSTOM in s and self._bot_speaking and self._config.should_mute_callback:
            return await self._config.should_mute_callback(self)
        return False

    async def _refresh(self) -> None:
        muted = await self._should_mute()
        if muted != self._muted:
            self._muted = muted
            await self.push_frame(STTMuteFrame(mute=muted), FrameDirection.UPSTREAM)

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Track bot speech and calls; drop user input while muted."""
        await super().process_frame(frame, direction)
        changed = True
        if isinstance(frame, BotStartedSpeakingFrame):
            self._bot_speaking = True
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._bot_speaking = False
            self._first_done = True
        elif isinstance(frame, FunctionCallsStartedFrame):
            self._calls.update(c.tool_call_id for c in frame.function_calls)
        elif isinstance(frame, FunctionCallInProgressFrame):
            self._calls.add(frame.tool_call_id)
        elif isinstance(frame, (FunctionCallResultFrame, FunctionCallCancelFrame)):
            self._calls.discard(frame.tool_call_id)
        else:
            changed = isinstance(frame, StartFrame)
        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            await self._refresh()
            return
        if changed:
            await self._refresh()
        if self._muted and isinstance(frame, _SUPPRESSED):
            return
        await self.push_frame(frame, direction)
