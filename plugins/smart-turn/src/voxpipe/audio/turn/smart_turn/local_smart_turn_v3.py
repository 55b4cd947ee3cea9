"""``LocalSmartTurnAnalyzerV3``: smart-turn v3 on CPU with onnxruntime.

The model takes Whisper log-mel features of the last 8 seconds of 16 kHz audio
(zero-padded at the start when shorter), shape ``(1, 80, 800)``, and returns
the probability that the speaker finished their turn; above 0.5 is COMPLETE.

The weights are resolved from ``smart_turn_model_path``, then
``$VOXPIPE_SMART_TURN_MODEL``, then the voxpipe cache, which
``voxpipe models pull smart-turn`` fills (see :mod:`voxpipe_smart_turn.model`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from voxpipe.audio.turn.smart_turn.base_smart_turn import BaseSmartTurn, SmartTurnParams
from voxpipe.errors import ConfigurationError
from voxpipe_smart_turn.features import SAMPLE_RATE, log_mel_spectrogram
from voxpipe_smart_turn.model import resolve_model_path

__all__ = ["LocalSmartTurnAnalyzerV3"]

_WINDOW_SECS = 8


class LocalSmartTurnAnalyzerV3(BaseSmartTurn):
    """Smart-turn v3 end-of-turn detection, run locally with one CPU thread.

    Args:
        smart_turn_model_path: The ``.onnx`` weights; None looks at
            ``$VOXPIPE_SMART_TURN_MODEL`` and then the voxpipe cache.
        model_path: Alias of ``smart_turn_model_path``.
        sample_rate: Input sample rate; None takes the pipeline's. Audio at
            other rates is resampled to 16 kHz for the model.
        params: See :class:`SmartTurnParams` (``stop_secs=3.0``,
            ``pre_speech_ms=500``, ``max_duration_secs=8.0``).
        cpu_count: onnxruntime intra-op threads (1 keeps it off other engines' cores).
        inference_timeout_secs: Longest wait for one prediction.

    Raises:
        SmartTurnModelNotFoundError: No weights found; the message says to run
            ``voxpipe models pull smart-turn``.
    """

    def __init__(
        self,
        *,
        smart_turn_model_path: str | os.PathLike[str] | None = None,
        model_path: str | os.PathLike[str] | None = None,
        sample_rate: int | None = None,
        params: SmartTurnParams | None = None,
        cpu_count: int = 1,
        inference_timeout_secs: float = 5.0,
    ) -> None:
        if smart_turn_model_path and model_path and Path(smart_turn_model_path) != Path(model_path):
            raise ConfigurationError("pass smart_turn_model_path or model_path, not both")
        super().__init__(
            sample_rate=sample_rate, params=params, inference_timeout_secs=inference_timeout_secs
        )
        self._model_path = resolve_model_path(smart_turn_model_path or model_path)
        self._session = _load_session(self._model_path, cpu_count)
        self._input_name = self._session.get_inputs()[0].name

    @property
    def model_path(self) -> Path:
        """The weights file in use."""
        return self._model_path

    def _model_name(self) -> str | None:
        return self._model_path.stem

    def _predict_endpoint(self, audio: np.ndarray, sample_rate: int) -> dict[str, Any]:
        probability = self.predict_probability(audio, sample_rate)
        return {"prediction": 1 if probability > 0.5 else 0, "probability": probability}

    def predict_probability(self, audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> float:
        """P(turn complete) for float mono ``audio`` (its last 8 s); blocking, thread-safe."""
        x = np.asarray(audio, dtype=np.float32).reshape(-1)
        if sample_rate != SAMPLE_RATE:
            import soxr

            x = soxr.resample(x, sample_rate, SAMPLE_RATE).astype(np.float32)
        window = _WINDOW_SECS * SAMPLE_RATE
        x = x[-window:] if x.size >= window else np.pad(x, (window - x.size, 0))
        features = log_mel_spectrogram(x, normalize=True)[None]
        output = self._session.run(None, {self._input_name: features})[0]
        return float(np.asarray(output).reshape(-1)[0])


def _load_session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf types
        raise ConfigurationError(
            f"could not load the smart-turn model {path}: {exc} "
            f"(re-fetch it with `voxpipe models pull smart-turn --force`)"
        ) from exc
