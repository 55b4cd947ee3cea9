"""An echo bot: it says back what you said, and answers RTVI client messages. No models.

    voxpipe run examples/echo_bot.py                  # open the printed URL, talk, hear yourself
    voxpipe run examples/echo_bot.py -t websocket     # Pipecat WebSocket clients (protobuf)
    voxpipe run examples/echo_bot.py -t file --input question.wav --output answer.wav
    python examples/echo_bot.py                       # the same as the first line

How it works: a loudness gate splits your audio into utterances; when you have
been quiet for ``ECHO_AFTER_SECS`` the utterance is played back (at the
transport's output rate). RTVI: after ``bot-ready`` the bot sends a
``server-message`` ``{"type": "welcome", ...}``; every ``client-message``
(``sendClientRequest``/``sendClientMessage``) gets a ``server-response``
echoing its data, and a ``server-message`` ``{"type": "echo", ...}`` says when an
utterance is played back. The runner's tests and browser checks rely on that.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from voxpipe.frames.frames import InputAudioRawFrame, OutputAudioRawFrame
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.runner.types import RunnerArguments
from voxpipe.runner.utils import create_transport
from voxpipe.transports.base_transport import TransportParams

logger = logging.getLogger("voxpipe.examples.echo_bot")

#: Quiet time that ends an utterance and starts the echo.
ECHO_AFTER_SECS = 0.6
#: RMS (of 16-bit samples) above which audio counts as speech.
SPEECH_RMS = 300.0
#: Longest utterance kept (longer ones are echoed in pieces).
MAX_UTTERANCE_SECS = 10.0
#: Shortest loud stretch worth echoing (drops clicks).
MIN_UTTERANCE_SECS = 0.15

transport_params = {
    "webrtc": lambda: TransportParams(audio_in_enabled=True, audio_out_enabled=True),
    # "websocket" and "file" use the "webrtc" params when they have no entry of their own.
}


class Echo(FrameProcessor):
    """Collects each utterance and plays it back once the speaker paused."""

    def __init__(self, on_echo=None, **kwargs):
        super().__init__(**kwargs)
        self._chunks: list[bytes] = []
        self._rate = 16000
        self._voiced_secs = 0.0
        self._quiet_secs = 0.0
        self._on_echo = on_echo

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame) and direction is FrameDirection.DOWNSTREAM:
            await self._listen(frame)
            return  # the input is not passed on: only the echo reaches the output
        await self.push_frame(frame, direction)

    async def _listen(self, frame: InputAudioRawFrame) -> None:
        samples = np.frombuffer(frame.audio, "<i2")
        if frame.num_channels > 1:
            samples = samples[: len(samples) - len(samples) % frame.num_channels]
            samples = samples.reshape(-1, frame.num_channels)[:, 0]
        secs = len(samples) / frame.sample_rate if frame.sample_rate else 0.0
        rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0
        loud = rms >= SPEECH_RMS
        if not self._chunks and not loud:
            return
        self._rate = frame.sample_rate
        self._chunks.append(samples.tobytes())
        if loud:
            self._voiced_secs += secs
            self._quiet_secs = 0.0
        else:
            self._quiet_secs += secs
        total = sum(len(c) for c in self._chunks) / 2 / self._rate
        if self._quiet_secs >= ECHO_AFTER_SECS or total >= MAX_UTTERANCE_SECS:
            await self._echo()

    async def _echo(self) -> None:
        audio, voiced = b"".join(self._chunks), self._voiced_secs
        self._chunks, self._voiced_secs, self._quiet_secs = [], 0.0, 0.0
        if voiced < MIN_UTTERANCE_SECS:
            return
        logger.info("echoing %.2fs of audio", len(audio) / 2 / self._rate)
        await self.push_frame(
            OutputAudioRawFrame(audio=audio, sample_rate=self._rate, num_channels=1)
        )
        if self._on_echo is not None:
            await self._on_echo(len(audio) / 2 / self._rate)


async def run_bot(transport, runner_args: RunnerArguments) -> None:
    task_holder: dict[str, PipelineTask] = {}

    async def on_echo(seconds: float) -> None:
        rtvi = task_holder["task"].rtvi
        if rtvi is not None and rtvi.client_ready:
            await rtvi.send_server_message({"type": "echo", "seconds": round(seconds, 2)})

    pipeline = Pipeline([transport.input(), Echo(on_echo=on_echo), transport.output()])
    task = PipelineTask(
        pipeline,
        params=PipelineParams(enable_metrics=False),
        idle_timeout_secs=runner_args.pipeline_idle_timeout_secs,
    )
    task_holder["task"] = task
    rtvi = task.rtvi

    @rtvi.event_handler("on_client_ready")
    async def on_client_ready(rtvi):
        await rtvi.set_bot_ready()
        await rtvi.send_server_message(
            {"type": "welcome", "text": "Hi! Say something and I'll say it back."}
        )

    @rtvi.event_handler("on_client_message")
    async def on_client_message(rtvi, message):
        logger.info("client message %s: %r", message.type, message.data)
        await rtvi.send_server_response(
            message, {"echo": message.data, "type": message.type, "at": time.time()}
        )

    @transport.event_handler("on_client_connected")
    async def on_client_connected(transport, client):
        logger.info("client connected")

    @transport.event_handler("on_client_disconnected")
    async def on_client_disconnected(transport, client):
        logger.info("client disconnected")
        await task.cancel()

    runner = PipelineRunner(
        handle_sigint=runner_args.handle_sigint, handle_sigterm=runner_args.handle_sigterm
    )
    await runner.run(task)


async def bot(runner_args: RunnerArguments):
    """The runner calls this once per session."""
    logger.info("new session (%s), body %r", type(runner_args).__name__, runner_args.body)
    transport = await create_transport(runner_args, transport_params)
    await run_bot(transport, runner_args)


if __name__ == "__main__":
    from voxpipe.runner.run import main

    main()
