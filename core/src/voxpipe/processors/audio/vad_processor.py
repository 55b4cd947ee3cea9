"""``VADProcessor``: voice activity detection as a pipeline stage.

Place it where audio flows (usually right after ``transport.input()``, before
STT) when something other than the user aggregator needs VAD frames, or when
the aggregator should not own the analyzer. It passes every frame through and
emits, downstream and upstream (broadcast), ``VADUserStartedSpeakingFrame`` /
``VADUserStoppedSpeakingFrame`` on speech edges, ``UserSpeakingFrame`` while
speech goes on, and ``SpeechControlParamsFrame`` at start and after a
``VADParamsUpdateFrame``.
"""

from __future__ import annotations

from typing import Any

from voxpipe.audio.vad.vad_analyzer import VADAnalyzer
from voxpipe.audio.vad.vad_controller import VADController
from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    InputAudioRawFrame,
    StartFrame,
    VADParamsUpdateFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["VADProcessor"]


class VADProcessor(FrameProcessor):
    """Runs a :class:`VADAnalyzer` on ``InputAudioRawFrame`` frames; see the module docstring.

    Args:
        vad_analyzer: The analyzer (Silero, Krisp, a fake in tests ...).
        **kwargs: Passed to :class:`FrameProcessor`.
    """

    def __init__(self, *, vad_analyzer: VADAnalyzer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._controller = VADController(vad_analyzer)
        self._sample_rate = 0

    @property
    def vad_analyzer(self) -> VADAnalyzer:
        """The analyzer in use."""
        return self._controller.analyzer

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Pass ``frame`` on, then emit the VAD frames it caused."""
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            self._sample_rate = frame.audio_in_sample_rate
            announce = self._controller.start(frame.audio_in_sample_rate)
            await self.push_frame(frame, direction)
            await self.broadcast_frame_instance(announce)
            return
        if isinstance(frame, VADParamsUpdateFrame):
            announce = self._controller.update_params(frame.params)
            await self.push_frame(frame, direction)
            await self.broadcast_frame_instance(announce)
            return
        await self.push_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame) and direction is FrameDirection.DOWNSTREAM:
            rate = frame.sample_rate or self._sample_rate
            for out in await self._controller.process_audio(frame.audio, rate):
                await self.broadcast_frame_instance(out)
        elif isinstance(frame, (EndFrame, CancelFrame)):
            await self._controller.analyzer.cleanup()
