"""``VADUserTurnStartStrategy``: a turn starts as soon as the VAD hears speech."""

from __future__ import annotations

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import VADUserStartedSpeakingFrame
from voxpipe.turns.types import ProcessFrameResult
from voxpipe.turns.user_start.base_user_turn_start_strategy import BaseUserTurnStartStrategy

__all__ = ["VADUserTurnStartStrategy"]


class VADUserTurnStartStrategy(BaseUserTurnStartStrategy):
    """Starts the turn on ``VADUserStartedSpeakingFrame``: the most responsive strategy."""

    async def process_frame(self, frame: Frame) -> ProcessFrameResult:
        """Trigger on a VAD speech start."""
        if isinstance(frame, VADUserStartedSpeakingFrame):
            await self.trigger_user_turn_started()
        return ProcessFrameResult.CONTINUE
