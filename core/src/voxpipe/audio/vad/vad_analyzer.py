"""The VAD analyzer interface: ``VADParams``, ``VADState`` and ``VADAnalyzer``.

A plugin (Silero, Krisp, ...) implements two methods — how many frames one
model window needs (:meth:`VADAnalyzer.num_frames_required`) and the speech
confidence of one window (:meth:`VADAnalyzer.voice_confidence`). The base
does the rest: it buffers audio into windows, gates each window on confidence
*and* smoothed loudness, and runs the speaking/quiet state machine::

    QUIET ──speech──▶ STARTING ──start_secs of speech──▶ SPEAKING
      ▲                  │ silence                           │ silence
      └──────────────────┘                                   ▼
      └──────────────stop_secs of silence─────────────── STOPPING ──speech──▶ SPEAKING

Durations are counted in windows (``round(secs / window_secs)``), never in
wall-clock time, so the same audio always gives the same transitions.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import Enum

from voxpipe.audio.utils import calculate_audio_volume, exp_smoothing

__all__ = [
    "VAD_CONFIDENCE",
    "VAD_MIN_VOLUME",
    "VAD_START_SECS",
    "VAD_STOP_SECS",
    "VADAnalyzer",
    "VADParams",
    "VADState",
]

VAD_CONFIDENCE = 0.7
VAD_START_SECS = 0.2
VAD_STOP_SECS = 0.2
VAD_MIN_VOLUME = 0.6

#: Weight of a new loudness measurement in the smoothed volume.
_VOLUME_SMOOTHING = 0.2


class VADState(Enum):
    """Where the speaking/quiet state machine is."""

    QUIET = 1
    STARTING = 2
    SPEAKING = 3
    STOPPING = 4


@dataclass
class VADParams:
    """Thresholds of the VAD state machine.

    Attributes:
        confidence: Minimum model confidence (0-1) for a window to count as speech.
        start_secs: Speech needed before QUIET turns into SPEAKING.
        stop_secs: Silence needed before SPEAKING turns into QUIET. 0.2 s is
            what Smart Turn and the STT latency tables assume.
        min_volume: Minimum smoothed loudness (0-1) for a window to count as speech.

    Raises:
        ValueError: A value is out of range.
    """

    confidence: float = VAD_CONFIDENCE
    start_secs: float = VAD_START_SECS
    stop_secs: float = VAD_STOP_SECS
    min_volume: float = VAD_MIN_VOLUME

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be between 0 and 1, got {self.confidence}")
        if not 0.0 <= self.min_volume <= 1.0:
            raise ValueError(f"min_volume must be between 0 and 1, got {self.min_volume}")
        if self.start_secs < 0 or self.stop_secs < 0:
            raise ValueError("start_secs and stop_secs must not be negative")


class VADAnalyzer(ABC):
    """Base of voice activity detectors; see the module docstring.

    Args:
        sample_rate: Input sample rate; None takes the pipeline's
            ``audio_in_sample_rate`` when :meth:`set_sample_rate` is called at start.
        params: Thresholds; defaults to ``VADParams()``.
    """

    #: Weight of a new loudness measurement in the smoothed volume (1.0: no smoothing).
    volume_smoothing: float = _VOLUME_SMOOTHING

    def __init__(self, *, sample_rate: int | None = None, params: VADParams | None = None) -> None:
        self._init_sample_rate = sample_rate
        self._sample_rate = 0
        self._num_channels = 1
        self._params = params or VADParams()
        self._buffer = bytearray()
        self._state = VADState.QUIET
        self._count = 0
        self._volume = 0.0
        self._window_secs = 0.0
        self._start_windows = 1
        self._stop_windows = 1

    # -- what a plugin implements ---------------------------------------------------

    @abstractmethod
    def num_frames_required(self) -> int:
        """Samples (per channel) in one model window at the current sample rate."""

    @abstractmethod
    def voice_confidence(self, buffer: bytes) -> float:
        """Speech probability (0-1) of one window of 16-bit mono PCM."""

    # -- configuration --------------------------------------------------------------

    @property
    def sample_rate(self) -> int:
        """The sample rate in use (0 before :meth:`set_sample_rate`)."""
        return self._sample_rate

    @property
    def num_channels(self) -> int:
        """Channels of the analysed audio (always 1)."""
        return self._num_channels

    @property
    def params(self) -> VADParams:
        """The thresholds in effect."""
        return self._params

    @property
    def state(self) -> VADState:
        """The current state."""
        return self._state

    def set_sample_rate(self, sample_rate: int) -> None:
        """Fix the sample rate (the constructor's, if given, wins) and size the windows."""
        self._sample_rate = self._init_sample_rate or sample_rate
        self.set_params(self._params)

    def set_params(self, params: VADParams) -> None:
        """Replace the thresholds; the state machine keeps its state."""
        self._params = params
        if self._sample_rate:
            self._window_secs = self.num_frames_required() / self._sample_rate
            self._start_windows = max(1, round(params.start_secs / self._window_secs))
            self._stop_windows = max(1, round(params.stop_secs / self._window_secs))

    # -- analysis -----------------------------------------------------------------------

    def volume(self, buffer: bytes) -> float:
        """Loudness (0-1) of one window; override to use another measure."""
        return calculate_audio_volume(buffer, self._sample_rate)

    def _is_speech(self, window: bytes) -> bool:
        confidence = self.voice_confidence(window)
        self._volume = exp_smoothing(self.volume(window), self._volume, self.volume_smoothing)
        return confidence >= self._params.confidence and self._volume >= self._params.min_volume

    def analyze_audio_sync(self, buffer: bytes) -> VADState:
        """Feed audio; return the state after every complete window in it was analysed.

        Raises:
            RuntimeError: :meth:`set_sample_rate` was not called.
        """
        if not self._sample_rate:
            raise RuntimeError(f"{type(self).__name__}: set_sample_rate() before analyzing audio")
        self._buffer += buffer
        size = self.num_frames_required() * 2 * self._num_channels
        while len(self._buffer) >= size:
            window = bytes(self._buffer[:size])
            del self._buffer[:size]
            self._step(self._is_speech(window))
        return self._state

    async def analyze_audio(self, buffer: bytes) -> VADState:
        """Async form of :meth:`analyze_audio_sync`; plugins with slow models may offload it."""
        return self.analyze_audio_sync(buffer)

    def _step(self, speech: bool) -> None:
        state = self._state
        if state is VADState.QUIET:
            if speech:
                self._state, self._count = VADState.STARTING, 1
                if self._count >= self._start_windows:
                    self._state = VADState.SPEAKING
        elif state is VADState.STARTING:
            if not speech:
                self._state, self._count = VADState.QUIET, 0
            else:
                self._count += 1
                if self._count >= self._start_windows:
                    self._state, self._count = VADState.SPEAKING, 0
        elif state is VADState.SPEAKING:
            if not speech:
                self._state, self._count = VADState.STOPPING, 1
                if self._count >= self._stop_windows:
                    self._state, self._count = VADState.QUIET, 0
        elif state is VADState.STOPPING:
            if speech:
                self._state, self._count = VADState.SPEAKING, 0
            else:
                self._count += 1
                if self._count >= self._stop_windows:
                    self._state, self._count = VADState.QUIET, 0

    def reset(self) -> None:
        """Forget buffered audio and return to QUIET."""
        self._buffer.clear()
        self._state, self._count, self._volume = VADState.QUIET, 0, 0.0

    async def cleanup(self) -> None:
        """Release model resources (the base holds none)."""
        await asyncio.sleep(0)
