r"""``BaseInputTransport``: the processor that brings media and messages into the pipeline.

A transport plugin subclasses it and, from its receive side (a websocket loop,
a WebRTC track callback ...), calls:

* :meth:`BaseInputTransport.push_audio_frame` with ``InputAudioRawFrame``\ s
  (or ``UserAudioRawFrame``\ s) at :attr:`sample_rate`. They go through a
  bounded queue to one audio task, which applies ``audio_in_filter`` and pushes
  them downstream (they are system frames: never queued behind data, never
  dropped by interruptions). When the queue is full the oldest chunk is
  dropped with a warning, so a stalled pipeline never blocks the network side.
* :meth:`BaseInputTransport.push_video_frame` with ``InputImageRawFrame``\ s
  (``video_in_enabled``).
* :meth:`BaseInputTransport.push_app_message` with each app message: it is
  broadcast as ``InputTransportMessageFrame`` (both directions), so the RTVI
  processor at the head of the pipeline receives it.

Audio is only accepted while streaming: from the start with
``audio_in_stream_on_start=True`` (the default), otherwise after
:meth:`start_audio_in_streaming` (which the RTVI processor calls on
``client-ready``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    FilterControlFrame,
    InputAudioRawFrame,
    InputImageRawFrame,
    InputTransportMessageFrame,
    StartFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.transports.base_transport import TransportParams

__all__ = ["BaseInputTransport"]

logger = logging.getLogger("voxpipe")

_DOWN = FrameDirection.DOWNSTREAM


class BaseInputTransport(FrameProcessor):
    """Receives audio, video and messages; see the module docstring.

    Args:
        params: The transport's configuration.
        **kwargs: Passed to :class:`FrameProcessor` (e.g. ``name``).
    """

    #: Input audio chunks held while the pipeline is busy; beyond it the oldest is dropped.
    max_queued_audio_frames: int = 500

    def __init__(self, params: TransportParams, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._params = params
        self._sample_rate = 0
        self._streaming = False
        self._audio_queue: deque[InputAudioRawFrame] = deque()
        self._audio_ready = asyncio.Event()
        self._audio_task: asyncio.Task[Any] | None = None
        self._dropped = 0
        self._filter = params.audio_in_filter
        self._filter_started = False

    @property
    def params(self) -> TransportParams:
        """The transport's configuration."""
        return self._params

    @property
    def sample_rate(self) -> int:
        """Input sample rate in Hz (0 until the ``StartFrame``)."""
        return self._sample_rate

    @property
    def audio_in_streaming(self) -> bool:
        """Whether input audio is being accepted."""
        return self._streaming

    # -- lifecycle (transports extend these; call super) -----------------------------------

    async def start(self, frame: StartFrame) -> None:
        """Start input: the filter and the audio task; call ``super().start(frame)`` first."""
        p = self._params
        self._sample_rate = p.audio_in_sample_rate or frame.audio_in_sample_rate
        if self._filter is not None and not self._filter_started:
            await self._filter.start(self._sample_rate)
            self._filter_started = True
        if p.audio_in_enabled and self._audio_task is None:
            self._audio_task = self.create_task(self._audio_loop(), "audio-in")
        if p.audio_in_stream_on_start:
            await self.start_audio_in_streaming()

    async def stop(self, frame: EndFrame) -> None:
        """Stop input on ``EndFrame`` (before it moves on); call ``super().stop(frame)``."""
        await self._stop_audio()

    async def cancel(self, frame: CancelFrame) -> None:
        """Stop input at once on ``CancelFrame``; call ``super().cancel(frame)``."""
        await self._stop_audio()

    async def start_audio_in_streaming(self) -> None:
        """Begin accepting input audio (idempotent)."""
        if not self._streaming:
            self._streaming = True
            logger.debug("%s: input audio streaming started", self)

    async def cleanup(self) -> None:
        """Stop input if the run ended without ``EndFrame``/``CancelFrame`` reaching it."""
        await self._stop_audio()
        await super().cleanup()

    async def _stop_audio(self) -> None:
        self._streaming = False
        if self._audio_task is not None:
            await self.cancel_task(self._audio_task, 1.0)
            self._audio_task = None
        self._audio_queue.clear()
        if self._filter is not None and self._filter_started:
            self._filter_started = False
            await self._filter.stop()

    # -- called by the transport's receive side -----------------------------------------------

    async def push_audio_frame(self, frame: InputAudioRawFrame) -> None:
        """Hand one received audio chunk to the pipeline (never blocks on the pipeline)."""
        if not self._streaming or not self._params.audio_in_enabled:
            return
        queue = self._audio_queue
        if len(queue) >= self.max_queued_audio_frames:
            queue.popleft()
            self._dropped += 1
            if self._dropped == 1 or self._dropped % 100 == 0:
                logger.warning(
                    "%s: input audio backlog full; dropped %d old chunks", self, self._dropped
                )
        queue.append(frame)
        self._audio_ready.set()

    async def push_video_frame(self, frame: InputImageRawFrame) -> None:
        """Hand one received image to the pipeline (``video_in_enabled`` only)."""
        if self._params.video_in_enabled and self.started:
            await self.push_frame(frame, _DOWN)

    async def push_app_message(self, message: Any) -> None:
        """Broadcast a received app message as ``InputTransportMessageFrame`` (both ways)."""
        if self.started:
            await self.broadcast_frame(InputTransportMessageFrame, message=message)

    async def _audio_loop(self) -> None:
        queue = self._audio_queue
        while True:
            if not queue:
                self._audio_ready.clear()
                await self._audio_ready.wait()
                continue
            frame = queue.popleft()
            try:
                await self._handle_audio(frame)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bad chunk or a failing filter must not end input
                await self.push_error(f"{self}: input audio failed: {exc}", exception=exc)

    async def _handle_audio(self, frame: InputAudioRawFrame) -> None:
        if self._filter is not None:
            audio = await self._filter.filter(frame.audio)
            if not audio:
                return
            if audio is not frame.audio:
                frame.audio = audio
                frame.num_frames = len(audio) // (2 * (frame.num_channels or 1))
        if self._params.audio_in_passthrough:
            await self.push_frame(frame, _DOWN)

    # -- frames -----------------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Start, stop and cancel input with the pipeline; apply filter controls; pass the rest on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.start(frame)
            await self.push_frame(frame, direction)
        elif isinstance(frame, CancelFrame):
            await self.cancel(frame)
            await self.push_frame(frame, direction)
        elif isinstance(frame, EndFrame):
            await self.stop(frame)
            await self.push_frame(frame, direction)
        elif isinstance(frame, FilterControlFrame) and direction is _DOWN:
            if self._filter is not None:
                await self._filter.process_frame(frame)
            await self.push_frame(frame, direction)
        else:
            await self.push_frame(frame, direction)
