"""``TranscriptionUserTurnStartStrategy``: a transcript starts the turn (VAD fallback)."""

from __future__ import annotations

from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import InterimTranscriptionFrame, TranscriptionFrame
from voxpipe.turns.types import ProcessFrameResult
from voxpipe.turns.user_start.base_user_turn_start_strategy import BaseUserTurnStartStrategy

__all__ = ["TranscriptionUserTurnStartStrategy"]


class TranscriptionUserTurnStartStrategy(BaseUserTurnStartStrategy):
    """Starts the turn on a non-empty transcription, for speech the VAD missed.

    Args:
        use_interim: Also trigger on interim transcriptions (earlier detection).
        **kwargs: See :class:`BaseUserTurnStartStrategy`.
    """

    def __init__(self, *, use_interim: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._use_interim = use_interim

    async def process_frame(self, frame: Frame) -> ProcessFrameResult:
        """Trigger on a final transcription, or an interim one when enabled."""
        if isinstance(frame, TranscriptionFrame) or (
            self._use_interim and isinstance(frame, InterimTranscriptionFrame)
        ):
            if frame.text.strip():
                await self.trigger_user_turn_started()
        return ProcessFrameResult.CONTINUE
