"""The bot's outgoing aiortc tracks, and conversion of the client's frames to PCM and RGB.

aiortc pulls outgoing media: its sender awaits ``track.recv()`` for the next
frame and encodes it (Opus at 48 kHz for audio, VP8/H264 for video). The
output transport, in turn, pushes audio at playback rate (the kernel paces
it). :class:`AudioOutputTrack` sits between the two: a short byte buffer that
``recv()`` drains 20 ms at a time on its own real-time clock, returning
silence when the bot has nothing to say. :class:`VideoOutputTrack` repeats the
latest image at the configured frame rate.
"""

from __future__ import annotations

import asyncio
import fractions
import time

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

__all__ = ["AudioOutputTrack", "VideoOutputTrack", "audio_frame_to_pcm", "video_frame_to_rgb"]

#: Duration of one outgoing audio frame (aiortc packetizes 20 ms).
AUDIO_PTIME = 0.020
_VIDEO_CLOCK_RATE = 90000
_VIDEO_TIME_BASE = fractions.Fraction(1, _VIDEO_CLOCK_RATE)


class _Pacer:
    """Real-time pacing for ``recv()``: frame *n* is returned at ``start + n * period``."""

    def __init__(self) -> None:
        self._start: float | None = None
        self._count = 0

    async def next(self, period: float) -> int:
        now = time.monotonic()
        if self._start is None:
            self._start = now
        else:
            self._count += 1
            due = self._start + self._count * period
            if now - due > 0.5:  # nobody pulled for a while: start over instead of bursting
                self._start, self._count = now, 0
            elif due > now:
                await asyncio.sleep(due - now)
        return self._count


class AudioOutputTrack(MediaStreamTrack):
    """The bot's audio: 16-bit PCM written by the output transport, read 20 ms at a time.

    Args:
        sample_rate: Rate of the PCM written (aiortc resamples to 48 kHz for Opus).
        num_channels: Channels of the PCM written.
        max_buffer_secs: Audio held at most; older audio is dropped (the
            output transport writes at playback rate, so this only fills
            while nobody reads, e.g. before the client connected).
    """

    kind = "audio"

    def __init__(self, sample_rate: int, num_channels: int = 1, max_buffer_secs: float = 1.0) -> None:
        super().__init__()
        self._sample_rate = sample_rate
        self._channels = num_channels
        self._frame_samples = int(sample_rate * AUDIO_PTIME)
        self._frame_bytes = self._frame_samples * num_channels * 2
        self._max_bytes = int(sample_rate * max_buffer_secs) * num_channels * 2
        self._buffer = bytearray()
        self._partial_waited = False
        self._pacer = _Pacer()
        self._pts = 0
        self._layout = "mono" if num_channels == 1 else "stereo"

    @property
    def sample_rate(self) -> int:
        """Rate of the PCM this track carries."""
        return self._sample_rate

    @property
    def buffered_bytes(self) -> int:
        """Bytes written and not yet sent."""
        return len(self._buffer)

    def add_audio(self, audio: bytes) -> None:
        """Queue PCM to send (never blocks)."""
        self._buffer.extend(audio)
        excess = len(self._buffer) - self._max_bytes
        if excess > 0:
            excess += (-excess) % (2 * self._channels)
            del self._buffer[:excess]

    def clear(self) -> None:
        """Drop audio not yet sent (an interruption)."""
        self._buffer.clear()

    def _take(self) -> bytes:
        size = self._frame_bytes
        buffer = self._buffer
        if len(buffer) >= size:
            self._partial_waited = False
            chunk = bytes(buffer[:size])
            del buffer[:size]
            return chunk
        if buffer and self._partial_waited:
            # the tail of an utterance: pad it rather than hold it forever
            chunk = bytes(buffer) + bytes(size - len(buffer))
            buffer.clear()
            self._partial_waited = False
            return chunk
        # a partial frame may be completed by the next write: give it one frame time
        self._partial_waited = bool(buffer)
        return bytes(size)

    async def recv(self) -> av.AudioFrame:
        """The next 20 ms of audio (silence when none is queued), paced in real time."""
        if self.readyState != "live":
            raise MediaStreamError
        await self._pacer.next(AUDIO_PTIME)
        data = self._take()
        frame = av.AudioFrame(format="s16", layout=self._layout, samples=self._frame_samples)
        frame.planes[0].update(data)
        frame.sample_rate = self._sample_rate
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, self._sample_rate)
        self._pts += self._frame_samples
        return frame


class VideoOutputTrack(MediaStreamTrack):
    """The bot's video: the latest image, repeated at ``framerate`` (black until the first).

    Args:
        width: Width of the black placeholder frame.
        height: Height of the black placeholder frame.
        framerate: Frames per second sent.
    """

    kind = "video"

    def __init__(self, width: int, height: int, framerate: int = 30) -> None:
        super().__init__()
        self._period = 1 / max(1, framerate)
        self._pacer = _Pacer()
        self._frame: av.VideoFrame | None = None
        self._width, self._height = width, height

    def set_image(self, image: bytes, size: tuple[int, int], format: str | None) -> None:
        """Show ``image`` (raw RGB/RGBA/BGR bytes of ``size``) from the next frame on.

        Raises:
            ValueError: The bytes do not match ``size`` and ``format``.
        """
        width, height = size
        fmt = (format or "RGB").upper()
        av_format = {"RGB": "rgb24", "RGBA": "rgba", "BGR": "bgr24", "BGRA": "bgra"}.get(fmt)
        if av_format is None:
            raise ValueError(f"unsupported image format {format!r} (RGB, RGBA, BGR or BGRA)")
        depth = len(fmt)
        if len(image) != width * height * depth:
            raise ValueError(
                f"image of {len(image)} bytes does not match {width}x{height} {fmt}"
            )
        array = np.frombuffer(image, dtype=np.uint8).reshape(height, width, depth)
        self._frame = av.VideoFrame.from_ndarray(array, format=av_format)

    async def recv(self) -> av.VideoFrame:
        """The current image as the next video frame, paced at the frame rate."""
        if self.readyState != "live":
            raise MediaStreamError
        count = await self._pacer.next(self._period)
        frame = self._frame
        if frame is None:
            frame = av.VideoFrame(width=self._width, height=self._height, format="yuv420p")
            for plane, value in zip(frame.planes, (16, 128, 128), strict=True):
                plane.update(bytes([value]) * plane.buffer_size)
            self._frame = frame
        frame.pts = int(count * self._period * _VIDEO_CLOCK_RATE)
        frame.time_base = _VIDEO_TIME_BASE
        return frame


def audio_frame_to_pcm(frame: av.AudioFrame, num_channels: int) -> tuple[bytes, int]:
    """16-bit interleaved PCM with ``num_channels`` (1 or 2) from a decoded frame, and its rate."""
    array = frame.to_ndarray()
    channels = len(frame.layout.channels)
    if frame.format.is_planar:
        samples = array.T  # (samples, channels)
    else:
        samples = array.reshape(-1, channels)
    if samples.dtype.kind == "f":
        samples = np.clip(samples * 32767.0, -32768, 32767)
    if num_channels == 1 and channels > 1:
        samples = samples.mean(axis=1, dtype=np.float32)
    elif num_channels == 2 and channels == 1:
        samples = np.repeat(samples, 2, axis=1)
    pcm = np.ascontiguousarray(samples, dtype=np.int16).tobytes()
    return pcm, frame.sample_rate


def video_frame_to_rgb(frame: av.VideoFrame) -> tuple[bytes, tuple[int, int]]:
    """Raw RGB bytes and ``(width, height)`` of a decoded video frame."""
    array = frame.to_ndarray(format="rgb24")
    height, width = array.shape[:2]
    return array.tobytes(), (width, height)
