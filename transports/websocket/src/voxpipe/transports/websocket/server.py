"""``WebsocketServerTransport``: a WebSocket server for one client at a time.

The server (``websockets``) starts when the pipeline starts and stops when it
ends. It binds ``127.0.0.1`` unless told otherwise::

    transport = WebsocketServerTransport(
        params=WebsocketServerParams(audio_in_enabled=True, audio_out_enabled=True),
        host="127.0.0.1", port=8765,
    )

    @transport.event_handler("on_client_disconnected")
    async def on_client_disconnected(transport, websocket):
        await task.cancel()

Events: ``on_websocket_ready(transport)`` once the server listens;
``on_client_connected(transport, websocket)``; ``on_client_disconnected(transport,
websocket)``; ``on_session_timeout(transport, websocket)`` when a client stayed
``session_timeout`` seconds (the handler decides what to do: the connection is
left open).

**One client at a time.** As documented, a client that connects while another
is connected replaces it: the old connection is closed (code 1000, "replaced by
a new client") and ``on_client_disconnected`` fires for it before
``on_client_connected`` fires for the new one.

**Bad input.** A message larger than ``max_message_size`` closes that
connection with code 1009; a malformed message is logged (and reported as a
non-fatal ``ErrorFrame``) and the session continues; a client that vanishes is
noticed by the close, a reset or the ping timeout, and ``on_client_disconnected``
fires. In every case the server keeps listening for the next client.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

import websockets
from websockets.asyncio.server import Server, ServerConnection, serve

from voxpipe.frames.frames import CancelFrame, ClientConnectedFrame, EndFrame, StartFrame
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.transports.base_transport import BaseTransport
from voxpipe.transports.websocket._common import (
    CLOSE_GOING_AWAY,
    CLOSE_NORMAL,
    CLOSE_TOO_BIG,
    MessageTooBig,
    Peer,
    WebsocketInput,
    WebsocketOutput,
    WebsocketParamsMixin,
)

__all__ = [
    "WebsocketServerInputTransport",
    "WebsocketServerOutputTransport",
    "WebsocketServerParams",
    "WebsocketServerTransport",
]

logger = logging.getLogger("voxpipe")


class WebsocketServerParams(WebsocketParamsMixin, kw_only=True):
    """Configuration of :class:`WebsocketServerTransport` (adds to ``TransportParams``).

    Attributes:
        add_wav_header: Wrap each outgoing audio chunk in a WAV header.
        serializer: Encodes and decodes messages; None means
            ``ProtobufFrameSerializer()`` (the format of Pipecat's JS client).
        session_timeout: Seconds after which ``on_session_timeout`` fires for a
            connected client; None disables it.
        allowed_origins: Accepted ``Origin`` headers; empty accepts any. Defaults
            to the comma-separated ``VOXPIPE_ALLOWED_ORIGINS`` environment variable.
        ping_interval: Seconds between keepalive pings (None disables them); a
            client that does not answer within ``ping_timeout`` is disconnected.
        ping_timeout: Seconds to wait for a pong.
        open_timeout: Seconds a client has to finish the opening handshake.
        max_message_size: Largest incoming message in bytes (1 MiB); larger
            closes the connection with 1009.
        send_timeout: Seconds a send may wait for a client that does not read.
        close_timeout: Seconds to wait for the closing handshake.
    """

    add_wav_header: bool = False
    serializer: Any = None
    session_timeout: float | None = None
    allowed_origins: list[str] | None = None
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0
    open_timeout: float = 10.0


class _ServerPeer(Peer):
    closed_errors = (websockets.ConnectionClosed,)

    async def _send(self, data: str | bytes) -> None:
        await self.raw.send(data)

    async def _close(self, code: int, reason: str) -> None:
        await self.raw.close(code, reason)


class WebsocketServerInputTransport(WebsocketInput):
    """Input side: owns the server for the pipeline's lifetime."""

    async def start(self, frame: StartFrame) -> None:
        """Start input, then the server (``on_websocket_ready`` fires once it listens)."""
        await super().start(frame)
        await self._transport._start_server(self)

    async def stop(self, frame: EndFrame) -> None:
        """Stop input and the server after ``EndFrame``."""
        await super().stop(frame)
        await self._transport._stop_server()

    async def cancel(self, frame: CancelFrame) -> None:
        """Stop input and the server at once on ``CancelFrame``."""
        await super().cancel(frame)
        await self._transport._stop_server()

    async def cleanup(self) -> None:
        """Make sure the server is gone, then clean up."""
        await self._transport._stop_server()
        await super().cleanup()


class WebsocketServerOutputTransport(WebsocketOutput):
    """Output side: sends to the connected client."""

    async def stop(self, frame: EndFrame) -> None:
        """After the output drained on ``EndFrame``: close the client connection."""
        await super().stop(frame)
        await self._transport._close_client(CLOSE_NORMAL, "pipeline ended")

    async def cancel(self, frame: CancelFrame) -> None:
        """On ``CancelFrame``: close the client connection."""
        await super().cancel(frame)
        await self._transport._close_client(CLOSE_GOING_AWAY, "pipeline cancelled")


class WebsocketServerTransport(BaseTransport):
    """A WebSocket server transport for one client; see the module docstring.

    Args:
        params: Configuration; ``WebsocketServerParams()`` if omitted.
        host: Interface to bind (``127.0.0.1``: this machine only).
        port: TCP port; 0 picks a free one (read :attr:`port` after ``on_websocket_ready``).
        input_name: Name of the input processor.
        output_name: Name of the output processor.
        **kwargs: Passed to :class:`BaseTransport` (``name``).
    """

    def __init__(
        self,
        params: WebsocketServerParams | None = None,
        host: str = "127.0.0.1",
        port: int = 8765,
        input_name: str | None = None,
        output_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(input_name=input_name, output_name=output_name, **kwargs)
        self._params = params or WebsocketServerParams()
        self._host = host
        self._port = port
        self._input: WebsocketServerInputTransport | None = None
        self._output: WebsocketServerOutputTransport | None = None
        self._server: Server | None = None
        self._peer: _ServerPeer | None = None
        self._handlers: dict[ServerConnection, asyncio.Event] = {}
        self._serializer_ready = False
        for event in ("on_client_connected", "on_client_disconnected", "on_session_timeout",
                      "on_websocket_ready"):
            self._register_event_handler(event)

    @property
    def params(self) -> WebsocketServerParams:
        """The transport's configuration."""
        return self._params

    @property
    def host(self) -> str:
        """The bound interface."""
        return self._host

    @property
    def port(self) -> int:
        """The listening port (the real one once the server runs, also with ``port=0``)."""
        return self._port

    def input(self) -> WebsocketServerInputTransport:
        """The input processor (created on first call)."""
        if self._input is None:
            self._input = WebsocketServerInputTransport(self, self._params, name=self._input_name)
        return self._input

    def output(self) -> WebsocketServerOutputTransport:
        """The output processor (created on first call)."""
        if self._output is None:
            self._output = WebsocketServerOutputTransport(self, self._params, name=self._output_name)
        return self._output

    # -- server lifecycle --------------------------------------------------------------------

    async def _setup_serializer(self, frame: StartFrame) -> None:
        if not self._serializer_ready:
            self._serializer_ready = True
            await self._params.serializer.setup(frame)

    async def _start_server(self, input: WebsocketServerInputTransport) -> None:
        if self._server is not None:
            return
        p = self._params
        origins = p.allowed_origins
        if origins is None:
            origins = [o.strip() for o in os.environ.get("VOXPIPE_ALLOWED_ORIGINS", "").split(",") if o.strip()]
        self._server = await serve(
            self._handle,
            self._host,
            self._port,
            origins=origins or None,
            max_size=p.max_message_size,
            ping_interval=p.ping_interval,
            ping_timeout=p.ping_timeout,
            open_timeout=p.open_timeout,
            close_timeout=p.close_timeout,
        )
        sockets = list(self._server.sockets)
        if sockets:
            self._port = sockets[0].getsockname()[1]
        logger.info("%s: listening on ws://%s:%d", self, self._host, self._port)
        await self._call_event_handler("on_websocket_ready")

    async def _stop_server(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        await self._close_client(CLOSE_GOING_AWAY, "server shutting down")
        server.close(close_connections=True)
        try:
            await asyncio.wait_for(server.wait_closed(), self._params.close_timeout + 1.0)
        except asyncio.TimeoutError:
            logger.warning("%s: server did not close within %.1fs", self, self._params.close_timeout + 1.0)
        logger.info("%s: server on port %d stopped", self, self._port)

    async def _close_client(self, code: int, reason: str) -> None:
        peer = self._peer
        if peer is not None:
            await peer.close(code, reason, timeout=self._params.close_timeout)

    # -- one connection --------------------------------------------------------------------

    async def _handle(self, ws: ServerConnection) -> None:
        input, output = self._input, self._output
        if input is None or output is None:
            logger.error("%s: input() and output() must both be in the pipeline", self)
            await ws.close(CLOSE_GOING_AWAY, "transport not ready")
            return
        done = asyncio.Event()
        self._handlers[ws] = done
        old = self._peer
        if old is not None:
            logger.info("%s: a new client connected; closing the previous one", self)
            await old.close(CLOSE_NORMAL, "replaced by a new client", timeout=self._params.close_timeout)
            previous = self._handlers.get(old.raw)
            if previous is not None:
                try:
                    await asyncio.wait_for(previous.wait(), self._params.close_timeout + 1.0)
                except asyncio.TimeoutError:
                    pass
        peer = _ServerPeer(ws)
        self._peer = peer
        output.set_peer(peer)
        timeout_task = None
        try:
            logger.info("%s: client connected from %s", self, ws.remote_address)
            await self._call_event_handler("on_client_connected", ws)
            if input.started:
                await input.push_frame(ClientConnectedFrame(), FrameDirection.DOWNSTREAM)
            if self._params.session_timeout:
                timeout_task = input.create_task(self._session_timer(ws, self._params.session_timeout),
                                                  "session-timeout")
            await self._receive(ws, input)
        finally:
            if timeout_task is not None:
                timeout_task.cancel()
            if self._peer is peer:
                self._peer = None
                output.set_peer(None)
            await peer.close(CLOSE_NORMAL, "", timeout=self._params.close_timeout)
            logger.info("%s: client %s disconnected (%s)", self, ws.remote_address, _close_info(ws))
            await self._call_event_handler("on_client_disconnected", ws)
            self._handlers.pop(ws, None)
            done.set()

    async def _receive(self, ws: ServerConnection, input: WebsocketServerInputTransport) -> None:
        try:
            async for message in ws:
                try:
                    await input.receive_message(message)
                except MessageTooBig as exc:  # only when max_size was bypassed
                    await input.report_bad_input(str(exc), disconnected=True)
                    await ws.close(CLOSE_TOO_BIG, "message too big")
                    return
        except websockets.ConnectionClosedError as exc:
            if exc.sent is not None and exc.sent.code == CLOSE_TOO_BIG:
                await input.report_bad_input(
                    f"client sent a message over max_message_size ({self._params.max_message_size} bytes)",
                    disconnected=True)
            else:
                logger.debug("%s: connection closed with an error: %s", self, exc)
        except websockets.ConnectionClosed:
            pass

    async def _session_timer(self, ws: ServerConnection, seconds: float) -> None:
        await asyncio.sleep(seconds)
        if self._peer is not None and self._peer.raw is ws and self._peer.open:
            logger.info("%s: session of %s reached session_timeout=%ss", self, ws.remote_address, seconds)
            await self._call_event_handler("on_session_timeout", ws)


def _close_info(ws: ServerConnection) -> str:
    code = ws.close_code
    reason = ws.close_reason
    return f"code {code}" + (f", {reason}" if reason else "") if code is not None else "no close frame"
