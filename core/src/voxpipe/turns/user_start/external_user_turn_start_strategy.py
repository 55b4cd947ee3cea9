"""``ExternalUserTurnStartStrategy``: another processor decides when turns start."""

from __future__ import annotations

from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import UserStartedSpeakingFrame
from voxpipe.turns.types import ProcessFrameResult
from voxpipe.turns.user_start.base_user_turn_start_strategy import BaseUserTurnStartStrategy

__all__ = ["ExternalUserTurnStartStrategy"]


class ExternalUserTurnStartStrategy(BaseUserTurnStartStrategy):
    """Starts the turn on a ``UserStartedSpeakingFrame`` from upstream.

    The external source (a ``UserTurnProcessor``, an STT service with turn
    detection, a speech-to-speech service) already interrupted and announced
    the turn, so this strategy forces ``enable_interruptions=False`` and
    ``enable_user_speaking_frames=False``.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["enable_interruptions"] = False
        kwargs["enable_user_speaking_frames"] = False
        super().__init__(**kwargs)

    async def process_frame(self, frame: Frame) -> ProcessFrameResult:
        """Trigger on ``UserStartedSpeakingFrame``."""
        if isinstance(frame, UserStartedSpeakingFrame):
            await self.trigger_user_turn_started()
        return ProcessFrameResult.CONTINUE
