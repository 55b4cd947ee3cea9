"""``UserIdleController``: notices a user who stays silent after the bot spoke.

The idle timer starts when the bot stops speaking and is cancelled when the
user or the bot starts speaking. It does not run while a function call is in
progress or a user turn is open. When it expires the callback runs and the
timer re-arms, so a user who stays silent is prompted again every
``timeout`` seconds. A timeout of 0 disables it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    FunctionCallCancelFrame,
    FunctionCallResultFrame,
    FunctionCallsStartedFrame,
    UserIdleTimeoutUpdateFrame,
    UserStartedSpeakingFrame,
    VADUserStartedSpeakingFrame,
)
from voxpipe.turns.timing import TaskFactory, Timer, TurnClock

__all__ = ["UserIdleController"]


class UserIdleController:
    """See the module docstring.

    Args:
        timeout: Idle seconds before ``on_idle`` runs; 0 disables.
        on_idle: Awaited on each expiry.
        clock: Time source.
        create_task: The owner's task factory.
        user_turn_active: Returns whether a user turn is open.
    """

    def __init__(
        self,
        *,
        timeout: float,
        on_idle: Callable[[], Awaitable[None]],
        clock: TurnClock,
        create_task: TaskFactory,
        user_turn_active: Callable[[], bool],
    ) -> None:
        self._timeout = timeout
        self._on_idle = on_idle
        self._user_turn_active = user_turn_active
        self._calls: set[str] = set()
        self._timer = Timer(clock, self._expired, create_task=create_task, name="user-idle")

    @property
    def timeout(self) -> float:
        """Idle seconds (0: disabled)."""
        return self._timeout

    @property
    def running(self) -> bool:
        """Whether the idle timer is armed."""
        return self._timer.running

    def process_frame(self, frame: Frame) -> None:
        """Arm, disarm or suspend the timer according to ``frame``."""
        if isinstance(frame, UserIdleTimeoutUpdateFrame):
            self._timeout = max(0.0, frame.timeout)
            if not self._timeout:
                self._timer.cancel()
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._arm()
        elif isinstance(
            frame, (BotStartedSpeakingFrame, UserStartedSpeakingFrame, VADUserStartedSpeakingFrame)
        ):
            self._timer.cancel()
        elif isinstance(frame, FunctionCallsStartedFrame):
            self._calls.update(c.tool_call_id for c in frame.function_calls)
            self._timer.cancel()
        elif isinstance(frame, (FunctionCallResultFrame, FunctionCallCancelFrame)):
            self._calls.discard(frame.tool_call_id)

    def _arm(self) -> None:
        if self._timeout > 0 and not self._calls and not self._user_turn_active():
            self._timer.start(self._timeout)

    async def _expired(self) -> None:
        if self._calls or self._user_turn_active() or not self._timeout:
            return
        await self._on_idle()
        self._arm()

    def cancel(self) -> None:
        """Disarm the timer."""
        self._timer.cancel()
