"""``BaseUserTurnStopStrategy``: decides when the user's turn ends and the bot should answer."""

from __future__ import annotations

import logging
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import STTMetadataFrame
from voxpipe.turns.types import BaseUserTurnStrategy, UserTurnStoppedParams

__all__ = ["BaseUserTurnStopStrategy"]

logger = logging.getLogger("voxpipe")

#: The VAD ``stop_secs`` the STT latency tables were measured with.
_REFERENCE_STOP_SECS = 0.2


class BaseUserTurnStopStrategy(BaseUserTurnStrategy):
    """Base of stop strategies; tracks the STT's announced P99 latency.

    Args:
        enable_user_speaking_frames: When this strategy ends a turn, emit
            ``UserStoppedSpeakingFrame``.
        **kwargs: Passed to :class:`BaseObject`.
    """

    def __init__(self, *, enable_user_speaking_frames: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._enable_user_speaking_frames = enable_user_speaking_frames
        self._stt_p99: float = 0.0
        self._warned_stop_secs = False

    @property
    def enable_user_speaking_frames(self) -> bool:
        """Whether a turn ended by this strategy emits ``UserStoppedSpeakingFrame``."""
        return self._enable_user_speaking_frames

    @property
    def stt_p99_latency(self) -> float:
        """The STT service's P99 time to final transcript (0 until announced)."""
        return self._stt_p99

    def _track_metadata(self, frame: Frame) -> None:
        if isinstance(frame, STTMetadataFrame):
            self._stt_p99 = max(0.0, frame.ttfs_p99_latency)

    def _stt_wait(self, stop_secs: float) -> float:
        """How long to wait for a final transcript after a VAD stop of ``stop_secs``."""
        if not self._warned_stop_secs and self._stt_p99 > 0:
            if abs(stop_secs - _REFERENCE_STOP_SECS) > 1e-9:
                self._warned_stop_secs = True
                logger.warning(
                    "%s: VAD stop_secs=%.2f differs from the 0.2 s the STT latency figures assume; "
                    "re-measure the STT's time to final transcript with these VAD settings and pass "
                    "it as ttfs_p99_latency",
                    self,
                    stop_secs,
                )
            elif stop_secs >= self._stt_p99:
                self._warned_stop_secs = True
                logger.warning(
                    "%s: VAD stop_secs=%.2f >= STT p99 latency %.2f: the STT wait collapses to 0 s",
                    self,
                    stop_secs,
                    self._stt_p99,
                )
        return max(0.0, self._stt_p99 - stop_secs)

    async def trigger_user_turn_stopped(self) -> None:
        """Ask the host to close the user turn, announced with this strategy's parameters."""
        await self.host.trigger_user_turn_stopped(
            self, UserTurnStoppedParams(enable_user_speaking_frames=self._enable_user_speaking_frames)
        )
