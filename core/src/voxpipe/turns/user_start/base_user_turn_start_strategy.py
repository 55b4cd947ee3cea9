"""``BaseUserTurnStartStrategy``: decides when a user turn starts, and how it is announced."""

from __future__ import annotations

from typing import Any

from voxpipe.turns.types import BaseUserTurnStrategy, UserTurnStartedParams

__all__ = ["BaseUserTurnStartStrategy"]


class BaseUserTurnStartStrategy(BaseUserTurnStrategy):
    """Base of start strategies.

    Args:
        enable_interruptions: When this strategy starts a turn, interrupt the
            bot and any response in flight.
        enable_user_speaking_frames: When this strategy starts a turn, emit
            ``UserStartedSpeakingFrame`` (turn off when another component
            already does, e.g. an STT service with its own turn detection).
        **kwargs: Passed to :class:`BaseObject`.
    """

    def __init__(
        self,
        *,
        enable_interruptions: bool = True,
        enable_user_speaking_frames: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._enable_interruptions = enable_interruptions
        self._enable_user_speaking_frames = enable_user_speaking_frames

    @property
    def enable_interruptions(self) -> bool:
        """Whether a turn started by this strategy interrupts the bot."""
        return self._enable_interruptions

    @property
    def enable_user_speaking_frames(self) -> bool:
        """Whether a turn started by this strategy emits ``UserStartedSpeakingFrame``."""
        return self._enable_user_speaking_frames

    async def trigger_user_turn_started(self) -> None:
        """Ask the host to open a user turn announced with this strategy's parameters."""
        await self.host.trigger_user_turn_started(
            self,
            UserTurnStartedParams(
                enable_interruptions=self._enable_interruptions,
                enable_user_speaking_frames=self._enable_user_speaking_frames,
            ),
        )

    async def user_turn_stopped(self) -> None:
        """Called by the host after any user turn stopped (override to react)."""
