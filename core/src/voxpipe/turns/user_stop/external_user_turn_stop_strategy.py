"""``ExternalUserTurnStopStrategy``: another processor decides when turns end."""

from __future__ import annotations

from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import UserStartedSpeakingFrame, UserStoppedSpeakingFrame
from voxpipe.turns.timing import Timer
from voxpipe.turns.types import ProcessFrameResult, UserTurnHost
from voxpipe.turns.user_stop.base_user_turn_stop_strategy import BaseUserTurnStopStrategy

__all__ = ["ExternalUserTurnStopStrategy"]


class ExternalUserTurnStopStrategy(BaseUserTurnStopStrategy):
    """Ends the turn ``timeout`` seconds after an upstream ``UserStoppedSpeakingFrame``.

    The short delay lets transcripts that trail the external stop join the
    turn. ``enable_user_speaking_frames`` is forced off: the external source
    already announced the stop.

    Args:
        timeout: Seconds to wait for late transcripts.
        **kwargs: See :class:`BaseUserTurnStopStrategy`.
    """

    def __init__(self, *, timeout: float = 0.5, **kwargs: Any) -> None:
        kwargs["enable_user_speaking_frames"] = False
        super().__init__(**kwargs)
        self._timeout = timeout
        self._timer: Timer | None = None

    async def setup(self, host: UserTurnHost) -> None:
        """Attach to the controller and create the delay timer."""
        await super().setup(host)
        self._timer = Timer(host.clock, self._stop, create_task=host.create_task, name="external-stop")

    async def cleanup(self) -> None:
        """Stop the timer."""
        if self._timer is not None:
            self._timer.cancel()
        await super().cleanup()

    async def reset(self) -> None:
        """Drop a pending stop."""
        if self._timer is not None:
            self._timer.cancel()

    async def process_frame(self, frame: Frame) -> ProcessFrameResult:
        """Schedule the stop on ``UserStoppedSpeakingFrame``; a new start cancels it."""
        if self._timer is None:
            return ProcessFrameResult.CONTINUE
        if isinstance(frame, UserStoppedSpeakingFrame):
            if self._timeout > 0:
                self._timer.start(self._timeout)
            else:
                await self._stop()
        elif isinstance(frame, UserStartedSpeakingFrame):
            self._timer.cancel()
        return ProcessFrameResult.CONTINUE

    async def _stop(self) -> None:
        if self.host.user_turn_active:
            await self.trigger_user_turn_stopped()
