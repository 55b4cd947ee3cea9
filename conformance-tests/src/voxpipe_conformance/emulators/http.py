"""``HTTPEmulator``: a loopback HTTP/1.1 server with streaming, SSE and faults.

Written on asyncio streams (no web framework). Subclass it and write ``handle``::

    class AcmeLLMEmulator(HTTPEmulator):
        async def handle(self, request):
            if request.path != "/v1/chat":
                return Response(404, {"error": "not found"})
            body = request.json()
            return sse({"delta": word} for word in reply(body))   # text/event-stream

``Response`` sends a whole body; ``StreamingResponse`` sends chunks with
``Transfer-Encoding: chunked``; :func:`sse` formats Server-Sent Events. Queued
faults act on the next response: delay before the status line, an error status
with the provider's error body, a malformed body, a drop after N chunks (the
socket is aborted mid-body), a stall (no answer, socket kept open) or a close
(socket closed before any answer).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from voxpipe_conformance.emulators.base import GARBAGE, Emulator, Fault

__all__ = ["HTTPEmulator", "HTTPRequest", "Response", "StreamingResponse", "sse"]

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class HTTPRequest:
    """A request as ``handle`` sees it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""

    @property
    def path(self) -> str:
        """The path without the query string."""
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        """The parsed query string."""
        return parse_qs(urlsplit(self.target).query)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body or b"null")


@dataclass
class Response:
    """A complete response; a dict/list body is sent as JSON."""

    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def payload(self) -> bytes:
        """The body as bytes."""
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode()
        return self.body.encode() if isinstance(self.body, str) else self.body


@dataclass
class StreamingResponse:
    """A chunked response; ``chunks`` may be sync or async, bytes or str."""

    chunks: Iterable[bytes | str] | AsyncIterable[bytes | str]
    status: int = 200
    content_type: str = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)


def sse(events: Iterable[Any] | AsyncIterable[Any], *, done: str | None = None) -> StreamingResponse:
    """Format ``events`` as Server-Sent Events (dicts become JSON ``data:`` lines).

    Args:
        events: The events; a ``str`` is sent as is after ``data: ``.
        done: A final ``data:`` value (OpenAI-style ``[DONE]``), if any.
    """

    def fmt(event: Any) -> str:
        data = event if isinstance(event, str) else json.dumps(event)
        return "".join(f"data: {line}\n" for line in data.split("\n")) + "\n"

    async def gen() -> AsyncIterable[str]:
        if hasattr(events, "__aiter__"):
            async for event in events:  # type: ignore[union-attr]
                yield fmt(event)
        else:
            for event in events:  # type: ignore[union-attr]
                yield fmt(event)
        if done is not None:
            yield fmt(done)

    return StreamingResponse(gen(), content_type="text/event-stream",
                             headers={"Cache-Control": "no-cache"})


class _Dropped(Exception):
    pass


class HTTPEmulator(Emulator):
    """An HTTP/1.1 server on 127.0.0.1 (keep-alive, chunked streaming); override :meth:`handle`."""

    scheme = "http"

    def __init__(self) -> None:
        super().__init__()
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def handle(self, request: HTTPRequest) -> Response | StreamingResponse:
        """Answer one request (default: 404)."""
        return Response(404, {"error": f"no route for {request.method} {request.path}"})

    async def start(self) -> None:
        """Listen on an ephemeral loopback port."""
        self._server = await asyncio.start_server(self._serve, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and abort every connection."""
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        try:
            await asyncio.wait_for(self._server.wait_closed(), timeout=3.0)
        except asyncio.TimeoutError:
            pass
        handlers = [t for t in self.owned_tasks() if t is not asyncio.current_task()]
        for task in handlers:
            task.cancel()
        if handlers:
            await asyncio.wait(handlers, timeout=1.0)
        self._server = None

    async def drop_connections(self) -> None:
        """Abort every open connection now."""
        for writer in list(self._writers):
            writer.transport.abort()
        await asyncio.sleep(0)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refuse_connections:
            writer.transport.abort()
            return
        self._writers.add(writer)
        self._track(writer)
        try:
            while True:
                request = await self._read_request(reader)
                if request is None:
                    break
                self.received.append(request)
                keep = await self._respond(request, writer, reader)
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, _Dropped):
            pass
        finally:
            self._writers.discard(writer)
            if not writer.transport.is_closing():
                writer.close()
            self._untrack(writer)

    async def _read_request(self, reader: asyncio.StreamReader) -> HTTPRequest | None:
        line = await reader.readline()
        if not line.strip():
            return None
        method, target, _version = line.decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while True:
            raw = await reader.readline()
            if raw in (b"\r\n", b"\n", b""):
                break
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = b""
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    await reader.readline()
                    break
                parts.append(await reader.readexactly(size))
                await reader.readline()
            body = b"".join(parts)
        elif "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        return HTTPRequest(method.upper(), target, headers, body)

    async def _respond(
        self, request: HTTPRequest, writer: asyncio.StreamWriter, reader: asyncio.StreamReader
    ) -> bool:
        fault = self.next_fault()
        keep = request.headers.get("connection", "").lower() != "close"
        if fault is not None:
            if fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
            elif fault.kind == "stall":
                # No answer: wait until the client gives up (EOF) or stop() aborts the socket,
                # so a client that closed is no longer counted as an open connection.
                while await reader.read(65536):
                    pass
                raise _Dropped
            elif fault.kind in ("close", "drop") and fault.after <= 0:
                writer.transport.abort()
                raise _Dropped
            elif fault.kind == "error":
                await self._send_whole(writer, Response(fault.code, self.error_payload(fault)), keep)
                return keep
        response = await self.handle(request)
        if isinstance(response, Response):
            if fault is not None and fault.kind == "malformed":
                response = Response(response.status, _garbage(fault), response.headers,
                                    response.content_type)
            await self._send_whole(writer, response, keep)
            return keep
        await self._send_stream(writer, response, fault, keep)
        return keep

    @staticmethod
    def _head(status: int, headers: dict[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def _send_whole(self, writer: asyncio.StreamWriter, response: Response, keep: bool = True) -> None:
        body = response.payload()
        headers = {"Content-Type": response.content_type, "Content-Length": str(len(body)),
                   "Connection": "keep-alive" if keep else "close", **response.headers}
        writer.write(self._head(response.status, headers) + body)
        await writer.drain()

    async def _send_stream(
        self, writer: asyncio.StreamWriter, response: StreamingResponse, fault: Fault | None, keep: bool
    ) -> None:
        headers = {"Content-Type": response.content_type, "Transfer-Encoding": "chunked",
                   "Connection": "keep-alive" if keep else "close", **response.headers}
        writer.write(self._head(response.status, headers))
        await writer.drain()
        sent = 0
        chunks = response.chunks
        iterator = chunks.__aiter__() if hasattr(chunks, "__aiter__") else _aiter(chunks)
        async for chunk in iterator:
            data = chunk.encode() if isinstance(chunk, str) else chunk
            if fault is not None and fault.kind == "drop" and sent >= fault.after:
                writer.transport.abort()
                raise _Dropped
            if fault is not None and fault.kind == "malformed" and sent == 0:
                data = _garbage(fault)
            if not data:
                continue
            writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            await writer.drain()
            sent += 1
        writer.write(b"0\r\n\r\n")
        await writer.drain()


async def _aiter(items: Iterable[Any]) -> AsyncIterable[Any]:
    for item in items:
        yield item


def _garbage(fault: Fault) -> bytes:
    payload = GARBAGE if fault.payload is None else fault.payload
    return payload.encode() if isinstance(payload, str) else payload
