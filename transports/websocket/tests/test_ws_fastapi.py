"""FastAPIWebsocketTransport inside a real FastAPI app served by uvicorn on loopback."""

from __future__ import annotations

import asyncio
import socket

import pytest
import websockets
from websockets.asyncio.client import connect

fastapi = pytest.importorskip("fastapi", reason='needs the [fastapi] extra: pip install "voxpipe-websocket[fastapi]"')
uvicorn = pytest.importorskip("uvicorn", reason="needs uvicorn to serve the FastAPI app")

from voxpipe.serializers.protobuf import decode_frame  # noqa: E402
from voxpipe.transports.websocket.fastapi import (  # noqa: E402
    FastAPIWebsocketParams,
    FastAPIWebsocketTransport,
)
from ws_helpers import Echo, audio_bytes, audio_msg, message_msg, messages, pattern, recv_until, running, wait_until  # noqa: E402

pytestmark = pytest.mark.timeout(30)


class App:
    """A FastAPI app whose /ws endpoint runs an echo bot per connection until the client leaves."""

    def __init__(self, **params) -> None:
        self.events: list[str] = []
        self.transports: list[FastAPIWebsocketTransport] = []
        self.finished = 0
        self.app = fastapi.FastAPI()
        p = dict(audio_in_enabled=True, audio_out_enabled=True, audio_out_end_silence_secs=0)
        p.update(params)

        @self.app.websocket("/ws")
        async def ws_endpoint(websocket: fastapi.WebSocket):
            await websocket.accept()
            transport = FastAPIWebsocketTransport(websocket, params=FastAPIWebsocketParams(**p))
            self.transports.append(transport)
            for name in ("on_client_connected", "on_client_disconnected", "on_session_timeout"):
                transport.add_event_handler(name, lambda _t, _ws, _n=name: self.events.append(_n))
            async with running(transport, Echo(), enable_rtvi=True) as task:
                transport.add_event_handler("on_client_disconnected", lambda *_: task.cancel())
                while not task.has_finished():
                    await asyncio.sleep(0.02)
            self.finished += 1

    async def __aenter__(self):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"ws://127.0.0.1:{sock.getsockname()[1]}/ws"
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="off"))
        self._serve = asyncio.create_task(self.server.serve(sockets=[sock]))
        await wait_until(lambda: self.server.started, timeout=5)
        self._sock = sock
        return self

    async def __aexit__(self, *exc):
        self.server.should_exit = True
        await asyncio.wait_for(self._serve, 10)
        self._sock.close()


async def test_audio_rtvi_and_clean_disconnect():
    async with App() as app:
        async with connect(app.url) as ws:
            await ws.send(audio_msg(pattern(2)))
            await ws.send(message_msg({"label": "rtvi-ai", "type": "client-ready", "id": "f00d",
                                       "data": {"version": "1.2.0", "about": {"library": "t"}}}))
            frames = await recv_until(ws, lambda fs: pattern(2) in audio_bytes(fs)
                                      and any(m.get("type") == "bot-ready" for m in messages(fs)), timeout=5)
            assert next(m for m in messages(frames) if m["type"] == "bot-ready")["id"] == "f00d"
        await wait_until(lambda: app.finished == 1, timeout=5)
    assert app.events[:2] == ["on_client_connected", "on_client_disconnected"]


async def test_oversized_message_closes_1009_and_the_app_serves_the_next_client():
    async with App(max_message_size=2048) as app:
        async with connect(app.url) as ws:
            await ws.send(b"\x00" * 5000)
            got = []
            with pytest.raises(websockets.ConnectionClosed):
                for _ in range(20):
                    got.append(decode_frame(await asyncio.wait_for(ws.recv(), 3)))
        assert ws.close_code == 1009
        # the RTVI observer tells the client why before the socket closes
        assert any(m.get("type") == "error" and "max_message_size" in str(m.get("data"))
                   for m in messages(got))
        await wait_until(lambda: app.finished == 1, timeout=5)
        async with connect(app.url) as ws:
            await ws.send(b"garbage")
            await ws.send(audio_msg(pattern(1)))
            await recv_until(ws, lambda fs: pattern(1) in audio_bytes(fs), timeout=5)
        await wait_until(lambda: app.finished == 2, timeout=5)


async def test_session_timeout_and_fixed_packets():
    async with App(session_timeout=0.3, fixed_audio_packet_size=320) as app:
        # the test stops reading early: an unbounded client queue lets the close frame through
        async with connect(app.url, max_queue=None) as ws:
            await ws.send(audio_msg(pattern(3)))
            frames = await recv_until(ws, lambda fs: pattern(3) in audio_bytes(fs), timeout=5)
            assert {len(f["audio"]) for k, f in frames if k == "audio"} == {320}
            await wait_until(lambda: "on_session_timeout" in app.events, timeout=3)
        await wait_until(lambda: app.finished == 1, timeout=5)


def test_missing_fastapi_names_the_extra(monkeypatch):
    import builtins

    import voxpipe.transports.websocket.fastapi as mod

    real = builtins.__import__

    def fake(name, *a, **k):
        if name.startswith("starlette"):
            raise ImportError("No module named 'starlette'")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ImportError, match=r"voxpipe-websocket\[fastapi\]"):
        mod.FastAPIWebsocketTransport(object())
