"""Measure voxpipe's own share of turn latency: user stops → LLM request sent.

Setup: fake STT (transcript with zero latency, announced p99 0), fake VAD,
``SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0)``, fake LLM/TTS/output,
all on a manual clock. The configured waits (VAD ``stop_secs``, speech timeout)
therefore cost no wall time, and what remains between queueing the silent
audio chunk that completes the VAD stop and the fake LLM receiving the
context is the framework's own work: VAD step, frame hops, strategy timers,
context update and the lane hand-offs.

    .venv/bin/python scripts/bench_turn_overhead.py [--turns N]

Prints median and p90 in microseconds. No service does I/O. The garbage
collector is paused inside each measured window (the test harness keeps every
frame it saw, which makes collections slow and would be charged to the turn).
The figure includes a few event-loop round trips of the harness's settling.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "tests"))

from conversation._conversation import CHUNK, Conversation  # noqa: E402

from voxpipe.audio.vad.vad_analyzer import VADParams  # noqa: E402
from voxpipe.processors.aggregators.llm_response_universal import LLMUserAggregatorParams  # noqa: E402
from voxpipe.testing.fakes import FakeVADAnalyzer, silence_chunk  # noqa: E402
from voxpipe.turns.user_start import TranscriptionUserTurnStartStrategy, VADUserTurnStartStrategy  # noqa: E402
from voxpipe.turns.user_stop import SpeechTimeoutUserTurnStopStrategy  # noqa: E402
from voxpipe.turns.user_turn_strategies import UserTurnStrategies  # noqa: E402


async def main(n: int) -> None:
    params = LLMUserAggregatorParams(
        user_turn_strategies=UserTurnStrategies(
            start=[VADUserTurnStartStrategy(), TranscriptionUserTurnStartStrategy()],
            stop=[SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0.0)],
        ),
        vad_analyzer=FakeVADAnalyzer(params=VADParams()),
    )
    samples: list[float] = []
    async with Conversation(responses=lambda _m: "Ok.", user_params=params, stt_latency=0.0) as conv:
        conv.stt._p99 = 0.0
        await conv.silence(0.1)
        for i in range(n):
            await conv.user_says(f"turn {i}", secs=0.3)
            # stop_secs (0.2 s) of silence: all but the last window put the VAD in STOPPING
            for _ in range(round(0.2 / CHUNK) - 1):
                await conv.audio(silence_chunk(CHUNK))
                await conv.clock.advance(CHUNK)
            before = len(conv.llm.requests)
            gc.collect()
            gc.disable()  # the harness records every frame; keep its collections out of the window
            t0 = time.perf_counter()
            await conv.audio(silence_chunk(CHUNK))
            await conv.clock.advance(CHUNK)
            gc.enable()
            if len(conv.llm.requests) == before:
                raise RuntimeError(f"turn {i} did not reach the LLM")
            samples.append((conv.llm.requests[-1].wall - t0) * 1e6)
            await conv.silence(1.0)  # let the reply play out
    samples.sort()
    p90 = samples[int(0.9 * (len(samples) - 1))]
    print(f"turns: {n}")
    print(f"user stop -> LLM request (framework only): median {statistics.median(samples):.0f} us, p90 {p90:.0f} us")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="voxpipe's own share of turn latency")
    parser.add_argument("--turns", type=int, default=50, help="turns to measure (default 50)")
    asyncio.run(main(parser.parse_args().turns))
