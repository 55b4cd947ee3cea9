"""Auto-silence must not add latency: a chunk a few ms late plays at once, not behind silence."""

from __future__ import annotations

import asyncio
import time

from voxpipe.frames.frames import OutputAudioRawFrame
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.testing.loopback_transport import LoopbackTransport
from voxpipe.transports.base_transport import TransportParams


async def test_late_chunks_do_not_queue_behind_silence():
    t = LoopbackTransport(
        TransportParams(
            audio_out_enabled=True,
            audio_out_10ms_chunks=2,
            audio_out_auto_silence=True,
            audio_out_end_silence_secs=0,
        )
    )
    task = PipelineTask(
        Pipeline([t.output()]),
        params=PipelineParams(audio_out_sample_rate=16000),
        idle_timeout_secs=None,
        enable_rtvi=False,
    )
    run = asyncio.create_task(PipelineRunner(handle_sigint=False).run(task))
    await asyncio.sleep(0.1)
    t0 = time.perf_counter()
    for i in range(30):  # 20 ms chunks, every 5th one 5 ms late
        target = t0 + i * 0.02 + (0.005 if i % 5 == 2 else 0)
        await asyncio.sleep(max(0, target - time.perf_counter()))
        chunk = bytes([i % 250 + 1, 1]) * 320
        await task.queue_frame(OutputAudioRawFrame(audio=chunk, sample_rate=16000, num_channels=1))
    await asyncio.sleep(0.3)
    writes = list(t.output().audio)
    speech = [k for k, w in enumerate(writes) if w.frame.audio[:1] != b"\x00"]
    await task.cancel()
    await asyncio.wait_for(run, 5)
    assert len(speech) == 30
    silence_between = speech[-1] - speech[0] + 1 - len(speech)
    assert silence_between == 0
