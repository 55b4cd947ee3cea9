"""Voice-to-voice latency of the offline voice bot (``examples/voice_bot.py``).

    .venv/bin/python scripts/bench_voice_latency.py                 # 5 questions x 2 rounds
    .venv/bin/python scripts/bench_voice_latency.py --rounds 3 --json out.json
    .venv/bin/python scripts/bench_voice_latency.py --sessions 1,2,3,4   # concurrency sweep

Each question WAV (``examples/voice_bot_assets/q*.wav``, Piper's joe voice) is
played to the bot in process through the runner's ``FileTransport`` at real
time, followed by silence. Latency = first bot audio chunk written minus the end
of the user's speech (the last sample above -40 dBFS of the question, as fed).
The breakdown comes from the bot's ``SessionRecorder`` (frame times) and the
services' TTFB metrics, all relative to the end of speech:

    vad_stop   VADUserStoppedSpeakingFrame (stop_secs of silence + window lag)
    stt        the final TranscriptionFrame
    turn       UserStoppedSpeakingFrame (smart-turn COMPLETE and the transcript)
    llm_first  the first LLMTextFrame
    tts_first  the first TTSAudioRawFrame
    bot_audio  the first chunk written by the output transport (= latency)

``--sessions N`` runs N sessions at once (models shared, one process, as the
runner serves them) and reports p50/p90 latency, CPU% and RSS per session.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import voice_bench_report as shared  # noqa: E402 - the scripts folder is not a package
REFERENCE = {"median_ms": 875, "p90_ms": 1337}  # pipecat-ai 1.14.0, same models, this machine (issue 6)
REFERENCE_NOTE = f"(pipecat-ai 1.14.0 reference: {REFERENCE['median_ms']} / {REFERENCE['p90_ms']})"


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_secs() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def one_session(bot: Any, wav: Path, out_dir: Path) -> dict[str, Any]:
    """Play ``wav`` to a fresh session; return the latency and the stage times (ms)."""
    from voxpipe.frames.frames import InputAudioRawFrame, OutputAudioRawFrame
    from voxpipe.observers.base_observer import BaseObserver
    from voxpipe.runner.file_transport import FileTransport

    transport = FileTransport(wav, out_dir / f"{wav.stem}-{time.monotonic_ns()}.wav",
                              speed=1.0, trailing_silence_secs=3.0, end_quiet_secs=0.3,
                              max_wait_secs=20.0)  # fmt: skip
    marks: dict[str, float] = {}

    class Edges(BaseObserver):
        async def on_push_frame(self, data):
            frame = data.frame
            if "fed" not in marks and isinstance(frame, InputAudioRawFrame) and data.source is transport.input():
                marks["fed"] = time.monotonic() - 0.02  # this chunk started 20 ms ago (media time)
            elif ("bot_audio" not in marks and isinstance(frame, OutputAudioRawFrame)
                  and data.source is transport.output()):  # fmt: skip
                marks["bot_audio"] = time.monotonic()

    recorder = bot.SessionRecorder()
    services = bot.create_services(dict(bot.LOCAL))
    await bot.run_bot(transport, None, services=services, observers=[Edges()], recorder=recorder)
    end = marks.get("fed", float("nan")) + shared.speech_end_secs(wav)
    result: dict[str, Any] = {"question": wav.name}
    times = recorder.exchanges[0]["times"] if recorder.exchanges else {}
    user = recorder.exchanges[0]["user"] if recorder.exchanges else ""
    times = {**times, "bot_audio": marks.get("bot_audio", float("nan"))}
    for stage in shared.STAGES:
        result[stage] = round((times.get(stage, float("nan")) - end) * 1000, 1)
    result["latency_ms"] = result["bot_audio"]
    result["user"] = user
    result["llm"] = recorder.exchanges[0]["llm"] if recorder.exchanges else ""
    result["ttfb_ms"] = {k.split("#")[0]: round(v * 1000, 1)
                         for k, v in (recorder.exchanges[0]["ttfb"] if recorder.exchanges else {}).items()}  # fmt: skip
    return result


async def sequential(bot: Any, wavs: list[Path], rounds: int, out_dir: Path) -> list[dict[str, Any]]:
    results = []
    for r in range(rounds):
        for wav in wavs:
            res = await one_session(bot, wav, out_dir)
            res["round"] = r
            results.append(res)
            print(f"  {wav.name} round {r}: {res['latency_ms']:.0f} ms  user={res['user']!r}  "
                  f"llm={res['llm'][:60]!r}", flush=True)  # fmt: skip
    return results


async def concurrent(bot: Any, wavs: list[Path], n: int, rounds: int, out_dir: Path) -> dict[str, Any]:
    """``n`` sessions at once, ``rounds`` times; latency percentiles, CPU and memory."""
    results: list[dict[str, Any]] = []
    base_rss, peak_rss = rss_mb(), rss_mb()
    cpu0, wall0 = cpu_secs(), time.monotonic()
    for r in range(rounds):
        async def session(i: int, r: int = r) -> dict[str, Any]:
            await asyncio.sleep(0.37 * i)  # stagger a little: users do not speak in lockstep
            return await one_session(bot, wavs[(i + r) % len(wavs)], out_dir)

        async def sample_rss() -> None:
            nonlocal peak_rss
            while True:
                peak_rss = max(peak_rss, rss_mb())
                await asyncio.sleep(0.2)

        sampler = asyncio.create_task(sample_rss())
        try:
            results += await asyncio.gather(*(session(i) for i in range(n)))
        finally:
            sampler.cancel()
    wall, cpu = time.monotonic() - wall0, cpu_secs() - cpu0
    summary = shared.summarize(results)
    summary.update(sessions=n, cpu_percent=round(100 * cpu / wall, 1),
                   rss_base_mb=round(base_rss, 1), rss_peak_mb=round(peak_rss, 1),
                   rss_per_session_mb=round((peak_rss - base_rss) / n, 1))  # fmt: skip
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2, help="passes over the five questions")
    parser.add_argument("--sessions", default="", help="comma-separated concurrency levels, e.g. 1,2,3,4")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    os.environ["VOXPIPE_BOT_GREETING"] = ""

    bot = _load("voice_bot", REPO / "examples" / "voice_bot.py")
    questions = _load("make_questions", REPO / "examples" / "voice_bot_assets" / "make_questions.py")
    wavs = questions.write()  # generates any that are missing
    print(f"load average before: {os.getloadavg()}")
    t = time.monotonic()
    bot.warm_up()
    print(f"warm-up (load + one run of each model): {time.monotonic() - t:.1f}s; RSS {rss_mb():.0f} MB")
    report: dict[str, Any] = {"reference": REFERENCE, "loadavg_before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = Path(tmp)
        if not args.sessions:
            results = asyncio.run(sequential(bot, wavs, args.rounds, out_dir))
            summary = shared.summarize(results)
            shared.print_table(summary, "offline voice bot, one session", note=REFERENCE_NOTE)
            report.update(results=results, summary=summary)
        else:
            sweep = []
            for n in [int(x) for x in args.sessions.split(",") if x.strip()]:
                s = asyncio.run(concurrent(bot, wavs, n, args.rounds, out_dir))
                sweep.append(s)
                print(f"sessions={n}: p50 {s['median_ms']} ms, p90 {s['p90_ms']} ms, "
                      f"answered {s['answered']}/{s['n']}, CPU {s['cpu_percent']}%, "
                      f"RSS peak {s['rss_peak_mb']} MB (+{s['rss_per_session_mb']} MB/session)",
                      flush=True)  # fmt: skip
            report["sweep"] = sweep
    report["loadavg_after"] = os.getloadavg()
    print(f"load average after: {report['loadavg_after']}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
