"""``BaseSmartTurn``: the buffering and silence fallback of batch smart-turn analyzers.

A batch analyzer keeps the audio of the current user turn and runs its model
once per VAD pause:

* :meth:`BaseSmartTurn.append_audio` stores each 16-bit chunk. Before any
  speech only the most recent audio is kept (enough for the pre-speech
  window). Speech marks the turn as started; silence after speech counts up
  and, once it reaches ``params.stop_secs``, the turn is ``COMPLETE`` whatever
  the model said (the fallback).
* :meth:`BaseSmartTurn.analyze_end_of_turn` takes the turn's audio from
  ``pre_speech_ms`` (plus the VAD's own start delay) before speech started,
  keeps the last ``max_duration_secs`` of it, and asks
  :meth:`BaseSmartTurn._predict_endpoint` in a one-thread executor, bounded by
  ``inference_timeout_secs``.

Time is counted in samples, not wall-clock time, so the behaviour is the same
however fast audio arrives (a file, a test, a real-time transport).
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from voxpipe.audio.turn.base_turn_analyzer import BaseTurnAnalyzer, BaseTurnParams, EndOfTurnState
from voxpipe.metrics.metrics import MetricsData, TurnMetricsData

__all__ = ["BaseSmartTurn", "SmartTurnParams", "SmartTurnTimeoutException"]

logger = logging.getLogger("voxpipe")


@dataclass
class SmartTurnParams(BaseTurnParams):
    """Parameters of smart-turn analyzers.

    Attributes:
        stop_secs: Silence after speech that ends the turn whatever the model
            says (the fallback).
        pre_speech_ms: Audio kept from before speech started, in milliseconds,
            on top of the VAD's own start delay.
        max_duration_secs: Most audio the model sees; a longer turn is judged
            on its last ``max_duration_secs``.
    """

    stop_secs: float = 3.0
    pre_speech_ms: float = 500.0
    max_duration_secs: float = 8.0


class SmartTurnTimeoutException(Exception):
    """The model did not answer within ``inference_timeout_secs``."""


class BaseSmartTurn(BaseTurnAnalyzer):
    """Buffering, pre-speech window, duration cap and silence fallback; subclasses predict.

    Args:
        sample_rate: Input sample rate; None takes the pipeline's.
        params: See :class:`SmartTurnParams`.
        inference_timeout_secs: Longest wait for one prediction; a slower
            prediction counts as INCOMPLETE (the silence fallback still ends
            the turn) and is logged.
    """

    def __init__(
        self,
        *,
        sample_rate: int | None = None,
        params: SmartTurnParams | None = None,
        inference_timeout_secs: float = 5.0,
    ) -> None:
        super().__init__(sample_rate=sample_rate)
        self._params = params if params is not None else SmartTurnParams()
        self._inference_timeout_secs = inference_timeout_secs
        self._executor: ThreadPoolExecutor | None = None
        self._chunks: list[np.ndarray] = []
        self._buffered = 0  # samples in _chunks
        self._consumed = 0  # samples dropped from the front since the turn began
        self._speech_triggered = False
        self._speech_start = 0  # absolute sample index where speech started
        self._silence_samples = 0

    # -- interface -----------------------------------------------------------------

    @property
    def speech_triggered(self) -> bool:
        """Whether speech has been seen since the last :meth:`clear`."""
        return self._speech_triggered

    @property
    def params(self) -> SmartTurnParams:
        """The analyzer's :class:`SmartTurnParams`."""
        return self._params

    def append_audio(self, buffer: bytes, is_speech: bool) -> EndOfTurnState:
        """Store one chunk of 16-bit mono PCM; COMPLETE once ``stop_secs`` of silence follow speech."""
        rate = self._rate()
        samples = np.frombuffer(buffer[: len(buffer) - len(buffer) % 2], dtype="<i2")
        if samples.size == 0:
            return EndOfTurnState.INCOMPLETE
        position = self._consumed + self._buffered
        self._chunks.append(samples.astype(np.float32) / 32768.0)
        self._buffered += samples.size
        state = EndOfTurnState.INCOMPLETE
        if is_speech:
            if not self._speech_triggered:
                self._speech_triggered = True
                self._speech_start = position
            self._silence_samples = 0
        elif self._speech_triggered:
            self._silence_samples += samples.size
            if self._silence_samples >= self._params.stop_secs * rate:
                state = EndOfTurnState.COMPLETE
        self._trim(rate)
        return state

    async def analyze_end_of_turn(self) -> tuple[EndOfTurnState, MetricsData | None]:
        """Run the model on the turn so far; INCOMPLETE (no metrics) before any speech."""
        if not self._speech_triggered or self._buffered == 0:
            return EndOfTurnState.INCOMPLETE, None
        rate = self._rate()
        segment = self._segment(rate)
        silence_ms = 1000.0 * self._silence_samples / rate
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smart-turn")
        future = loop.run_in_executor(self._executor, self._predict_endpoint, segment, rate)
        try:
            result = await asyncio.wait_for(future, timeout=self._inference_timeout_secs)
        except (asyncio.TimeoutError, TimeoutError):
            logger.warning(
                "%s: no prediction within %.1fs; relying on the %.1fs silence fallback",
                type(self).__name__, self._inference_timeout_secs, self._params.stop_secs,
            )
            return EndOfTurnState.INCOMPLETE, None
        inference_ms = 1000.0 * (time.perf_counter() - started)
        probability = float(result["probability"])
        complete = bool(result["prediction"])
        logger.debug(
            "%s: P(complete)=%.3f over %.2fs of audio in %.0f ms",
            type(self).__name__, probability, segment.size / rate, inference_ms,
        )
        metrics = TurnMetricsData(
            processor=type(self).__name__,
            model=self._model_name(),
            is_complete=complete,
            probability=probability,
            e2e_processing_time_ms=silence_ms + inference_ms,
        )
        return (EndOfTurnState.COMPLETE if complete else EndOfTurnState.INCOMPLETE), metrics

    def clear(self) -> None:
        """Forget the current turn's audio and speech state."""
        self._chunks.clear()
        self._buffered = 0
        self._consumed = 0
        self._speech_triggered = False
        self._speech_start = 0
        self._silence_samples = 0

    async def cleanup(self) -> None:
        """Stop the inference thread (without waiting for a prediction in flight)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    # -- for subclasses --------------------------------------------------------------

    @abstractmethod
    def _predict_endpoint(self, audio: np.ndarray, sample_rate: int) -> dict[str, Any]:
        """Judge ``audio`` (float32 mono in [-1, 1]); runs in the executor thread.

        Returns:
            ``{"prediction": 0 or 1, "probability": float}``.
        """

    def _model_name(self) -> str | None:
        return None

    # -- buffering ---------------------------------------------------------------------

    def _rate(self) -> int:
        return self._sample_rate or self._init_sample_rate or 16000

    def _lookback_samples(self, rate: int) -> int:
        return int((self._params.pre_speech_ms / 1000.0 + self._vad_start_secs) * rate)

    def _trim(self, rate: int) -> None:
        """Bound the buffer: the pre-speech window before speech, the model window after."""
        lookback = self._lookback_samples(rate)
        keep = int(self._params.max_duration_secs * rate) + lookback
        if not self._speech_triggered:
            keep = lookback + int(self._params.stop_secs * rate)
        excess = self._buffered - max(keep, 1)
        while excess > 0 and self._chunks:
            head = self._chunks[0]
            if head.size <= excess:
                self._chunks.pop(0)
                drop = head.size
            else:
                self._chunks[0] = head[excess:]
                drop = excess
            self._buffered -= drop
            self._consumed += drop
            excess -= drop

    def _segment(self, rate: int) -> np.ndarray:
        audio = np.concatenate(self._chunks) if len(self._chunks) > 1 else self._chunks[0]
        start = max(0, self._speech_start - self._lookback_samples(rate) - self._consumed)
        audio = audio[start:]
        limit = int(self._params.max_duration_secs * rate)
        return audio[-limit:] if audio.size > limit else audio
