"""Deprecated ``UserIdleProcessor``: calls back when the user stays silent; use ``user_idle_timeout``.

Monitoring starts at the first ``UserStartedSpeakingFrame`` or ``BotSpeakingFrame``.
``UserStartedSpeakingFrame`` pauses it and resets ``retry_count``;
``UserStoppedSpeakingFrame`` and ``BotSpeakingFrame`` restart the timer;
``EndFrame``/``CancelFrame`` stop it. The callback is ``async (processor)`` or
``async (processor, retry_count) -> bool`` (False stops monitoring). Timing
uses an injectable clock (``clock=``).
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotSpeakingFrame,
    CancelFrame,
    EndFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.turns.timing import LoopClock, Timer, TurnClock

__all__ = ["UserIdleProcessor"]


class UserIdleProcessor(FrameProcessor):
    """See the module docstring.

    Args:
        callback: Called on idle (see the module docstring).
        timeout: Idle seconds.
        clock: Time source (default: the event loop's).
        **kwargs: Passed to :class:`FrameProcessor`.
    """

    def __init__(
        self,
        *,
        callback: Callable[..., Awaitable[Any]],
        timeout: float,
        clock: TurnClock | None = None,
        **kwargs: Any,
    ) -> None:
        warnings.warn(
            "UserIdleProcessor is deprecated; use LLMUserAggregatorParams(user_idle_timeout=...) "
            "and the on_user_turn_idle event",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(**kwargs)
        self._callback = callback
        self._with_retry = len(inspect.signature(callback).parameters) >= 2
        self._timeout = timeout
        self._retry_count = 0
        self._monitoring = False
        self._stopped = False
        self._timer = Timer(clock or LoopClock(), self._idle, create_task=self.create_task, name="user-idle")

    @property
    def retry_count(self) -> int:
        """Idle callbacks since the user last spoke."""
        return self._retry_count

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Track activity; pass every frame on."""
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, (EndFrame, CancelFrame)):
            self._stopped = True
            self._timer.cancel()
        elif self._stopped:
            return
        elif isinstance(frame, UserStartedSpeakingFrame):
            self._monitoring = True
            self._retry_count = 0
            self._timer.cancel()
        elif isinstance(frame, (UserStoppedSpeakingFrame, BotSpeakingFrame)):
            self._monitoring = True
            self._timer.start(self._timeout)

    async def _idle(self) -> None:
        if not self._monitoring or self._stopped:
            return
        self._retry_count += 1
        if self._with_retry:
            keep = await self._callback(self, self._retry_count)
            if keep is False:
                self._stopped = True
                return
        else:
            await self._callback(self)
        self._timer.start(self._timeout)

    async def cleanup(self) -> None:
        """Stop the timer."""
        self._timer.cancel()
        await super().cleanup()
