"""``WebsocketClientTransport``: a bot that connects out to a WebSocket server.

The connection opens when the pipeline starts and closes when it ends::

    transport = WebsocketClientTransport(
        uri="ws://127.0.0.1:8765",
        params=WebsocketClientParams(audio_in_enabled=True, audio_out_enabled=True),
    )

Events: ``on_connected(transport, websocket)`` and ``on_disconnected(transport,
websocket)``. There is no automatic reconnection: when the server goes away
``on_disconnected`` fires and the pipeline keeps running (end it from the
handler). A server that cannot be reached gives a non-fatal ``ErrorFrame`` naming
the URI and the reason; every wait (connect, send, close) is bounded.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect

from voxpipe.frames.frames import CancelFrame, EndFrame, StartFrame
from voxpipe.transports.base_transport import BaseTransport
from voxpipe.transports.websocket._common import (
    CLOSE_GOING_AWAY,
    CLOSE_NORMAL,
    CLOSE_TOO_BIG,
    Peer,
    WebsocketInput,
    WebsocketOutput,
    WebsocketParamsMixin,
)

__all__ = [
    "WebsocketClientInputTransport",
    "WebsocketClientOutputTransport",
    "WebsocketClientParams",
    "WebsocketClientTransport",
]

logger = logging.getLogger("voxpipe")


class WebsocketClientParams(WebsocketParamsMixin, kw_only=True):
    """Configuration of :class:`WebsocketClientTransport` (adds to ``TransportParams``).

    Attributes:
        add_wav_header: Wrap each outgoing audio chunk in a WAV header (default True).
        additional_headers: Extra HTTP headers for the opening handshake.
        serializer: Encodes and decodes messages; None means ``ProtobufFrameSerializer()``.
        open_timeout: Seconds to connect and finish the handshake.
        ping_interval: Seconds between keepalive pings (None disables them).
        ping_timeout: Seconds to wait for a pong before giving up on the server.
        max_message_size: Largest incoming message in bytes (1 MiB).
        send_timeout: Seconds a send may wait on a server that does not read.
        close_timeout: Seconds to wait for the closing handshake.
    """

    add_wav_header: bool = True
    additional_headers: dict[str, str] | None = None
    serializer: Any = None
    open_timeout: float = 10.0
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0


class _ClientPeer(Peer):
    closed_errors = (websockets.ConnectionClosed,)

    async def _send(self, data: str | bytes) -> None:
        await self.raw.send(data)

    async def _close(self, code: int, reason: str) -> None:
        await self.raw.close(code, reason)


class WebsocketClientInputTransport(WebsocketInput):
    """Input side: connects when the pipeline starts and runs the receive loop."""

    async def start(self, frame: StartFrame) -> None:
        """Start input, then connect."""
        await super().start(frame)
        await self._transport._connect()

    async def stop(self, frame: EndFrame) -> None:
        """Stop input and disconnect after ``EndFrame``."""
        await super().stop(frame)
        await self._transport._disconnect(CLOSE_NORMAL, "pipeline ended")

    async def cancel(self, frame: CancelFrame) -> None:
        """Stop input and disconnect at once on ``CancelFrame``."""
        await super().cancel(frame)
        await self._transport._disconnect(CLOSE_GOING_AWAY, "pipeline cancelled")

    async def cleanup(self) -> None:
        """Make sure the connection is closed, then clean up."""
        await self._transport._disconnect(CLOSE_GOING_AWAY, "")
        await super().cleanup()


class WebsocketClientOutputTransport(WebsocketOutput):
    """Output side: connects if it starts first, then sends to the server."""

    async def start(self, frame: StartFrame) -> None:
        """Start the writers and make sure the connection is open."""
        await super().start(frame)
        await self._transport._connect()

    async def stop(self, frame: EndFrame) -> None:
        """Disconnect once everything queued was sent."""
        await super().stop(frame)
        await self._transport._disconnect(CLOSE_NORMAL, "pipeline ended")

    async def cancel(self, frame: CancelFrame) -> None:
        """Disconnect at once."""
        await super().cancel(frame)
        await self._transport._disconnect(CLOSE_GOING_AWAY, "pipeline cancelled")


class WebsocketClientTransport(BaseTransport):
    """A WebSocket client transport; see the module docstring.

    Args:
        uri: The server to connect to (``ws://`` or ``wss://``).
        params: Configuration; ``WebsocketClientParams()`` if omitted.
        input_name: Name of the input processor.
        output_name: Name of the output processor.
        **kwargs: Passed to :class:`BaseTransport` (``name``).
    """

    def __init__(
        self,
        uri: str,
        params: WebsocketClientParams | None = None,
        input_name: str | None = None,
        output_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(input_name=input_name, output_name=output_name, **kwargs)
        self._uri = uri
        self._params = params or WebsocketClientParams()
        self._input: WebsocketClientInputTransport | None = None
        self._output: WebsocketClientOutputTransport | None = None
        self._ws: ClientConnection | None = None
        self._peer: _ClientPeer | None = None
        self._receive_task: asyncio.Task[Any] | None = None
        self._connect_lock = asyncio.Lock()
        self._connect_attempted = False
        self._serializer_ready = False
        self._register_event_handler("on_connected")
        self._register_event_handler("on_disconnected")

    @property
    def params(self) -> WebsocketClientParams:
        """The transport's configuration."""
        return self._params

    @property
    def uri(self) -> str:
        """The server URI."""
        return self._uri

    def input(self) -> WebsocketClientInputTransport:
        """The input processor (created on first call)."""
        if self._input is None:
            self._input = WebsocketClientInputTransport(self, self._params, name=self._input_name)
        return self._input

    def output(self) -> WebsocketClientOutputTransport:
        """The output processor (created on first call)."""
        if self._output is None:
            self._output = WebsocketClientOutputTransport(self, self._params, name=self._output_name)
        return self._output

    async def _setup_serializer(self, frame: StartFrame) -> None:
        if not self._serializer_ready:
            self._serializer_ready = True
            await self._params.serializer.setup(frame)

    async def _connect(self) -> None:
        async with self._connect_lock:
            if self._connect_attempted:
                return
            self._connect_attempted = True
            p = self._params
            owner = self._input or self._output
            try:
                ws = await connect(
                    self._uri,
                    additional_headers=p.additional_headers,
                    open_timeout=p.open_timeout,
                    max_size=p.max_message_size,
                    ping_interval=p.ping_interval,
                    ping_timeout=p.ping_timeout,
                    close_timeout=p.close_timeout,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                message = f"{self}: could not connect to {self._uri}: {type(exc).__name__}: {exc}"
                logger.error(message)
                if owner is not None:
                    await owner.push_error(message, exception=exc, fatal=False)
                return
            self._ws = ws
            self._peer = _ClientPeer(ws)
            if self._output is not None:
                self._output.set_peer(self._peer)
            logger.info("%s: connected to %s", self, self._uri)
            await self._call_event_handler("on_connected", ws)
            if self._input is not None:
                self._receive_task = self._input.create_task(self._receive(ws), "receive")

    async def _receive(self, ws: ClientConnection) -> None:
        input = self._input
        assert input is not None
        try:
            async for message in ws:
                await input.receive_message(message)
        except websockets.ConnectionClosedError as exc:
            if exc.sent is not None and exc.sent.code == CLOSE_TOO_BIG:
                await input.report_bad_input(
                    f"server sent a message over max_message_size ({self._params.max_message_size} bytes)",
                    disconnected=True)
            logger.debug("%s: connection closed with an error: %s", self, exc)
        except websockets.ConnectionClosed:
            pass
        finally:
            await self._closed(ws)

    async def _closed(self, ws: ClientConnection) -> None:
        if self._ws is not ws:
            return
        self._ws = None
        if self._peer is not None:
            self._peer.open = False
        if self._output is not None:
            self._output.set_peer(None)
        logger.info("%s: disconnected from %s (code %s)", self, self._uri, ws.close_code)
        await self._call_event_handler("on_disconnected", ws)

    async def _disconnect(self, code: int, reason: str) -> None:
        ws, peer = self._ws, self._peer
        if ws is None or peer is None:
            return
        await peer.close(code, reason, timeout=self._params.close_timeout)
        task, self._receive_task = self._receive_task, None
        if task is not None and self._input is not None:
            await self._input.wait_for_task(task, timeout=1.0)
        await self._closed(ws)
