"""``WebSocketEmulator``: a loopback WebSocket server with scripted replies and faults.

Subclass it and write ``handle`` for the provider's protocol::

    class EchoTTSEmulator(WebSocketEmulator):
        async def handle(self, conn):
            async for message in conn:
                request = json.loads(message)
                for chunk in synth(request["text"]):
                    await conn.send(chunk)          # faults apply here
                await conn.send(json.dumps({"type": "done"}))

``conn.send`` acts out queued faults (:class:`~voxpipe_conformance.emulators.base.Fault`):
delay, malformed payload, drop mid-stream (transport aborted, no close frame),
close with a code, the provider's error message, or a stall.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from voxpipe_conformance.emulators.base import GARBAGE_TEXT, Emulator

__all__ = ["WSConnection", "WebSocketEmulator"]


class WSConnection:
    """One client connection as the emulator's ``handle`` sees it.

    Attributes:
        path: The request path (``/v1/speak``).
        query: Parsed query string (name → list of values).
        headers: Request headers.
    """

    def __init__(self, emulator: WebSocketEmulator, ws: ServerConnection) -> None:
        self._emulator = emulator
        self._ws = ws
        request = ws.request
        target = urlsplit(request.path if request is not None else "/")
        self.path = target.path
        self.query = parse_qs(target.query)
        self.headers = request.headers if request is not None else {}
        self._stalled = False
        self._drop_after: int | None = None

    async def recv(self) -> str | bytes:
        """Receive one message (recorded in ``emulator.received``)."""
        message = await self._ws.recv()
        self._emulator.received.append(message)
        return message

    def __aiter__(self) -> WSConnection:
        return self

    async def __anext__(self) -> str | bytes:
        try:
            return await self.recv()
        except ConnectionClosed:
            raise StopAsyncIteration from None

    async def send(self, message: str | bytes) -> None:
        """Send one message, acting out the next queued fault first."""
        if self._stalled:
            return
        if self._drop_after is not None:
            if self._drop_after <= 0:
                self.abort()
                raise ConnectionClosed(None, None)
            self._drop_after -= 1
        fault = self._emulator.next_fault()
        if fault is not None:
            if fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
            elif fault.kind == "malformed":
                message = GARBAGE_TEXT if fault.payload is None else fault.payload
            elif fault.kind == "error":
                message = self._emulator.error_payload(fault)
            elif fault.kind == "stall":
                self._stalled = True
                return
            elif fault.kind == "close":
                await self._ws.close(fault.code, fault.reason)
                raise ConnectionClosed(None, None)
            elif fault.kind == "drop":
                if fault.after <= 0:
                    self.abort()
                    raise ConnectionClosed(None, None)
                self._drop_after = fault.after - 1
        await self._ws.send(message)

    def abort(self) -> None:
        """Cut the TCP connection without a close handshake."""
        self._ws.transport.abort()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close cleanly with ``code``."""
        await self._ws.close(code, reason)


class WebSocketEmulator(Emulator):
    """A WebSocket server on 127.0.0.1; override :meth:`handle`.

    Args:
        max_size: Largest message accepted from the client, in bytes.
    """

    scheme = "ws"

    def __init__(self, *, max_size: int | None = 2**22) -> None:
        super().__init__()
        self._max_size = max_size
        self._server: Any = None
        self._conns: set[WSConnection] = set()

    async def handle(self, conn: WSConnection) -> None:
        """Serve one connection (default: echo every message back)."""
        async for message in conn:
            await conn.send(message)

    async def start(self) -> None:
        """Listen on an ephemeral loopback port."""
        self._server = await serve(
            self._serve, self.host, 0, max_size=self._max_size,
            process_request=self._process_request, ping_interval=None,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def _process_request(self, connection: ServerConnection, request: Any) -> Any:
        if self.refuse_connections:
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "emulator refuses connections\n")
        return None

    async def _serve(self, ws: ServerConnection) -> None:
        conn = WSConnection(self, ws)
        self._conns.add(conn)
        self._track(conn)
        try:
            await self.handle(conn)
        except ConnectionClosed:
            pass
        finally:
            self._conns.discard(conn)
            # the handler returning does not mean the client went away; wait for it (bounded)
            try:
                await asyncio.wait_for(ws.wait_closed(), timeout=30.0)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001
                ws.transport.abort()
            self._untrack(conn)

    async def drop_connections(self) -> None:
        """Abort every open connection now (no close frames)."""
        for conn in list(self._conns):
            conn.abort()
        await asyncio.sleep(0)

    async def stop(self) -> None:
        """Stop listening and close every connection (bounded)."""
        if self._server is None:
            return
        self._server.close(close_connections=True)
        try:
            await asyncio.wait_for(self._server.wait_closed(), timeout=3.0)
        except asyncio.TimeoutError:
            for conn in list(self._conns):
                conn.abort()
        self._server = None
