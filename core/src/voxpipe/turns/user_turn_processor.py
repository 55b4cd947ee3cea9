"""``UserTurnProcessor``: one source of user turn events for several context aggregators.

Place it before a ``ParallelPipeline`` whose aggregators use
``ExternalUserTurnStrategies``. It runs the strategies, broadcasts
``UserStartedSpeakingFrame``/``UserStoppedSpeakingFrame``, interrupts (by
pushing ``InterruptionTaskFrame`` upstream) and fires
``on_user_turn_started(processor, strategy)``,
``on_user_turn_stopped(processor, strategy)``,
``on_user_turn_stop_timeout(processor)`` and ``on_user_turn_idle(processor)``.
It aggregates no text: transcripts pass through to the aggregators.
"""

from __future__ import annotations

from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    InterruptionTaskFrame,
    StartFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.turns.timing import LoopClock, TurnClock
from voxpipe.turns.types import BaseUserTurnStrategy, UserTurnStartedParams, UserTurnStoppedParams
from voxpipe.turns.user_idle_controller import UserIdleController
from voxpipe.turns.user_turn_controller import UserTurnController
from voxpipe.turns.user_turn_strategies import UserTurnStrategies

__all__ = ["UserTurnProcessor"]


class UserTurnProcessor(FrameProcessor):
    """See the module docstring.

    Args:
        user_turn_strategies: Start/stop strategies (defaults: ``UserTurnStrategies()``).
        user_turn_stop_timeout: Safety net in seconds.
        user_idle_timeout: Idle seconds before ``on_user_turn_idle``; 0 disables.
        clock: Time source for every timer.
        **kwargs: Passed to :class:`FrameProcessor`.
    """

    def __init__(
        self,
        *,
        user_turn_strategies: UserTurnStrategies | None = None,
        user_turn_stop_timeout: float = 5.0,
        user_idle_timeout: float = 0.0,
        clock: TurnClock | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        turn_clock = clock or LoopClock()
        self._turns = UserTurnController(
            self,
            user_turn_strategies or UserTurnStrategies(),
            user_turn_stop_timeout=user_turn_stop_timeout,
            clock=turn_clock,
        )
        self._idle = UserIdleController(
            timeout=user_idle_timeout,
            on_idle=lambda: self._call_event_handler("on_user_turn_idle"),
            clock=turn_clock,
            create_task=self.create_task,
            user_turn_active=lambda: self._turns.user_turn_active,
        )
        for event in ("on_user_turn_started", "on_user_turn_stopped", "on_user_turn_stop_timeout", "on_user_turn_idle"):
            self._register_event_handler(event)

    @property
    def user_turn_active(self) -> bool:
        """Whether a user turn is open."""
        return self._turns.user_turn_active

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Pass every frame on, then run the strategies on it."""
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self._turns.setup()
        elif isinstance(frame, (EndFrame, CancelFrame)):
            self._idle.cancel()
            await self._turns.cleanup()
            return
        self._idle.process_frame(frame)
        await self._turns.process_frame(frame)

    async def cleanup(self) -> None:
        """Stop timers and strategies."""
        self._idle.cancel()
        await self._turns.cleanup()
        await super().cleanup()

    async def _on_user_turn_started(self, strategy: BaseUserTurnStrategy, params: UserTurnStartedParams) -> None:
        self._idle.cancel()
        if params.enable_user_speaking_frames:
            await self.broadcast_frame(UserStartedSpeakingFrame)
        if params.enable_interruptions and self.interruptions_allowed:
            await self.push_frame(InterruptionTaskFrame(), FrameDirection.UPSTREAM)
        await self._call_event_handler("on_user_turn_started", strategy)

    async def _on_user_turn_stopped(
        self, strategy: BaseUserTurnStrategy | None, params: UserTurnStoppedParams
    ) -> None:
        if params.enable_user_speaking_frames:
            await self.broadcast_frame(UserStoppedSpeakingFrame)
        await self._call_event_handler("on_user_turn_stopped", strategy)

    async def _on_user_turn_stop_timeout(self) -> None:
        await self._call_event_handler("on_user_turn_stop_timeout")

    async def _on_reset_aggregation(self) -> None:
        """Nothing to reset: this processor aggregates no text."""
