"""The emulator toolkit: real loopback servers, scripted replies and faults."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from voxpipe_conformance.emulators import Fault, HTTPEmulator, Response, WebSocketEmulator, sse


class Echo(WebSocketEmulator):
    async def handle(self, conn):
        async for message in conn:
            for _ in range(3):
                await conn.send(message)


class Api(HTTPEmulator):
    async def handle(self, request):
        if request.path == "/json":
            return Response(200, {"echo": request.json()})
        if request.path == "/sse":
            return sse(({"i": i} for i in range(3)), done="[DONE]")
        return await super().handle(request)


async def http(port: int, path: str, body: bytes = b"{}") -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
                 "Connection: close\r\n\r\n".encode() + body)
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


async def test_websocket_replies_and_counts_connections():
    async with Echo() as emu:
        assert emu.url.startswith("ws://127.0.0.1:")
        async with websockets.connect(emu.url) as ws:
            await ws.send("hi")
            assert [await ws.recv() for _ in range(3)] == ["hi"] * 3
            assert emu.open_connections == 1
        await emu.wait_until_closed(2)
        assert emu.connections_total == 1 and emu.received == ["hi"]


async def test_websocket_faults_malformed_delay_error_and_drop():
    async with Echo() as emu:
        emu.inject(Fault.malformed(), Fault.error(503, "busy"), Fault.drop(after=0))
        async with websockets.connect(emu.url) as ws:
            await ws.send("x")
            assert await ws.recv() == '{"type": "unterminated'
            assert json.loads(await ws.recv())["error"]["code"] == 503
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 2)


async def test_websocket_close_code_stall_and_refuse():
    async with Echo() as emu:
        emu.inject(Fault.close(4001, "bye"))
        async with websockets.connect(emu.url) as ws:
            await ws.send("x")
            with pytest.raises(websockets.ConnectionClosed) as info:
                await asyncio.wait_for(ws.recv(), 2)
            assert info.value.rcvd.code == 4001
        emu.inject(Fault.stall())
        async with websockets.connect(emu.url) as ws:
            await ws.send("x")
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.3)
        emu.refuse_connections = True
        with pytest.raises(websockets.InvalidStatus):
            await websockets.connect(emu.url)


async def test_http_json_sse_error_and_drop():
    async with Api() as emu:
        assert await http(emu.port, "/json", b'{"a": 1}') == (200, b'{"echo": {"a": 1}}')
        status, body = await http(emu.port, "/sse")
        assert status == 200 and b"data: {\"i\": 2}" in body and b"data: [DONE]" in body
        emu.inject(Fault.error(429, "slow down"))
        status, body = await http(emu.port, "/json")
        assert status == 429 and b"slow down" in body
        emu.inject(Fault.drop(after=1))
        status, body = await http(emu.port, "/sse")
        assert b"\"i\": 0" in body and b"[DONE]" not in body
        assert (await http(emu.port, "/missing"))[0] == 404


async def test_http_stall_ends_when_the_client_gives_up_and_stop_leaves_no_task():
    """A stalled response must not count as an open connection after the client closed it."""
    import asyncio

    from voxpipe_conformance.emulators.base import Fault
    from voxpipe_conformance.emulators.http import HTTPEmulator

    emu = HTTPEmulator()
    await emu.start()
    emu.inject(Fault.stall())
    reader, writer = await asyncio.open_connection("127.0.0.1", emu.port)
    writer.write(b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(0.1)
    assert emu.open_connections == 1
    writer.close()
    await writer.wait_closed()
    await emu.wait_until_closed(2)
    await emu.stop()
    assert not emu.owned_tasks()
