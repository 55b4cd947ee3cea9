"""WebsocketClientTransport against a local ``websockets`` server."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.server import serve

from voxpipe.serializers.protobuf import decode_frame
from voxpipe.transports.websocket.client import WebsocketClientParams, WebsocketClientTransport
from ws_helpers import CHUNK_20MS, Echo, audio_msg, message_msg, pattern, running, upstream_errors, wait_until

pytestmark = pytest.mark.timeout(20)


class Server:
    """A loopback server that records what the bot sends and can push frames to it."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.conns: list = []

    async def handler(self, ws) -> None:
        self.conns.append(ws)
        async for message in ws:
            self.received.append(message)

    def frames(self):
        return [decode_frame(m) for m in self.received]


def make(url: str, **params):
    p = dict(audio_in_enabled=True, audio_out_enabled=True, audio_out_end_silence_secs=0)
    p.update(params)
    transport = WebsocketClientTransport(url, params=WebsocketClientParams(**p))
    events: dict[str, list] = {"on_connected": [], "on_disconnected": []}
    for name in events:
        transport.add_event_handler(name, lambda _t, ws, _n=name: events[_n].append(ws))
    return transport, events


async def test_connects_exchanges_audio_and_messages_and_disconnects():
    server = Server()
    async with serve(server.handler, "127.0.0.1", 0) as srv:
        url = f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}"
        transport, events = make(url)
        echo = Echo()
        async with running(transport, echo):
            await wait_until(lambda: server.conns and events["on_connected"])
            sent = pattern(3)
            for i in range(3):
                await server.conns[0].send(audio_msg(sent[i * CHUNK_20MS:(i + 1) * CHUNK_20MS]))
            await server.conns[0].send(message_msg({"label": "rtvi-ai", "type": "server-message"}))
            await wait_until(lambda: len(echo.audio_in) == 3)
            # add_wav_header defaults to True for the client: each chunk is a WAV file
            await wait_until(lambda: any(k == "audio" for k, _ in server.frames()))
            first = next(f for k, f in server.frames() if k == "audio")
            assert first["audio"][:4] == b"RIFF" and first["audio"][8:12] == b"WAVE"
        await wait_until(lambda: events["on_disconnected"])
        assert server.conns[0].close_code in (1000, 1001)
    assert b"".join(f.audio for f in echo.audio_in) == sent


async def test_server_closing_fires_on_disconnected():
    server = Server()
    async with serve(server.handler, "127.0.0.1", 0) as srv:
        url = f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}"
        transport, events = make(url, add_wav_header=False)
        async with running(transport, Echo()):
            await wait_until(lambda: server.conns and events["on_connected"])
            await server.conns[0].close(1000, "bye")
            await wait_until(lambda: events["on_disconnected"])


async def test_unreachable_server_gives_a_clear_non_fatal_error():
    transport, events = make("ws://127.0.0.1:9", open_timeout=2)  # discard port: refused
    errors = upstream_errors(transport.input())
    errors += upstream_errors(transport.output())
    async with running(transport, Echo()):
        await wait_until(lambda: errors, timeout=5)
    assert "ws://127.0.0.1:9" in errors[0].error and not errors[0].fatal
    assert events["on_connected"] == []


async def test_oversized_server_message_is_reported():
    server = Server()
    async with serve(server.handler, "127.0.0.1", 0, max_size=None) as srv:
        url = f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}"
        transport, events = make(url, max_message_size=1000)
        errors = upstream_errors(transport.input())
        async with running(transport, Echo()):
            await wait_until(lambda: server.conns and events["on_connected"])
            await server.conns[0].send(b"\x00" * 5000)
            await wait_until(lambda: events["on_disconnected"])
            await wait_until(lambda: errors)
        assert "max_message_size" in errors[0].error
        await asyncio.sleep(0)
