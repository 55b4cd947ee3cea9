"""A Python WebRTC client for tests: it behaves like Pipecat's JS SmallWebRTC client.

:class:`SmallWebRTCTestPeer` offers the documented transceivers (audio
``sendrecv``, camera ``sendrecv``, screen ``sendonly``) and an ordered ``chat``
data channel, pings every second, speaks RTVI, sends a tone (or silence) as its
microphone and records what the bot sends back::

    with loopback_only():
        peer = SmallWebRTCTestPeer()
        answer = await peer.connect(handler, start_bot)      # POST /api/offer, in-process
        await peer.wait_connected()
        ready = await peer.client_ready()                     # client-ready -> bot-ready
        ...
        await peer.close()

:func:`loopback_only` makes aiortc gather ``127.0.0.1`` host candidates only,
so tests never touch another interface or a STUN server. It patches aioice for
the whole process while active (tests run one at a time; do not use it in
production code).

The runner's tests can use the same peer against an HTTP server: build the
offer with :meth:`SmallWebRTCTestPeer.create_offer`, post it, and pass the JSON
answer to :meth:`SmallWebRTCTestPeer.accept`.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import math
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import av
import numpy as np
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

from voxpipe.transports.smallwebrtc._tracks import _Pacer, audio_frame_to_pcm
from voxpipe.transports.smallwebrtc.connection import _close_pc

__all__ = ["SmallWebRTCTestPeer", "ToneTrack", "loopback_only", "rms"]


@contextlib.contextmanager
def loopback_only() -> Iterator[None]:
    """Gather only ``127.0.0.1`` host candidates while the block runs (tests only)."""
    import aioice.ice

    original = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"] if use_ipv4 else []
    try:
        yield
    finally:
        aioice.ice.get_host_addresses = original


def rms(pcm: bytes) -> float:
    """Root mean square of 16-bit PCM, 0..32768 (0 for no audio)."""
    if len(pcm) < 2:
        return 0.0
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2)))


class ToneTrack(MediaStreamTrack):
    """A microphone that plays a sine tone (48 kHz mono, 20 ms frames, real time).

    Args:
        frequency: Tone frequency in Hz; 0 sends silence.
        amplitude: Peak amplitude, 0..1.
        sample_rate: Rate of the frames.
    """

    kind = "audio"

    def __init__(self, frequency: float = 440.0, amplitude: float = 0.3, sample_rate: int = 48000) -> None:
        super().__init__()
        self.frequency = frequency
        self._amplitude = amplitude
        self._rate = sample_rate
        self._samples = sample_rate // 50
        self._pacer = _Pacer()
        self._n = 0

    async def recv(self) -> av.AudioFrame:
        """The next 20 ms of tone."""
        if self.readyState != "live":
            raise MediaStreamError
        await self._pacer.next(0.02)
        t = (np.arange(self._samples) + self._n) / self._rate
        wave = self._amplitude * np.sin(2 * math.pi * self.frequency * t) if self.frequency else t * 0
        pcm = (wave * 32767).astype("<i2").tobytes()
        frame = av.AudioFrame(format="s16", layout="mono", samples=self._samples)
        frame.planes[0].update(pcm)
        frame.sample_rate = self._rate
        frame.pts = self._n
        frame.time_base = fractions.Fraction(1, self._rate)
        self._n += self._samples
        return frame


class _ColorTrack(MediaStreamTrack):
    """A camera showing a solid color at 15 fps."""

    kind = "video"

    def __init__(self, rgb: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (160, 120)) -> None:
        super().__init__()
        width, height = size
        array = np.zeros((height, width, 3), dtype=np.uint8)
        array[:, :] = rgb
        self._array = array
        self._pacer = _Pacer()

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        count = await self._pacer.next(1 / 15)
        frame = av.VideoFrame.from_ndarray(self._array, format="rgb24")
        frame.pts = count * 6000
        frame.time_base = fractions.Fraction(1, 90000)
        return frame


class SmallWebRTCTestPeer:
    """A client peer for tests; see the module docstring.

    Args:
        tone_hz: Frequency of the microphone tone (0: silence; None: no audio track sent).
        video: Offer a camera track (a solid color).
        screen: Offer a screen-share transceiver.
        ping_interval: Seconds between ``"ping: <ms>"`` keepalives (None: no pings).

    Attributes:
        messages: App messages received from the bot (decoded JSON), in order.
        signalling: Signalling messages received (the inner ``message`` objects).
        pc_id: The ``pc_id`` from the last answer.
        video_frames: Video frames received from the bot.
        last_video_color: Mean RGB of the last video frame received.
    """

    def __init__(
        self,
        *,
        tone_hz: float | None = 440.0,
        video: bool = False,
        screen: bool = False,
        ping_interval: float | None = 1.0,
    ) -> None:
        self._tone_hz = tone_hz
        self._video = video
        self._screen = screen
        self._ping_interval = ping_interval
        self.pc: RTCPeerConnection | None = None
        self.channel: Any = None
        self.pc_id: str | None = None
        self.messages: list[Any] = []
        self.signalling: list[dict[str, Any]] = []
        self.tone: ToneTrack | None = None
        self.video_frames = 0
        self.last_video_color: tuple[int, ...] | None = None
        self._audio = bytearray()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._changed = asyncio.Event()
        self._open = asyncio.Event()

    # -- signalling -------------------------------------------------------------------------

    async def create_offer(self, *, restart_pc: bool = False) -> dict[str, Any]:
        """A fresh peer connection's offer as a ``POST /api/offer`` body.

        With ``restart_pc`` the previous peer connection is abandoned as a
        failed one would be (silently: the server hears no goodbye) and the body
        carries its ``pc_id`` and ``restart_pc: true``.
        """
        if self.pc is not None:
            if not restart_pc:
                raise RuntimeError("already offered; pass restart_pc=True to start over")
            self._mute_pc(self.pc)
            await self._close_pc()
        pc = self.pc = RTCPeerConnection()
        self._open.clear()
        if self._tone_hz is not None:
            self.tone = ToneTrack(self._tone_hz)
            pc.addTransceiver(self.tone, direction="sendrecv")
        else:
            pc.addTransceiver("audio", direction="recvonly")
        if self._video:
            pc.addTransceiver(_ColorTrack(), direction="sendrecv")
        if self._screen:
            pc.addTransceiver(_ColorTrack((40, 40, 200)), direction="sendonly")
        channel = self.channel = pc.createDataChannel("chat", ordered=True)
        channel.on("open", self._open.set)
        channel.on("message", self._on_message)
        pc.on("track", self._on_track)
        await pc.setLocalDescription(await pc.createOffer())
        body: dict[str, Any] = {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}
        if restart_pc:
            body.update(pc_id=self.pc_id, restart_pc=True)
        return body

    async def renegotiation_offer(self) -> dict[str, Any]:
        """A new offer on the same peer connection, with the current ``pc_id``."""
        assert self.pc is not None
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return {"sdp": self.pc.localDescription.sdp, "type": "offer", "pc_id": self.pc_id}

    async def accept(self, answer: dict[str, Any]) -> None:
        """Apply the server's answer and start pinging."""
        assert self.pc is not None
        self.pc_id = answer["pc_id"]
        await self.pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], answer["type"]))
        if self._ping_interval and not any(t.get_name() == "peer-ping" for t in self._tasks):
            self._spawn(self._ping_loop(), "peer-ping")

    async def connect(self, handler: Any, callback: Callable[[Any], Any], **body: Any) -> dict[str, Any]:
        """Offer through a ``SmallWebRTCRequestHandler`` (in-process ``POST /api/offer``)."""
        from voxpipe.transports.smallwebrtc.request_handler import SmallWebRTCRequest

        offer = await self.create_offer()
        answer = await handler.handle_web_request(SmallWebRTCRequest.from_dict({**offer, **body}), callback)
        await self.accept(answer)
        return answer

    async def connect_to(self, connection: Any) -> None:
        """Offer straight to a ``SmallWebRTCConnection`` (no handler)."""
        offer = await self.create_offer()
        await connection.initialize(sdp=offer["sdp"], type=offer["type"])
        await self.accept(connection.get_answer())

    # -- waiting ------------------------------------------------------------------------------

    async def wait_connected(self, timeout: float = 5.0) -> None:
        """Wait until the peer connection is connected and the data channel open."""
        async def _wait() -> None:
            while self.pc is None or self.pc.connectionState != "connected":
                await asyncio.sleep(0.02)
            await self._open.wait()

        await asyncio.wait_for(_wait(), timeout)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``predicate()`` is true (checked on every message and every 20 ms)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s")
            self._changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.02))

    async def wait_for_message(self, predicate: Callable[[Any], bool], timeout: float = 5.0) -> Any:
        """The first message (already received or arriving) for which ``predicate`` is true."""
        found: list[Any] = []

        def _check() -> bool:
            found[:] = [m for m in self.messages if predicate(m)][:1]
            return bool(found)

        await self.wait_for(_check, timeout)
        return found[0]

    # -- messages -----------------------------------------------------------------------------

    def send(self, message: Any) -> None:
        """Send ``message`` as JSON on the ``chat`` channel (or a ``str`` as is)."""
        assert self.channel is not None
        self.channel.send(message if isinstance(message, str) else json.dumps(message))

    def send_rtvi(self, type: str, data: Any = None) -> str:
        """Send an RTVI message; returns its id."""
        msg_id = uuid.uuid4().hex[:8]
        message = {"label": "rtvi-ai", "type": type, "id": msg_id}
        if data is not None:
            message["data"] = data
        self.send(message)
        return msg_id

    async def client_ready(self, timeout: float = 5.0) -> dict[str, Any]:
        """Send ``client-ready`` and return the ``bot-ready`` that answers it."""
        msg_id = self.send_rtvi(
            "client-ready", {"version": "1.2.0", "about": {"library": "voxpipe-test-peer"}}
        )
        return await self.wait_for_message(
            lambda m: isinstance(m, dict) and m.get("type") == "bot-ready" and m.get("id") == msg_id,
            timeout,
        )

    def _on_message(self, message: str | bytes) -> None:
        try:
            value = json.loads(message)
        except ValueError:
            value = message
        if isinstance(value, dict) and value.get("type") == "signalling":
            self.signalling.append(value.get("message"))
        else:
            self.messages.append(value)
        self._changed.set()

    async def _ping_loop(self) -> None:
        await self._open.wait()
        while True:
            channel = self.channel
            if channel is not None and channel.readyState == "open":
                channel.send(f"ping: {int(time.time() * 1000)}")
            await asyncio.sleep(self._ping_interval or 1.0)

    # -- audio from the bot ----------------------------------------------------------------

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            self._spawn(self._read_audio(track), "peer-audio")
        else:
            self._spawn(self._read_video(track), "peer-video")

    async def _read_audio(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                pcm, _ = audio_frame_to_pcm(frame, 1)
                self._audio.extend(pcm)
                self._changed.set()

    async def _read_video(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                self.video_frames += 1
                self.last_video_color = tuple(
                    int(v) for v in frame.to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
                )
                self._changed.set()

    def received_audio(self) -> bytes:
        """Audio received from the bot so far: 16-bit mono PCM at 48 kHz."""
        return bytes(self._audio)

    def clear_received_audio(self) -> None:
        """Forget the audio received so far."""
        self._audio.clear()

    # -- leaving ----------------------------------------------------------------------------

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _stop_tasks(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)

    async def _close_pc(self) -> None:
        pc, self.pc = self.pc, None
        if pc is not None:
            await _close_pc(pc)

    async def close(self) -> None:
        """Leave: close the peer connection (the server sees DTLS close) and stop the tasks."""
        await self._stop_tasks()
        await self._close_pc()

    async def vanish(self) -> None:
        """Disappear without a goodbye: stop pinging and drop every packet both ways.

        The server only notices through its keepalive (or ICE consent) timeout,
        like a client whose process died or whose network went away.
        """
        await self._stop_tasks()
        if self.pc is not None:
            self._mute_pc(self.pc)

    @classmethod
    def _mute_pc(cls, pc: RTCPeerConnection) -> None:
        for transceiver in pc.getTransceivers():
            cls._mute_ice(transceiver.receiver.transport.transport)
        if pc.sctp is not None:
            cls._mute_ice(pc.sctp.transport.transport)

    @staticmethod
    def _mute_ice(ice_transport: Any) -> None:
        connection = ice_transport._connection
        for protocol in connection._protocols:

            async def _no_data(*_args: Any) -> None:
                return None

            protocol.send_data = _no_data
            protocol.send_stun = lambda *_args: None
            protocol.datagram_received = lambda *_args: None
