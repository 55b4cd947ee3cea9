"""``SpeechTimeoutUserTurnStopStrategy``: the turn ends after a pause with a transcript.

After the VAD reports silence, wait ``user_speech_timeout`` — or, while the
transcript is not final yet, the longer of that and the STT's remaining P99
latency (``ttfs_p99_latency - stop_secs``) — then end the turn if there is
text and the user has not resumed. A finalized transcript arriving at least
``user_speech_timeout`` after the VAD stop ends the turn at once. Without any
VAD (text-only input) each transcript restarts a ``user_speech_timeout`` timer.
"""

from __future__ import annotations

from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.turns.timing import Timer
from voxpipe.turns.types import ProcessFrameResult, UserTurnHost
from voxpipe.turns.user_stop.base_user_turn_stop_strategy import BaseUserTurnStopStrategy

__all__ = ["SpeechTimeoutUserTurnStopStrategy"]


class SpeechTimeoutUserTurnStopStrategy(BaseUserTurnStopStrategy):
    """See the module docstring.

    Args:
        user_speech_timeout: Seconds of silence (after the VAD stop) before
            the turn ends.
        **kwargs: See :class:`BaseUserTurnStopStrategy`.
    """

    def __init__(self, *, user_speech_timeout: float = 0.6, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._timeout = user_speech_timeout
        self._timer: Timer | None = None
        self._text = ""
        self._vad_speaking = False
        self._finalized = False
        self._vad_stopped_at: float | None = None
        self._expired = False

    @property
    def user_speech_timeout(self) -> float:
        """Seconds of silence before the turn ends."""
        return self._timeout

    async def setup(self, host: UserTurnHost) -> None:
        """Attach to the controller and create the timer."""
        await super().setup(host)
        self._timer = Timer(host.clock, self._on_timer, create_task=host.create_task, name="speech-timeout")

    async def cleanup(self) -> None:
        """Stop the timer."""
        if self._timer is not None:
            self._timer.cancel()
        await super().cleanup()

    async def reset(self) -> None:
        """Forget the turn's text and timing (the STT latency is kept)."""
        if self._timer is not None:
            self._timer.cancel()
        self._text = ""
        self._finalized = False
        self._vad_stopped_at = None
        self._expired = False

    async def process_frame(self, frame: Frame) -> ProcessFrameResult:
        """Track VAD edges and transcripts; end the turn when the pause is long enough."""
        self._track_metadata(frame)
        timer = self._timer
        assert timer is not None
        if isinstance(frame, VADUserStartedSpeakingFrame):
            self._vad_speaking = True
            self._vad_stopped_at = None
            self._expired = False
            timer.cancel()
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self._vad_speaking = False
            self._vad_stopped_at = self.host.clock.time()
            self._expired = False
            wait = self._timeout
            if not self._finalized:
                wait = max(self._stt_wait(frame.stop_secs), self._timeout)
            timer.start(wait)
        elif isinstance(frame, TranscriptionFrame) and frame.text.strip():
            self._text = f"{self._text} {frame.text.strip()}".strip()
            if frame.finalized:
                self._finalized = True
            if self._vad_speaking:
                pass
            elif self._vad_stopped_at is None:
                timer.start(self._timeout)  # no VAD: restart on every transcript
            elif self._expired or (
                self._finalized and self.host.clock.time() - self._vad_stopped_at >= self._timeout
            ):
                timer.cancel()
                await self._stop()
        return ProcessFrameResult.CONTINUE

    async def _on_timer(self) -> None:
        self._expired = True
        if self._text and not self._vad_speaking:
            await self._stop()

    async def _stop(self) -> None:
        if self.host.user_turn_active:
            await self.trigger_user_turn_stopped()
