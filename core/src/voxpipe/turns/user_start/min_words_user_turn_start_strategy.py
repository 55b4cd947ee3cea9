"""``MinWordsUserTurnStartStrategy``: backchannels ("yeah", "okay") do not take the turn.

While the bot speaks, the user's transcribed words must reach ``min_words``
before a turn starts (and the bot is interrupted); while the bot is silent one
word is enough. Words are counted over the final transcripts since the last
reset plus the current interim one, split on whitespace. Text that never
reached the threshold is dropped when the bot starts or stops speaking, so a
backchannel is discarded rather than prepended to the next turn.
"""

from __future__ import annotations

from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    InterimTranscriptionFrame,
    TranscriptionFrame,
)
from voxpipe.turns.types import ProcessFrameResult
from voxpipe.turns.user_start.base_user_turn_start_strategy import BaseUserTurnStartStrategy

__all__ = ["MinWordsUserTurnStartStrategy"]


class MinWordsUserTurnStartStrategy(BaseUserTurnStartStrategy):
    """See the module docstring.

    Args:
        min_words: Words needed to start a turn while the bot speaks (> 0).
        use_interim: Count interim transcriptions too (earlier detection).
        **kwargs: See :class:`BaseUserTurnStartStrategy`.

    Raises:
        ValueError: ``min_words`` is not positive.
    """

    def __init__(self, *, min_words: int, use_interim: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if min_words <= 0:
            raise ValueError(f"min_words must be greater than 0, got {min_words}")
        self._min_words = min_words
        self._use_interim = use_interim
        self._words: list[str] = []

    @property
    def min_words(self) -> int:
        """Words needed while the bot speaks."""
        return self._min_words

    async def reset(self) -> None:
        """Forget the counted words."""
        self._words = []

    async def process_frame(self, frame: Frame) -> ProcessFrameResult:
        """Count words; trigger (and stop later strategies) once enough were spoken."""
        if isinstance(frame, (BotStartedSpeakingFrame, BotStoppedSpeakingFrame)):
            if not self.host.user_turn_active:
                self._words = []
            return ProcessFrameResult.CONTINUE
        if isinstance(frame, TranscriptionFrame):
            self._words.extend(frame.text.split())
            count = len(self._words)
        elif self._use_interim and isinstance(frame, InterimTranscriptionFrame):
            count = len(self._words) + len(frame.text.split())
        else:
            return ProcessFrameResult.CONTINUE
        needed = self._min_words if self.host.bot_speaking else 1
        if count >= needed:
            await self.trigger_user_turn_started()
            return ProcessFrameResult.STOP
        return ProcessFrameResult.CONTINUE
