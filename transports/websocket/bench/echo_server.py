# ruff: noqa: D101, D102, D103  (a benchmark script, not public API)
"""Echo-bot server for bench/load.py: N WebsocketServerTransports, one pipeline each.

    python echo_server.py {voxpipe|pipecat} N BASE_PORT [AUTO_SILENCE=1|0]

Runs unchanged under either framework (the import prefix is the only difference):
``[transport.input(), Echo(), transport.output()]`` where Echo turns every
``InputAudioRawFrame`` into an ``OutputAudioRawFrame``. RTVI, turn tracking and
idle detection are off so only the transport path is measured. Prints READY when
all N servers listen; exits (cancelling every task) on a line on stdin or after 600 s.
Binds 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys

FW, N, BASE_PORT = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
AUTO_SILENCE = (sys.argv[4] if len(sys.argv) > 4 else "1") == "1"


def mod(name: str):
    return importlib.import_module(f"{FW}.{name}")


if FW == "pipecat":
    from loguru import logger as _loguru

    _loguru.remove()
    _loguru.add(sys.stderr, level="WARNING")
logging.basicConfig(level=logging.WARNING)

frames = mod("frames.frames")
FrameProcessor = mod("processors.frame_processor").FrameProcessor
Pipeline = mod("pipeline.pipeline").Pipeline
task_mod = mod("pipeline.task")
PipelineRunner = mod("pipeline.runner").PipelineRunner
server = mod("transports.websocket.server")
ProtobufFrameSerializer = mod("serializers.protobuf").ProtobufFrameSerializer


class Echo(FrameProcessor):
    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if isinstance(frame, frames.InputAudioRawFrame):
            await self.push_frame(frames.OutputAudioRawFrame(
                audio=frame.audio, sample_rate=frame.sample_rate, num_channels=frame.num_channels))
        else:
            await self.push_frame(frame, direction)


async def main() -> None:
    ready = 0
    tasks = []
    for i in range(N):
        transport = server.WebsocketServerTransport(
            params=server.WebsocketServerParams(
                audio_in_enabled=True, audio_out_enabled=True, audio_out_10ms_chunks=2,
                audio_out_end_silence_secs=0, audio_out_auto_silence=AUTO_SILENCE, serializer=ProtobufFrameSerializer()),
            host="127.0.0.1", port=BASE_PORT + i)

        @transport.event_handler("on_websocket_ready")
        async def _ready(_t):
            nonlocal ready
            ready += 1
            if ready == N:
                print("READY", flush=True)

        tasks.append(task_mod.PipelineTask(
            Pipeline([transport.input(), Echo(), transport.output()]),
            params=task_mod.PipelineParams(audio_in_sample_rate=16000, audio_out_sample_rate=16000),
            idle_timeout_secs=None, enable_rtvi=False, enable_turn_tracking=False))
    runs = [asyncio.create_task(PipelineRunner(handle_sigint=False).run(t)) for t in tasks]
    loop = asyncio.get_running_loop()
    stop = loop.run_in_executor(None, sys.stdin.readline)
    await asyncio.wait([stop], timeout=600)
    await asyncio.gather(*(t.cancel() for t in tasks))
    await asyncio.wait(runs, timeout=10)


asyncio.run(main())
