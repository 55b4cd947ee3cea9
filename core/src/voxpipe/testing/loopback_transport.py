r"""``LoopbackTransport``: an in-memory transport for tests (yours and plugin authors').

It records everything the output side writes and lets a test feed the input
side, with no network::

    transport = LoopbackTransport(
        params=TransportParams(audio_in_enabled=True, audio_out_enabled=True),
        media_clock=MediaClock(speed=20),      # pace audio 20x faster than real time
    )
    task = PipelineTask(Pipeline([transport.input(), my_processor, transport.output()]))
    async with running_task(task) as run:
        await transport.input().push_audio(b"\x00" * 640)      # 20 ms at 16 kHz
        await transport.input().push_app_message({"label": "rtvi-ai", ...})
        await task.queue_frame(EndFrame())
        await run
    transport.output().audio_bytes()                           # everything played
    transport.output().messages                                # app messages sent

Every output write is stamped with the media clock time it happened at.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from voxpipe.frames.frames import (
    InputAudioRawFrame,
    OutputAudioRawFrame,
    OutputDTMFFrame,
    OutputDTMFUrgentFrame,
    OutputImageRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
)
from voxpipe.transports._media_clock import MediaClock
from voxpipe.transports.base_input import BaseInputTransport
from voxpipe.transports.base_output import BaseOutputTransport
from voxpipe.transports.base_transport import BaseTransport, TransportParams

__all__ = [
    "LoopbackInputTransport",
    "LoopbackOutputTransport",
    "LoopbackTransport",
    "Written",
    "running_task",
]


@dataclass
class Written:
    """One output write.

    Attributes:
        at: Media clock time of the write, in seconds.
        destination: The track written to (None = default).
        frame: What was written (audio chunk, image, message or DTMF frame).
    """

    at: float
    destination: str | None
    frame: Any


class LoopbackInputTransport(BaseInputTransport):
    """Input side: tests push audio, images and messages in."""

    def __init__(
        self, transport: LoopbackTransport, params: TransportParams, **kwargs: Any
    ) -> None:
        super().__init__(params, **kwargs)
        self._transport = transport

    async def push_audio(
        self, audio: bytes, *, sample_rate: int | None = None, num_channels: int = 1
    ) -> None:
        """Feed raw PCM as one ``InputAudioRawFrame`` (at :attr:`sample_rate` unless given)."""
        frame = InputAudioRawFrame(
            audio=audio, sample_rate=sample_rate or self.sample_rate, num_channels=num_channels
        )
        await self.push_audio_frame(frame)


class LoopbackOutputTransport(BaseOutputTransport):
    """Output side: records audio chunks, video frames, messages and DTMF.

    Attributes:
        audio: Audio writes, in order.
        video: The latest video writes (at most 1,000).
        messages: Messages sent (``frame.message`` values), in order.
        dtmf: DTMF frames sent natively (only with ``native_dtmf=True``).
    """

    def __init__(
        self,
        transport: LoopbackTransport,
        params: TransportParams,
        *,
        native_dtmf: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(params, **kwargs)
        self._transport = transport
        self._native_dtmf = native_dtmf
        self.audio: list[Written] = []
        self.video: deque[Written] = deque(maxlen=1000)
        self.messages: list[Any] = []
        self.dtmf: list[Written] = []

    def audio_bytes(self, destination: str | None = None) -> bytes:
        """All audio written to ``destination``, concatenated."""
        return b"".join(w.frame.audio for w in self.audio if w.destination == destination)

    async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
        """Record the chunk."""
        self.audio.append(Written(self.media_clock.now(), frame.transport_destination, frame))
        return True

    async def write_video_frame(self, frame: OutputImageRawFrame) -> bool:
        """Record the image."""
        self.video.append(Written(self.media_clock.now(), frame.transport_destination, frame))
        return True

    async def send_message(
        self, frame: OutputTransportMessageFrame | OutputTransportMessageUrgentFrame
    ) -> None:
        """Record the message."""
        self.messages.append(frame.message)
        await self._transport._call_event_handler("on_message_sent", frame.message)

    async def write_dtmf(self, frame: OutputDTMFFrame | OutputDTMFUrgentFrame) -> None:
        """Record the key natively when ``native_dtmf``; otherwise play it as audio."""
        if self._native_dtmf:
            self.dtmf.append(Written(self.media_clock.now(), frame.transport_destination, frame))
        else:
            await super().write_dtmf(frame)


class LoopbackTransport(BaseTransport):
    """An in-memory transport; see the module docstring.

    Args:
        params: Configuration for both sides.
        media_clock: Pacing clock for the output (e.g. ``MediaClock(speed=20)``).
        native_dtmf: Record DTMF frames instead of playing tones.
        **kwargs: Passed to :class:`BaseTransport` (``name``, ``input_name``, ``output_name``).

    Events: ``on_message_sent(transport, message)`` for every message the output sends.
    """

    def __init__(
        self,
        params: TransportParams | None = None,
        *,
        media_clock: MediaClock | None = None,
        native_dtmf: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._params = params or TransportParams()
        self._media_clock = media_clock or MediaClock()
        self._native_dtmf = native_dtmf
        self._input: LoopbackInputTransport | None = None
        self._output: LoopbackOutputTransport | None = None
        self._register_event_handler("on_message_sent", sync=True)

    def input(self) -> LoopbackInputTransport:
        """The input processor (created on first call)."""
        if self._input is None:
            self._input = LoopbackInputTransport(self, self._params, name=self._input_name)
        return self._input

    def output(self) -> LoopbackOutputTransport:
        """The output processor (created on first call)."""
        if self._output is None:
            self._output = LoopbackOutputTransport(
                self,
                self._params,
                media_clock=self._media_clock,
                native_dtmf=self._native_dtmf,
                name=self._output_name,
            )
        return self._output


@contextlib.asynccontextmanager
async def running_task(
    task: Any, *, start_timeout: float = 2.0, stop_timeout: float = 5.0
) -> AsyncIterator[asyncio.Task[Any]]:
    """Run ``task`` (a ``PipelineTask``) in the background while the block runs.

    Yields once the pipeline has started; the yielded asyncio task completes
    when the run ends (await it after queueing an ``EndFrame``). On leaving the
    block a run still going is cancelled; every wait is bounded.

    Raises:
        TimeoutError: The pipeline did not start within ``start_timeout``.
    """
    from voxpipe.pipeline.runner import PipelineRunner

    started = asyncio.Event()
    task.add_event_handler("on_pipeline_started", lambda *_: started.set())
    runner = PipelineRunner(handle_sigint=False, handle_sigterm=False)
    run = asyncio.get_running_loop().create_task(
        runner.run(task), name="voxpipe-testing::loopback-run"
    )
    try:
        waiter = asyncio.get_running_loop().create_task(started.wait())
        await asyncio.wait(
            {run, waiter}, timeout=start_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        waiter.cancel()
        await asyncio.wait({waiter}, timeout=1.0)
        if not started.is_set():
            if run.done():
                run.result()
            raise TimeoutError(f"pipeline did not start within {start_timeout}s")
        yield run
    finally:
        if not run.done():
            await task.cancel(reason="running_task block ended")
            await asyncio.wait({run}, timeout=stop_timeout)
        if not run.done():
            run.cancel()
            await asyncio.wait({run}, timeout=1.0)
