"""``SmallWebRTCConnection``: one aiortc peer connection and its ``chat`` data channel.

The signalling server (usually a
:class:`~voxpipe.transports.smallwebrtc.request_handler.SmallWebRTCRequestHandler`)
creates a connection per client offer, calls :meth:`SmallWebRTCConnection.initialize`
with the offer and returns :meth:`SmallWebRTCConnection.get_answer` to the client;
the bot then builds a ``SmallWebRTCTransport`` on it::

    connection = SmallWebRTCConnection(ice_servers=["stun:stun.l.google.com:19302"])
    await connection.initialize(sdp=offer["sdp"], type=offer["type"])
    answer = connection.get_answer()          # {"sdp", "type": "answer", "pc_id"}

    @connection.event_handler("closed")
    async def on_closed(connection):
        ...

**Media.** The client's offer carries, in order, an audio transceiver (the
microphone), a video transceiver (the camera) and optionally a second video
transceiver (screen share, send-only from the client). Every transceiver is
answered ``sendrecv``; the bot's audio and video tracks are attached with
:meth:`replace_audio_track` / :meth:`replace_video_track` and survive a
renegotiation.

**Data channel.** The client opens an ordered channel labelled ``chat``:

* ``"ping: <ms>"`` text is the keepalive the client sends every second. The
  peer counts as connected (:meth:`is_connected`) only while a ping arrived
  within the last 3 s. Once pings have started, a peer silent for
  ``keepalive_timeout_secs`` is treated as gone: ``disconnected`` fires and the
  connection closes (a client whose process died never says goodbye).
* ``{"type": "signalling", "message": {...}}`` is control traffic: the client
  sends ``trackStatus`` (``receiver_index``, ``enabled``); the server sends
  ``renegotiate`` (:meth:`ask_to_renegotiate`) and ``peerLeft`` (on :meth:`disconnect`).
* Any other JSON is an app message (RTVI rides here): ``app-message`` fires with
  the decoded value. Text that is not JSON, or larger than
  ``max_message_bytes``, is logged and dropped.
* :meth:`send_app_message` queues up to 50 messages until the channel opens;
  queueing stops if it has not opened within 10 s.

**Events** (handlers receive the connection first; they run one at a time, in
order, on the connection's own task): ``new``, ``connecting``, ``connected``,
``disconnected``, ``failed``, ``closed`` (the peer connection's states),
``app-message`` (message), ``track-started`` (track), ``track-ended`` (track).
``closed`` is the last event of a connection.

**Bounds.** A connection not established within ``connection_timeout_secs`` of
:meth:`initialize` is closed; :meth:`disconnect` waits at most a few seconds
for aiortc to shut down. Without ``ice_servers`` no STUN server is contacted
(host candidates only), which suits a local network; pass STUN/TURN servers
for anything else.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import deque
from collections.abc import Sequence
from typing import Any

from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceCandidate,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.rtcdatachannel import RTCDataChannel
from aiortc.rtcrtptransceiver import RTCRtpTransceiver

from voxpipe.utils.base_object import BaseObject

__all__ = ["IceServer", "SmallWebRTCConnection"]

logger = logging.getLogger("voxpipe")

#: An ICE (STUN/TURN) server: ``IceServer(urls="stun:...")``, or with
#: ``username``/``credential`` for TURN. It is aiortc's ``RTCIceServer``.
IceServer = RTCIceServer

#: Seconds within which a ping must have arrived for :meth:`SmallWebRTCConnection.is_connected`.
PING_CONNECTED_WINDOW_SECS = 3.0
#: Outbound app messages held until the data channel opens.
MAX_QUEUED_MESSAGES = 50
#: Seconds after which messages stop being queued for a channel that never opened.
QUEUE_OPEN_TIMEOUT_SECS = 10.0
#: How often the connection's task checks its timers.
_TICK_SECS = 0.25
#: Upper bound on aiortc's own shutdown.
_CLOSE_TIMEOUT_SECS = 5.0

_EVENTS = (
    "new",
    "connecting",
    "connected",
    "disconnected",
    "failed",
    "closed",
    "app-message",
    "track-started",
    "track-ended",
)
_CLOSED = object()


def _ice_servers(servers: Sequence[str | RTCIceServer] | None) -> list[RTCIceServer]:
    result = []
    for server in servers or ():
        if isinstance(server, str):
            result.append(RTCIceServer(urls=server))
        elif isinstance(server, RTCIceServer):
            result.append(server)
        else:
            raise TypeError(f"ice_servers items must be URLs or IceServer, got {server!r}")
    return result


class SmallWebRTCConnection(BaseObject):
    """One WebRTC peer connection with its ``chat`` data channel; see the module docstring.

    Args:
        ice_servers: STUN/TURN servers, as URLs or :data:`IceServer` objects.
            None or empty: none (host candidates only).
        connection_timeout_secs: Seconds the peer has to connect after
            :meth:`initialize`; then the connection is closed.
        keepalive_timeout_secs: Once the client has sent pings, seconds without
            any data-channel message after which the peer counts as gone and
            the connection closes; None disables the check.
        max_message_bytes: Largest data-channel message accepted (64 KiB,
            the usual SCTP message limit); larger ones are dropped.
        name: Display name; also the prefix of :attr:`pc_id`.
    """

    def __init__(
        self,
        ice_servers: Sequence[str | RTCIceServer] | None = None,
        connection_timeout_secs: float = 60,
        *,
        keepalive_timeout_secs: float | None = 10.0,
        max_message_bytes: int = 64 * 1024,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self._ice_servers = _ice_servers(ice_servers)
        self._connection_timeout_secs = connection_timeout_secs
        self._keepalive_timeout_secs = keepalive_timeout_secs
        self._max_message_bytes = max_message_bytes
        self._pc_id = f"{self.name}-{uuid.uuid4().hex}"
        self._pc: RTCPeerConnection | None = None
        self._answer: RTCSessionDescription | None = None
        self._channel: RTCDataChannel | None = None
        self._outbox: deque[str] = deque()
        self._outbox_since: float | None = None
        self._state = "new"
        self._initialized_at = 0.0
        self._last_ping: float | None = None
        self._last_message: float | None = None
        self._event_queue: asyncio.Queue[tuple[Any, tuple[Any, ...]]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._close_task: asyncio.Task[None] | None = None
        self._closing = False
        self._closed = asyncio.Event()
        self._lock = asyncio.Lock()
        self._audio_output_track: MediaStreamTrack | None = None
        self._video_output_track: MediaStreamTrack | None = None
        self._screen_output_track: MediaStreamTrack | None = None
        self._disabled_receivers: set[int] = set()
        self._track_generation = 0
        self._track_changed = asyncio.Event()
        for event in _EVENTS:
            self._register_event_handler(event, sync=True)

    # -- identity and state ---------------------------------------------------------------

    @property
    def pc_id(self) -> str:
        """This connection's id: the key the client sends back to renegotiate."""
        return self._pc_id

    @property
    def pc(self) -> RTCPeerConnection | None:
        """The current aiortc peer connection (None before :meth:`initialize`)."""
        return self._pc

    @property
    def connection_state(self) -> str:
        """The peer connection's state: ``new``, ``connecting``, ``connected``, ``failed`` or ``closed``."""
        return self._state

    @property
    def closed(self) -> bool:
        """Whether the connection was closed for good."""
        return self._closed.is_set()

    def is_connected(self) -> bool:
        """Whether the peer is connected (and, once it pings, pinged within the last 3 s)."""
        if self._state != "connected" or self._closing:
            return False
        if self._last_ping is None:
            return True
        return time.monotonic() - self._last_ping < PING_CONNECTED_WINDOW_SECS

    async def wait_closed(self, timeout: float | None = None) -> bool:
        """Wait until the connection is closed; returns False if ``timeout`` passed first."""
        try:
            await asyncio.wait_for(self._closed.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    # -- signalling -----------------------------------------------------------------------

    async def initialize(self, sdp: str, type: str) -> None:
        """Apply the client's offer and prepare the answer (:meth:`get_answer`).

        Raises:
            ValueError: The offer is not a usable SDP offer; the connection is closed.
        """
        if self._pc is not None:
            raise RuntimeError(f"{self} is already initialized; use renegotiate()")
        if self._closing:
            raise RuntimeError(f"{self} is closed")
        self._initialized_at = time.monotonic()
        self._worker = asyncio.get_running_loop().create_task(
            self._run(), name=f"{self}::events"
        )
        try:
            async with self._lock:
                await self._negotiate(sdp, type, new_pc=True)
        except BaseException:
            await self.disconnect()
            raise

    def get_answer(self) -> dict[str, str] | None:
        """The answer for the last offer: ``{"sdp", "type", "pc_id"}`` (None before one)."""
        if self._answer is None:
            return None
        return {"sdp": self._answer.sdp, "type": self._answer.type, "pc_id": self._pc_id}

    async def renegotiate(self, sdp: str, type: str, restart_pc: bool = False) -> None:
        """Apply a new offer from the same client (same :attr:`pc_id`).

        With ``restart_pc`` the peer connection is replaced by a new one (the
        client's way to recover a failed connection); the bot's tracks move to
        the new one. Events of the old peer connection are not reported.

        Raises:
            ValueError: The offer is not usable (the connection keeps its state).
        """
        if self._closing:
            raise RuntimeError(f"{self} is closed")
        if self._pc is None:
            await self.initialize(sdp, type)
            return
        async with self._lock:
            await self._negotiate(sdp, type, new_pc=restart_pc)

    async def add_ice_candidate(self, candidate: RTCIceCandidate) -> None:
        """Add a candidate the client trickled (``PATCH /api/offer``)."""
        if self._pc is None or self._closing:
            raise RuntimeError(f"{self} has no open peer connection")
        await self._pc.addIceCandidate(candidate)

    async def _negotiate(self, sdp: str, type: str, *, new_pc: bool) -> None:
        if type != "offer":
            raise ValueError(f"expected an SDP offer, got type {type!r}")
        if not sdp.lstrip().startswith("v=") or "\nm=" not in sdp:
            raise ValueError("invalid SDP offer: not a session description with media sections")
        old = self._pc if new_pc else None
        if new_pc:
            pc = self._new_pc()
        else:
            assert self._pc is not None
            pc = self._pc
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=type))
        except Exception as exc:
            if new_pc:
                await _close_pc(pc)
            raise ValueError(f"invalid SDP offer: {str(exc) or 'malformed SDP'}") from exc
        if old is not None:
            self._detach_tracks(old)
        self._pc = pc
        if new_pc:
            self._channel = None
        self._attach_tracks(pc)
        answer = await pc.createAnswer()
        await pc.setLocalDescription(answer)
        self._answer = pc.localDescription
        if old is not None:
            logger.debug("%s: restarting the peer connection", self)
            await _close_pc(old)
            self._track_generation += 1
            self._track_changed.set()
        self._set_state(pc.connectionState, pc)

    def _new_pc(self) -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=list(self._ice_servers)))

        @pc.on("connectionstatechange")
        def _on_state() -> None:
            self._set_state(pc.connectionState, pc)

        @pc.on("datachannel")
        def _on_channel(channel: RTCDataChannel) -> None:
            if self._pc is pc or self._pc is None:
                self._bind_channel(channel)

        @pc.on("track")
        def _on_track(track: MediaStreamTrack) -> None:
            self._track_generation += 1
            self._track_changed.set()
            self._post("track-started", track)

            @track.on("ended")
            def _on_ended() -> None:
                self._post("track-ended", track)

        return pc

    # -- tracks ---------------------------------------------------------------------------

    def _transceivers(self, kind: str) -> list[RTCRtpTransceiver]:
        if self._pc is None:
            return []
        return [t for t in self._pc.getTransceivers() if t.kind == kind]

    def _receiver_track(self, kind: str, index: int) -> MediaStreamTrack | None:
        transceivers = self._transceivers(kind)
        if index >= len(transceivers):
            return None
        return transceivers[index].receiver.track

    def audio_input_track(self) -> MediaStreamTrack | None:
        """The client's microphone track (the first audio transceiver), if offered."""
        return self._receiver_track("audio", 0)

    def video_input_track(self) -> MediaStreamTrack | None:
        """The client's camera track (the first video transceiver), if offered."""
        return self._receiver_track("video", 0)

    def screen_video_input_track(self) -> MediaStreamTrack | None:
        """The client's screen-share track (the second video transceiver), if offered."""
        return self._receiver_track("video", 1)

    def receiver_enabled(self, index: int) -> bool:
        """Whether the client left receiver ``index`` enabled (``trackStatus`` signalling)."""
        return index not in self._disabled_receivers

    @property
    def track_generation(self) -> int:
        """Counts track changes (new tracks, a restarted peer connection)."""
        return self._track_generation

    async def wait_for_track_change(self, generation: int) -> None:
        """Wait until :attr:`track_generation` moves past ``generation`` (cancel to stop waiting)."""
        while self._track_generation == generation and not self._closed.is_set():
            self._track_changed.clear()
            closed = asyncio.ensure_future(self._closed.wait())
            changed = asyncio.ensure_future(self._track_changed.wait())
            try:
                await asyncio.wait({closed, changed}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                closed.cancel()
                changed.cancel()

    def replace_audio_track(self, track: MediaStreamTrack | None) -> None:
        """Send ``track`` as the bot's audio (the first audio transceiver)."""
        self._audio_output_track = track
        self._set_sender("audio", 0, track)

    def replace_video_track(self, track: MediaStreamTrack | None) -> None:
        """Send ``track`` as the bot's video (the first video transceiver)."""
        self._video_output_track = track
        self._set_sender("video", 0, track)

    def replace_screen_video_track(self, track: MediaStreamTrack | None) -> None:
        """Send ``track`` on the second video transceiver."""
        self._screen_output_track = track
        self._set_sender("video", 1, track)

    def _set_sender(self, kind: str, index: int, track: MediaStreamTrack | None) -> None:
        transceivers = self._transceivers(kind)
        if index < len(transceivers):
            transceivers[index].sender.replaceTrack(track)

    def _attach_tracks(self, pc: RTCPeerConnection) -> None:
        for transceiver in pc.getTransceivers():
            transceiver.direction = "sendrecv"
        self._set_sender("audio", 0, self._audio_output_track)
        self._set_sender("video", 0, self._video_output_track)
        self._set_sender("video", 1, self._screen_output_track)

    @staticmethod
    def _detach_tracks(pc: RTCPeerConnection) -> None:
        # Closing a peer connection stops its senders' tracks; ours move on.
        for transceiver in pc.getTransceivers():
            transceiver.sender.replaceTrack(None)

    # -- data channel ---------------------------------------------------------------------

    def _bind_channel(self, channel: RTCDataChannel) -> None:
        if channel.label != "chat":
            logger.debug("%s: ignoring data channel %r", self, channel.label)
            return
        self._channel = channel

        @channel.on("message")
        def _on_message(message: str | bytes) -> None:
            if self._channel is channel:
                self._on_channel_message(message)

        @channel.on("open")
        def _on_open() -> None:
            self._flush_outbox()

        if channel.readyState == "open":
            self._flush_outbox()

    def _on_channel_message(self, message: str | bytes) -> None:
        now = time.monotonic()
        self._last_message = now
        if len(message) > self._max_message_bytes:
            logger.warning(
                "%s: dropped a %d-byte data channel message (limit %d bytes)",
                self,
                len(message),
                self._max_message_bytes,
            )
            return
        if isinstance(message, bytes):
            try:
                message = message.decode()
            except UnicodeDecodeError:
                logger.warning("%s: dropped a binary data channel message that is not UTF-8", self)
                return
        if message.startswith("ping"):
            self._last_ping = now
            return
        try:
            value = json.loads(message)
        except ValueError as exc:
            logger.warning("%s: dropped a data channel message that is not JSON: %s", self, exc)
            return
        if isinstance(value, dict) and value.get("type") == "signalling":
            self._on_signalling(value.get("message"))
            return
        self._post("app-message", value)

    def _on_signalling(self, message: Any) -> None:
        if not isinstance(message, dict):
            logger.warning("%s: malformed signalling message: %r", self, message)
            return
        kind = message.get("type")
        if kind == "trackStatus":
            index, enabled = message.get("receiver_index"), message.get("enabled")
            if not isinstance(index, int) or not isinstance(enabled, bool):
                logger.warning("%s: malformed trackStatus message: %r", self, message)
                return
            if enabled:
                self._disabled_receivers.discard(index)
            else:
                self._disabled_receivers.add(index)
            logger.debug("%s: client %s receiver %d", self, "enabled" if enabled else "disabled", index)
        else:
            logger.debug("%s: ignoring signalling message %r", self, kind)

    def send_app_message(self, message: Any) -> None:
        """Send ``message`` (JSON-encoded) to the client on the ``chat`` channel.

        Before the channel opens, up to 50 messages are queued (for at most 10 s).
        """
        self._send_text(json.dumps(message))

    def ask_to_renegotiate(self) -> None:
        """Ask the client to send a new offer (``{"type": "renegotiate"}`` signalling)."""
        self._send_signalling({"type": "renegotiate"})

    def _send_signalling(self, message: dict[str, Any]) -> None:
        self._send_text(json.dumps({"type": "signalling", "message": message}))

    def _send_text(self, text: str) -> None:
        if self._closing:
            return
        channel = self._channel
        if channel is not None and channel.readyState == "open":
            self._flush_outbox()
            channel.send(text)
            return
        now = time.monotonic()
        if self._outbox_since is None:
            self._outbox_since = now
        if now - self._outbox_since > QUEUE_OPEN_TIMEOUT_SECS:
            logger.warning("%s: the data channel never opened; message dropped", self)
            return
        if len(self._outbox) >= MAX_QUEUED_MESSAGES:
            logger.warning(
                "%s: %d messages wait for the data channel; dropping the oldest",
                self,
                MAX_QUEUED_MESSAGES,
            )
            self._outbox.popleft()
        self._outbox.append(text)

    def _flush_outbox(self) -> None:
        channel = self._channel
        if channel is None or channel.readyState != "open":
            return
        while self._outbox:
            channel.send(self._outbox.popleft())
        self._outbox_since = None

    # -- lifecycle ------------------------------------------------------------------------

    def _set_state(self, state: str, pc: RTCPeerConnection) -> None:
        if pc is not self._pc or state == self._state:
            return
        if self._closing and state != "closed":
            return
        self._state = state
        logger.debug("%s: %s", self, state)
        if state == "closed":
            self._closing = True
        self._post(state)

    def _post(self, event: Any, *args: Any) -> None:
        self._event_queue.put_nowait((event, args))

    async def _run(self) -> None:
        """Deliver events in order and watch the connection and keepalive timers."""
        try:
            while True:
                try:
                    event, args = await asyncio.wait_for(self._event_queue.get(), _TICK_SECS)
                except asyncio.TimeoutError:
                    await self._check_timers()
                    continue
                if event is _CLOSED:
                    return
                await self._call_event_handler(event, *args)
                if event == "failed":
                    self._close_soon("the peer connection failed")
                elif event == "closed":
                    return
        finally:
            self._closed.set()

    async def _check_timers(self) -> None:
        if self._closing:
            return
        now = time.monotonic()
        if self._state != "connected":
            if now - self._initialized_at > self._connection_timeout_secs:
                logger.warning(
                    "%s: not connected within %.0fs; closing", self, self._connection_timeout_secs
                )
                self._close_soon("connection timeout")
            return
        limit = self._keepalive_timeout_secs
        if limit is not None and self._last_message is not None and now - self._last_message > limit:
            logger.warning("%s: nothing from the client for %.1fs; treating it as gone", self, limit)
            await self._call_event_handler("disconnected")
            self._close_soon("keepalive timeout")

    def _close_soon(self, reason: str) -> None:
        """Close the peer connection on a task of its own (the event task cannot wait on itself)."""
        if self._closing:
            return
        self._closing = True
        pc = self._pc
        logger.debug("%s: closing (%s)", self, reason)

        async def _close() -> None:
            if pc is not None:
                await _close_pc(pc)
            self._finish()

        self._close_task = asyncio.get_running_loop().create_task(_close(), name=f"{self}::close")

    def _finish(self) -> None:
        """Make sure ``closed`` is delivered once and the event task ends."""
        if self._state != "closed":
            self._state = "closed"
            self._post("closed")
        self._post(_CLOSED)
        if self._worker is None:
            self._closed.set()

    async def disconnect(self) -> None:
        """Tell the client (``peerLeft``), close the peer connection and wait (bounded) for ``closed``."""
        if not self._closing:
            if self._channel is not None and self._channel.readyState == "open":
                self._send_signalling({"type": "peerLeft"})
                await self._drain_channel()
            self._closing = True
            pc = self._pc
            if pc is not None:
                await _close_pc(pc)
            self._finish()
        waiters = [t for t in (self._worker, self._close_task) if t is not None and not t.done()]
        waiters = [t for t in waiters if t is not asyncio.current_task()]
        if waiters:
            _, pending = await asyncio.wait(waiters, timeout=_CLOSE_TIMEOUT_SECS)
            for task in pending:
                logger.warning("%s: %s did not finish; cancelling it", self, task.get_name())
                task.cancel()

    async def _drain_channel(self) -> None:
        channel = self._channel
        deadline = time.monotonic() + 0.2
        while channel is not None and channel.bufferedAmount > 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    def __repr__(self) -> str:
        return f"<SmallWebRTCConnection {self._pc_id} {self._state}>"


def _ice_connections(pc: RTCPeerConnection) -> list[Any]:
    transports = [t.receiver.transport.transport for t in pc.getTransceivers()]
    if pc.sctp is not None:
        transports.append(pc.sctp.transport.transport)
    return [getattr(t, "_connection", None) for t in transports]


async def _close_pc(pc: RTCPeerConnection) -> None:
    """Close ``pc`` (bounded), then stop what aiortc started too late to be stopped.

    aiortc connects on a background task. When ``close()`` lands while that
    task is between steps (ICE done, DTLS handshaking ...), the task may go on
    to start RTP/RTCP tasks and aioice's consent checks *after* the close,
    and those run forever (RTCP) or ~30 s (consent). So after closing, let that
    task finish its step, stop the transceivers and the data transport again
    (both are idempotent) and cancel late consent checks.
    """
    connections = _ice_connections(pc)
    try:
        await asyncio.wait_for(pc.close(), _CLOSE_TIMEOUT_SECS)
    except asyncio.TimeoutError:
        logger.warning("aiortc did not close a peer connection within %.0fs", _CLOSE_TIMEOUT_SECS)
    except Exception as exc:  # aiortc internals failing during shutdown must not stop ours
        logger.debug("error while closing a peer connection: %s", exc)
    connecting = _connect_tasks(pc)
    if connecting:
        await asyncio.wait(connecting, timeout=2.0)
    try:
        await asyncio.wait_for(_stop_late_starters(pc, connections), 1.0)
    except Exception as exc:
        logger.debug("error while stopping late aiortc tasks: %s", exc)


def _connect_tasks(pc: RTCPeerConnection) -> list[asyncio.Task[Any]]:
    """The unreferenced background connect tasks aiortc runs for ``pc``, still running."""
    found = []
    for task in asyncio.all_tasks():
        coro = task.get_coro()
        frame = getattr(coro, "cr_frame", None)
        if (
            not task.done()
            and frame is not None
            and getattr(coro, "__qualname__", "").endswith("__connect")
            and frame.f_locals.get("self") is pc
        ):
            found.append(task)
    return found


async def _stop_late_starters(pc: RTCPeerConnection, connections: list[Any]) -> None:
    for transceiver in pc.getTransceivers():
        await transceiver.stop()
    if pc.sctp is not None:
        await pc.sctp.stop()
    stragglers = []
    for connection in connections:
        task = getattr(connection, "_query_consent_task", None)
        if task is not None and not task.done():
            task.cancel()
            stragglers.append(task)
    if stragglers:
        await asyncio.wait(stragglers, timeout=1.0)
