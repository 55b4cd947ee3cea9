"""``VADController``: turns a VAD analyzer's states into speech start/stop edges.

Shared by :class:`~voxpipe.processors.audio.vad_processor.VADProcessor` and the
user context aggregator (``LLMUserAggregatorParams(vad_analyzer=...)``), so both
emit the same frames for the same audio:

* QUIET/STARTING → SPEAKING: ``VADUserStartedSpeakingFrame(start_secs)``;
* ``pause_secs`` into STOPPING: ``VADUserSpeechPausedFrame`` (once per stretch of
  silence; always before the stop frame that may follow it);
* SPEAKING/STOPPING → QUIET: ``VADUserStoppedSpeakingFrame(stop_secs)``;
* while speaking, a ``UserSpeakingFrame`` at most every ``speaking_interval_secs``
  of audio (it keeps idle detection quiet).

The controller does no I/O; the host pushes the frames it returns.
"""

from __future__ import annotations

from voxpipe.audio.vad.vad_analyzer import VADAnalyzer, VADParams, VADState
from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    SpeechControlParamsFrame,
    UserSpeakingFrame,
    VADUserSpeechPausedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)

__all__ = ["VADController"]


class VADController:
    """Edge detector over a :class:`VADAnalyzer`.

    Args:
        analyzer: The analyzer to drive.
        speaking_interval_secs: Audio seconds between ``UserSpeakingFrame`` frames.
        pause_secs: Audio seconds of silence after speech before
            ``VADUserSpeechPausedFrame`` (short breaths between words stay silent).
    """

    def __init__(
        self, analyzer: VADAnalyzer, *, speaking_interval_secs: float = 0.2, pause_secs: float = 0.06
    ) -> None:
        self._analyzer = analyzer
        self._speaking = False
        self._interval = speaking_interval_secs
        self._since_speaking_frame = 0.0
        self._pause_secs = pause_secs
        self._quiet_secs = 0.0  # silence heard in the current STOPPING stretch
        self._paused = False  # the pause frame of this stretch was returned

    @property
    def analyzer(self) -> VADAnalyzer:
        """The analyzer."""
        return self._analyzer

    @property
    def speaking(self) -> bool:
        """Whether the last edge was a start."""
        return self._speaking

    def start(self, sample_rate: int) -> SpeechControlParamsFrame:
        """Prepare for ``sample_rate`` audio; returns the frame announcing the VAD params."""
        self._analyzer.set_sample_rate(sample_rate)
        return SpeechControlParamsFrame(vad_params=self._analyzer.params)

    def update_params(self, params: VADParams) -> SpeechControlParamsFrame:
        """Apply new thresholds; returns the frame announcing them."""
        self._analyzer.set_params(params)
        return SpeechControlParamsFrame(vad_params=params)

    async def process_audio(self, audio: bytes, sample_rate: int) -> list[Frame]:
        """Analyse one chunk; return the frames its edges produce (often none)."""
        state = await self._analyzer.analyze_audio(audio)
        speaking = state in (VADState.SPEAKING, VADState.STOPPING)
        out: list[Frame] = []
        params = self._analyzer.params
        chunk_secs = len(audio) / 2 / max(1, sample_rate)
        if state is VADState.STOPPING:
            self._quiet_secs += chunk_secs
        else:
            self._quiet_secs = 0.0
        if speaking and not self._speaking:
            self._speaking = True
            self._paused = False
            self._since_speaking_frame = 0.0
            out.append(VADUserStartedSpeakingFrame(start_secs=params.start_secs))
        elif not speaking and self._speaking:
            self._speaking = False
            if not self._paused:  # the stretch ended within one chunk: still say where
                out.append(VADUserSpeechPausedFrame(pause_secs=params.stop_secs))
            self._paused = False
            out.append(VADUserStoppedSpeakingFrame(stop_secs=params.stop_secs))
        elif speaking:
            if state is VADState.SPEAKING:
                self._paused = False
            elif not self._paused and self._quiet_secs >= self._pause_secs:
                self._paused = True
                out.append(VADUserSpeechPausedFrame(pause_secs=self._quiet_secs))
            self._since_speaking_frame += chunk_secs
            if self._since_speaking_frame >= self._interval:
                self._since_speaking_frame = 0.0
                out.append(UserSpeakingFrame())
        return out

    def reset(self) -> VADUserStoppedSpeakingFrame | None:
        """Forget the analyzer state; returns a stop frame if speech was open."""
        self._analyzer.reset()
        self._quiet_secs, self._paused = 0.0, False
        if self._speaking:
            self._speaking = False
            return VADUserStoppedSpeakingFrame(stop_secs=self._analyzer.params.stop_secs)
        return None
