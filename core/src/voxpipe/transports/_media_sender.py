"""The per-destination workers behind :class:`~voxpipe.transports.base_output.BaseOutputTransport`.

:class:`AudioSender` owns one audio destination: it cuts incoming audio into
``audio_out_10ms_chunks`` x 10 ms chunks and writes them at their playback
rate (chunk *k* is written once the chunks before it had time to play), keeps
the frames that followed the audio in order behind it (so they leave the
transport when the audio before them was played), fills gaps with silence or
background (mixer) sound, and reports speech to the transport for bot-speaking
detection. :class:`VideoPlayer` owns one video destination: it repeats the
current image or sprite at ``video_out_framerate``, or plays live images as
they arrive.

Bounds: queued audio is capped at ``max_buffered_secs`` (the producer waits),
live video keeps at most two seconds of images (older ones are dropped), and
every wait goes through the transport's :class:`MediaClock`.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from voxpipe.frames._base import UninterruptibleFrame
from voxpipe.frames.frames import OutputAudioRawFrame, OutputImageRawFrame, SpriteFrame

if TYPE_CHECKING:
    from voxpipe.transports._media_clock import MediaClock
    from voxpipe.transports.base_output import BaseOutputTransport

__all__ = ["AudioSender", "VideoPlayer"]

_SPEECH, _SILENCE, _FRAME = 0, 1, 2
#: How long a partial chunk waits for more audio before it is written short.
_PARTIAL_GRACE_SECS = 0.01


class AudioSender:
    """Paced audio (and in-order frames) for one destination; see the module docstring."""

    def __init__(
        self,
        transport: BaseOutputTransport,
        destination: str | None,
        *,
        sample_rate: int,
        channels: int,
        chunks_10ms: int,
        mixer: Any,
        auto_silence: bool,
        clock: MediaClock,
        max_buffered_secs: float,
    ) -> None:
        self._t = transport
        self.destination = destination
        self.sample_rate = sample_rate
        self.channels = channels
        self._bytes_per_sec = sample_rate * channels * 2
        self.chunk_bytes = (sample_rate // 100) * channels * 2 * chunks_10ms
        self._silence = bytes(self.chunk_bytes)
        self.mixer = mixer if channels == 1 else None
        self._auto_silence = auto_silence
        self._clock = clock
        self._max_buffered_secs = max_buffered_secs
        self._items: deque[tuple[int, Any]] = deque()
        self._pending = bytearray()
        self._queued_secs = 0.0
        self._wake = asyncio.Event()
        self._space = asyncio.Event()
        self._space.set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._busy = False
        self._gen = 0
        self._next_at: float | None = None
        self._last_speech_at = 0.0
        self.speaking = False
        self._task: asyncio.Task[Any] | None = None

    # -- producer side (the transport's process_frame) ------------------------------

    @property
    def is_empty(self) -> bool:
        """True when nothing is queued, pending or being written."""
        return not self._items and not self._pending and not self._busy

    @property
    def queued_secs(self) -> float:
        """Seconds of audio queued and not yet written."""
        return self._queued_secs + len(self._pending) / self._bytes_per_sec

    async def add_audio(self, audio: bytes) -> None:
        """Queue PCM at this sender's rate; waits while more than the cap is queued."""
        self._pending += audio
        size = self.chunk_bytes
        while len(self._pending) >= size:
            self._push_item(_SPEECH, bytes(self._pending[:size]))
            del self._pending[:size]
        self._idle.clear()
        self._wake.set()
        while self._queued_secs > self._max_buffered_secs:
            self._space.clear()
            await self._clock.wait(self._space, 1.0)

    def add_frame(self, frame: Any) -> None:
        """Queue ``frame`` behind the audio queued so far."""
        self._flush_pending()
        self._items.append((_FRAME, frame))
        self._idle.clear()
        self._wake.set()

    def add_silence(self, seconds: float) -> None:
        """Queue ``seconds`` of silence (not counted as bot speech)."""
        self._flush_pending()
        total = int(seconds * self.sample_rate) * self.channels * 2
        while total > 0:
            n = min(total, self.chunk_bytes)
            self._push_item(_SILENCE, self._silence[:n])
            total -= n
        self._idle.clear()
        self._wake.set()

    def insert_audio_now(self, audio: bytes) -> None:
        """Play ``audio`` next, ahead of what is queued (DTMF tones)."""
        size = self.chunk_bytes
        chunks = [audio[i : i + size] for i in range(0, len(audio), size)]
        for chunk in reversed(chunks):
            self._items.appendleft((_SPEECH, chunk))
            self._queued_secs += len(chunk) / self._bytes_per_sec
        self._idle.clear()
        self._wake.set()

    def interrupt(self) -> None:
        """Drop queued audio and interruptible frames now; the chunk being written is the last."""
        self._gen += 1
        self._pending.clear()
        self._items = deque(
            item
            for item in self._items
            if item[0] == _FRAME and isinstance(item[1], UninterruptibleFrame)
        )
        self._queued_secs = 0.0
        self._next_at = None
        self._space.set()
        self._wake.set()

    async def drain(self, extra_secs: float = 1.0) -> bool:
        """Wait until everything queued was written; bounded by the queued duration + ``extra_secs``.

        Returns:
            True if the queue drained in time.
        """
        if self.is_empty:
            return True
        budget = self.queued_secs + self._t.bot_vad_stop_secs + extra_secs
        return await self._clock.wait(self._idle, budget)

    def _push_item(self, kind: int, chunk: bytes) -> None:
        self._items.append((kind, chunk))
        self._queued_secs += len(chunk) / self._bytes_per_sec

    def _flush_pending(self) -> None:
        if self._pending:
            self._push_item(_SPEECH, bytes(self._pending))
            self._pending.clear()

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Start the mixer and the writer task."""
        if self.mixer is not None:
            await self.mixer.start(self.sample_rate)
        self._task = self._t.create_task(self._run(), f"audio-{self.destination or 'default'}")

    async def stop(self) -> None:
        """Stop the writer task (bounded) and the mixer."""
        if self._task is not None:
            await self._t.cancel_task(self._task, 1.0)
            self._task = None
        if self.mixer is not None:
            await self.mixer.stop()

    # -- the writer task -------------------------------------------------------------------

    async def _run(self) -> None:
        clock = self._clock
        while True:
            self._wake.clear()
            if self.speaking and clock.now() - self._last_speech_at >= self._t.bot_vad_stop_secs:
                await self._t._sender_stopped_speaking(self)
            if not self._items and self._pending:
                deadline = max(self._next_at or 0.0, clock.now() + _PARTIAL_GRACE_SECS)
                while not self._items and self._pending and clock.now() < deadline:
                    await clock.wait(self._wake, deadline - clock.now())
                    self._wake.clear()
                if not self._items:
                    self._flush_pending()
            if self._items:
                kind, value = self._items.popleft()
                self._busy = True
                try:
                    if kind == _FRAME:
                        await self._t._release_frame(value, self)
                    else:
                        self._queued_secs = max(
                            0.0, self._queued_secs - len(value) / self._bytes_per_sec
                        )
                        if self._queued_secs <= self._max_buffered_secs:
                            self._space.set()
                        await self._play(value, kind == _SPEECH)
                finally:
                    self._busy = False
                continue
            self._idle.set()
            if self.speaking:
                remaining = self._t.bot_vad_stop_secs - (clock.now() - self._last_speech_at)
                if self.mixer is not None or self._auto_silence:
                    # Give late speech one chunk of grace before filling the gap with
                    # silence: a chunk arriving a few ms late then plays at once instead
                    # of queueing behind a silence chunk, a delay that would never be
                    # made up with real-time input.
                    grace_until = (self._next_at or clock.now()) + len(self._silence) / self._bytes_per_sec
                    if clock.now() < grace_until:
                        await clock.wait(self._wake, grace_until - clock.now())
                        if self._items:
                            continue
                    await self._play(self._silence, False)
                else:
                    self._next_at = None
                    await clock.wait(self._wake, remaining)
            elif self.mixer is not None:
                await self._play(self._silence, False)
            else:
                self._next_at = None
                await clock.wait(self._wake, None)

    async def _play(self, chunk: bytes, speech: bool) -> None:
        clock = self._clock
        gen = self._gen
        duration = len(chunk) / self._bytes_per_sec
        now = clock.now()
        if self._next_at is None or now - self._next_at > duration:
            self._next_at = now  # starting, or fell behind: do not burst to catch up
        delay = self._next_at - now
        if delay > 0:
            await clock.sleep(delay)
            if gen != self._gen:
                return  # interrupted while waiting: this chunk is dropped
        if self.mixer is not None:
            chunk = await self.mixer.mix(chunk)
        frame = OutputAudioRawFrame(
            audio=chunk, sample_rate=self.sample_rate, num_channels=self.channels
        )
        frame.transport_destination = self.destination
        await self._t.write_audio_frame(frame)
        if self._next_at is not None:
            self._next_at += duration
        if speech and gen == self._gen:
            self._last_speech_at = clock.now()
            await self._t._sender_spoke(self, frame)


class VideoPlayer:
    """Video for one destination: a repeated image/sprite, or live images as they come."""

    def __init__(
        self,
        transport: BaseOutputTransport,
        destination: str | None,
        *,
        framerate: int,
        live: bool,
        clock: MediaClock,
    ) -> None:
        self._t = transport
        self.destination = destination
        self._period = 1.0 / framerate
        self._live = live
        self._clock = clock
        self._images: Iterator[OutputImageRawFrame] | None = None
        self._queue: deque[OutputImageRawFrame] = deque(maxlen=max(2, framerate * 2))
        self._wake = asyncio.Event()
        self._task: asyncio.Task[Any] | None = None

    def show(self, frame: OutputImageRawFrame | SpriteFrame) -> None:
        """Show an image (queued when live, repeated otherwise) or loop a sprite's images."""
        if isinstance(frame, SpriteFrame):
            self._queue.clear()
            self._images = itertools.cycle(list(frame.images)) if frame.images else None
        elif self._live:
            self._queue.append(frame)
        else:
            self._images = itertools.repeat(frame)
        self._wake.set()

    async def start(self) -> None:
        """Start the player task."""
        self._task = self._t.create_task(self._run(), f"video-{self.destination or 'default'}")

    async def stop(self) -> None:
        """Stop the player task (bounded)."""
        if self._task is not None:
            await self._t.cancel_task(self._task, 1.0)
            self._task = None

    async def _run(self) -> None:
        clock = self._clock
        next_at: float | None = None
        while True:
            self._wake.clear()
            if self._queue:
                image = self._queue.popleft()
            elif self._images is not None:
                image = next(self._images)
            else:
                next_at = None
                await clock.wait(self._wake, None)
                continue
            now = clock.now()
            if next_at is None or now - next_at > self._period:
                next_at = now
            if next_at > now:
                await clock.sleep(next_at - now)
            await self._t.write_video_frame(image)
            next_at += self._period
