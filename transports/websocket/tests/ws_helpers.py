"""Helpers shared by the WebSocket transport tests: an echo bot, a runner, a protobuf client."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from typing import Any

from voxpipe.frames.frames import ErrorFrame, InputAudioRawFrame, OutputAudioRawFrame
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.serializers.protobuf import AUDIO, MESSAGE, decode_frame, encode_frame

RATE = 16000
CHUNK_20MS = RATE // 50 * 2  # bytes of 20 ms mono PCM16


class Echo(FrameProcessor):
    """Plays every received audio chunk back; records inputs and upstream errors."""

    def __init__(self) -> None:
        super().__init__(name="Echo")
        self.audio_in: list[InputAudioRawFrame] = []
        self.errors: list[ErrorFrame] = []
        self.seen: list[Any] = []

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        self.seen.append(frame)
        if isinstance(frame, InputAudioRawFrame):
            self.audio_in.append(frame)
            await self.push_frame(OutputAudioRawFrame(audio=frame.audio, sample_rate=frame.sample_rate,
                                                      num_channels=frame.num_channels))
            return
        if isinstance(frame, ErrorFrame):
            self.errors.append(frame)
        await self.push_frame(frame, direction)


def audio_msg(audio: bytes, sample_rate: int = RATE) -> bytes:
    """A protobuf audio frame as the JS client sends it."""
    return encode_frame(AUDIO, {"name": "audio", "audio": audio, "sample_rate": sample_rate,
                                "num_channels": 1})


def message_msg(message: dict) -> bytes:
    """A protobuf MessageFrame carrying ``message`` as JSON."""
    return encode_frame(MESSAGE, {"data": json.dumps(message)})


def pattern(n: int, seed: int = 1) -> bytes:
    """``n`` 20 ms chunks of recognisable, non-silent PCM."""
    return b"".join(bytes([(seed + i) % 250 + 1, 0x10]) * (CHUNK_20MS // 2) for i in range(n))


async def recv_until(ws, want, timeout: float = 3.0) -> list[tuple[str, dict]]:
    """Decode received protobuf frames until ``want(frames)`` is true (bounded)."""
    frames: list[tuple[str, dict]] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not want(frames):
        left = deadline - loop.time()
        if left <= 0:
            raise TimeoutError(f"gave up after {timeout}s; got {[k for k, _ in frames]}")
        frames.append(decode_frame(await asyncio.wait_for(ws.recv(), left)))
    return frames


def audio_bytes(frames) -> bytes:
    """Concatenated audio of decoded ``audio`` frames."""
    return b"".join(f["audio"] for kind, f in frames if kind == "audio")


def messages(frames) -> list[dict]:
    """JSON messages of decoded ``message`` frames."""
    return [json.loads(f["data"]) for kind, f in frames if kind == "message"]


async def wait_until(predicate, timeout: float = 3.0) -> None:
    """Poll ``predicate`` until true (bounded)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.01)


@asynccontextmanager
async def running(transport, *processors, enable_rtvi: bool = False):
    """Run ``[transport.input(), *processors, transport.output()]``; cancel (bounded) on exit."""
    task = PipelineTask(
        Pipeline([transport.input(), *processors, transport.output()]),
        params=PipelineParams(audio_in_sample_rate=RATE, audio_out_sample_rate=RATE),
        idle_timeout_secs=None,
        enable_rtvi=enable_rtvi,
    )
    run = asyncio.create_task(PipelineRunner(handle_sigint=False, handle_sigterm=False).run(task))
    try:
        yield task
    finally:
        if not run.done():
            await task.cancel()
        await asyncio.wait_for(run, 5)


def upstream_errors(processor: FrameProcessor) -> list[ErrorFrame]:
    """Collect errors the processor reports (its ``on_error`` event)."""
    errors: list[ErrorFrame] = []
    processor.add_event_handler("on_error", lambda _p, e: errors.append(e))
    return errors


__all__ = ["CHUNK_20MS", "Echo", "FrameDirection", "RATE", "audio_bytes", "audio_msg",
           "message_msg", "messages", "pattern", "recv_until", "running", "upstream_errors",
           "wait_until"]
