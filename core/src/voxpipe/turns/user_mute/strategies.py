"""The built-in user mute strategies."""

from __future__ import annotations

from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    FunctionCallCancelFrame,
    FunctionCallResultFrame,
    FunctionCallsStartedFrame,
)
from voxpipe.turns.user_mute.base_user_mute_strategy import BaseUserMuteStrategy

__all__ = [
    "AlwaysUserMuteStrategy",
    "FirstSpeechUserMuteStrategy",
    "FunctionCallUserMuteStrategy",
    "MuteUntilFirstBotCompleteUserMuteStrategy",
]


class AlwaysUserMuteStrategy(BaseUserMuteStrategy):
    """Muted whenever the bot speaks: from ``BotStartedSpeakingFrame`` to ``BotStoppedSpeakingFrame``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._bot_speaking = False

    async def reset(self) -> None:
        """Forget the bot's speaking state."""
        self._bot_speaking = False

    async def process_frame(self, frame: Frame) -> bool:
        """Track bot speech."""
        if isinstance(frame, BotStartedSpeakingFrame):
            self._bot_speaking = True
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._bot_speaking = False
        return self._bot_speaking


class FirstSpeechUserMuteStrategy(BaseUserMuteStrategy):
    """Muted only during the bot's first speech; input before it and after it flows."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._speaking = False
        self._done = False

    async def reset(self) -> None:
        """Start over: the next bot speech is the first again."""
        self._speaking = self._done = False

    async def process_frame(self, frame: Frame) -> bool:
        """Mute from the first bot start to the first bot stop."""
        if self._done:
            return False
        if isinstance(frame, BotStartedSpeakingFrame):
            self._speaking = True
        elif isinstance(frame, BotStoppedSpeakingFrame) and self._speaking:
            self._speaking = False
            self._done = True
        return self._speaking


class MuteUntilFirstBotCompleteUserMuteStrategy(BaseUserMuteStrategy):
    """Muted from the start of the session until the bot's first speech completes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._done = False

    async def reset(self) -> None:
        """Start over: muted until the next bot speech completes."""
        self._done = False

    @property
    def initially_muted(self) -> bool:
        """True: this strategy mutes before any frame is seen."""
        return not self._done

    async def process_frame(self, frame: Frame) -> bool:
        """Unmute for good at the first ``BotStoppedSpeakingFrame``."""
        if isinstance(frame, BotStoppedSpeakingFrame):
            self._done = True
        return not self._done


class FunctionCallUserMuteStrategy(BaseUserMuteStrategy):
    """Muted while function calls run, counting concurrent calls by ``tool_call_id``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._running: set[str] = set()

    async def reset(self) -> None:
        """Forget running calls."""
        self._running.clear()

    async def process_frame(self, frame: Frame) -> bool:
        """Add calls on ``FunctionCallsStartedFrame``; remove them on result or cancel."""
        if isinstance(frame, FunctionCallsStartedFrame):
            self._running.update(call.tool_call_id for call in frame.function_calls)
        elif isinstance(frame, (FunctionCallResultFrame, FunctionCallCancelFrame)):
            self._running.discard(frame.tool_call_id)
        return bool(self._running)
