"""``UserMuteController``: combines mute strategies (OR) and says which frames to drop."""

from __future__ import annotations

from collections.abc import Sequence

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    InputAudioRawFrame,
    InterimTranscriptionFrame,
    InterruptionFrame,
    StartFrame,
    TranscriptionFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    VADUserSpeechPausedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.turns.user_mute.base_user_mute_strategy import BaseUserMuteStrategy

__all__ = ["MUTABLE_FRAMES", "UserMuteController"]

#: User input dropped while muted.
MUTABLE_FRAMES: tuple[type[Frame], ...] = (
    InterruptionFrame,
    VADUserSpeechPausedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    InputAudioRawFrame,
    InterimTranscriptionFrame,
    TranscriptionFrame,
)

_NEVER = (StartFrame, EndFrame, CancelFrame)


class UserMuteController:
    """Decides per frame whether user input is muted.

    Args:
        strategies: The mute strategies (none: never muted).
    """

    def __init__(self, strategies: Sequence[BaseUserMuteStrategy]) -> None:
        self._strategies = list(strategies)
        self._muted = any(getattr(s, "initially_muted", False) for s in self._strategies)

    @property
    def muted(self) -> bool:
        """Whether user input is muted now."""
        return self._muted

    @property
    def enabled(self) -> bool:
        """Whether any strategy is configured."""
        return bool(self._strategies)

    def should_drop(self, frame: Frame) -> bool:
        """Whether ``frame`` is user input to drop under the current state."""
        return self._muted and isinstance(frame, MUTABLE_FRAMES)

    async def update(self, frame: Frame) -> bool | None:
        """Show ``frame`` to every strategy; return the new state if it changed, else None."""
        if not self._strategies or isinstance(frame, _NEVER):
            return None
        results = [await s.process_frame(frame) for s in self._strategies]
        muted = any(results)
        if muted == self._muted:
            return None
        self._muted = muted
        return muted
