"""WebsocketServerTransport with real ``websockets`` clients on loopback."""

from __future__ import annotations

import asyncio
import inspect
import logging

import pytest
import websockets
from websockets.asyncio.client import connect

from voxpipe.frames.frames import EndFrame, InterruptionFrame
from voxpipe.transports.websocket.server import WebsocketServerParams, WebsocketServerTransport
from ws_helpers import (
    CHUNK_20MS,
    Echo,
    audio_bytes,
    audio_msg,
    message_msg,
    messages,
    pattern,
    recv_until,
    running,
    upstream_errors,
    wait_until,
)

pytestmark = pytest.mark.timeout(20)


def make(**params) -> tuple[WebsocketServerTransport, dict[str, list]]:
    """A server transport on a free port, recording its events."""
    p = dict(audio_in_enabled=True, audio_out_enabled=True, audio_out_end_silence_secs=0)
    p.update(params)
    transport = WebsocketServerTransport(params=WebsocketServerParams(**p), port=0)
    events: dict[str, list] = {}
    for name in ("on_websocket_ready", "on_client_connected", "on_client_disconnected", "on_session_timeout"):
        events[name] = []
        transport.add_event_handler(name, lambda _t, *a, _n=name: events[_n].append(a))
    return transport, events


async def ready(transport, events) -> str:
    await wait_until(lambda: events["on_websocket_ready"])
    return f"ws://127.0.0.1:{transport.port}"


def test_binds_loopback_by_default():
    assert inspect.signature(WebsocketServerTransport).parameters["host"].default == "127.0.0.1"
    assert WebsocketServerTransport().host == "127.0.0.1"


async def test_lifecycle_and_events():
    transport, events = make()
    echo = Echo()
    async with running(transport, echo) as task:
        url = await ready(transport, events)
        assert transport.port != 0
        async with connect(url) as ws:
            await wait_until(lambda: events["on_client_connected"])
            assert events["on_client_connected"][0][0].remote_address is not None
        await wait_until(lambda: events["on_client_disconnected"])
        assert events["on_client_connected"][0][0] is events["on_client_disconnected"][0][0]
        await task.queue_frame(EndFrame())
        await asyncio.wait_for(_finished(task), 5)
    with pytest.raises(OSError):  # the server is gone with the pipeline
        async with connect(url, open_timeout=1):
            pass
    assert ws.close_code is not None


async def _finished(task) -> None:
    while not task.has_finished():
        await asyncio.sleep(0.02)


async def test_audio_in_becomes_input_frames_and_echo_comes_back_as_protobuf():
    transport, events = make()
    echo = Echo()
    sent = pattern(10)
    async with running(transport, echo):
        async with connect(await ready(transport, events)) as ws:
            for i in range(10):
                await ws.send(audio_msg(sent[i * CHUNK_20MS:(i + 1) * CHUNK_20MS]))
            frames = await recv_until(ws, lambda fs: sent in audio_bytes(fs), timeout=5)
    assert len(echo.audio_in) == 10
    assert all(f.sample_rate == 16000 and f.num_channels == 1 for f in echo.audio_in)
    assert b"".join(f.audio for f in echo.audio_in) == sent
    audio = [f for kind, f in frames if kind == "audio"]
    assert audio and all(f["sample_rate"] == 16000 and f["num_channels"] == 1 for f in audio)
    assert len(audio[0]["audio"]) == 16000 // 100 * 2 * 4  # audio_out_10ms_chunks=4: 40 ms writes


async def test_rtvi_client_ready_round_trips_through_message_frames():
    rtvi = pytest.importorskip("voxpipe.processors.frameworks.rtvi")
    transport, events = make()
    client_ready = {"label": "rtvi-ai", "type": "client-ready", "id": "abcd1234",
                    "data": {"version": rtvi.PROTOCOL_VERSION, "about": {"library": "test"}}}
    async with running(transport, Echo(), enable_rtvi=True):
        async with connect(await ready(transport, events)) as ws:
            await ws.send(message_msg(client_ready))
            frames = await recv_until(
                ws, lambda fs: any(m.get("type") == "bot-ready" for m in messages(fs)))
    bot_ready = next(m for m in messages(frames) if m.get("type") == "bot-ready")
    assert bot_ready["label"] == "rtvi-ai" and bot_ready["id"] == "abcd1234"


async def test_app_messages_reach_the_pipeline_and_go_out():
    from voxpipe.frames.frames import InputTransportMessageFrame, OutputTransportMessageUrgentFrame

    transport, events = make()
    echo = Echo()
    async with running(transport, echo) as task:
        async with connect(await ready(transport, events)) as ws:
            await ws.send(message_msg({"hello": "server"}))
            await wait_until(lambda: any(isinstance(f, InputTransportMessageFrame) for f in echo.seen))
            await task.queue_frame(OutputTransportMessageUrgentFrame(message={"hello": "client"}))
            frames = await recv_until(ws, lambda fs: messages(fs))
    assert messages(frames) == [{"hello": "client"}]


async def test_interruption_is_sent_to_the_client():
    transport, events = make()
    async with running(transport, Echo()) as task:
        async with connect(await ready(transport, events)) as ws:
            await wait_until(lambda: events["on_client_connected"])
            await task.queue_frame(InterruptionFrame())
            frames = await recv_until(ws, lambda fs: any(k == "interruption" for k, _ in fs))
    assert frames[-1][0] == "interruption"


async def test_a_second_client_replaces_the_first():
    transport, events = make()
    order: list[str] = []
    transport.add_event_handler("on_client_connected", lambda _t, ws: order.append(f"+{id(ws)}"))
    transport.add_event_handler("on_client_disconnected", lambda _t, ws: order.append(f"-{id(ws)}"))
    async with running(transport, Echo()):
        url = await ready(transport, events)
        first = await connect(url)
        await wait_until(lambda: len(events["on_client_connected"]) == 1)
        async with connect(url) as second:
            await wait_until(lambda: len(events["on_client_connected"]) == 2)
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(first.recv(), 2)
            assert first.close_code == 1000 and "replaced" in first.close_reason
            await second.send(audio_msg(pattern(1)))
            frames = await recv_until(second, lambda fs: pattern(1) in audio_bytes(fs))
            assert frames
        await first.close()
    a, b = (id(c[0]) for c in events["on_client_connected"])
    assert order[:3] == [f"+{a}", f"-{a}", f"+{b}"]


async def test_oversized_message_closes_with_1009_and_the_server_serves_the_next_client(caplog):
    transport, events = make(max_message_size=4096)
    errors = upstream_errors(transport.input())
    async with running(transport, Echo()):
        url = await ready(transport, events)
        async with connect(url) as ws:
            await ws.send(audio_msg(b"\x00" * 10000))
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 2)
        assert ws.close_code == 1009
        await wait_until(lambda: events["on_client_disconnected"])
        assert errors and "max_message_size" in errors[0].error and not errors[0].fatal
        async with connect(url) as ws:
            await ws.send(audio_msg(pattern(1)))
            await recv_until(ws, lambda fs: pattern(1) in audio_bytes(fs))


async def test_garbage_is_logged_and_the_session_continues(caplog):
    transport, events = make()
    with caplog.at_level(logging.WARNING, logger="voxpipe"):
        async with running(transport, Echo()):
            async with connect(await ready(transport, events)) as ws:
                await ws.send(b"\x00\xff\xfe")
                await ws.send("not protobuf")
                await ws.send(message_msg({"x": 1})[:-3])  # truncated
                await ws.send(audio_msg(pattern(1)))
                await recv_until(ws, lambda fs: pattern(1) in audio_bytes(fs))
                assert ws.close_code is None
    text = caplog.text
    assert "field number 0" in text and "text message" in text and "runs past the end" in text
    assert not events["on_client_disconnected"] or len(events["on_client_disconnected"]) == 1


async def test_client_vanishing_mid_call_ends_the_session_cleanly():
    transport, events = make()
    runs: list = []

    async def on_disconnected(_transport, _ws):
        await runs[0].cancel()

    transport.add_event_handler("on_client_disconnected", on_disconnected)
    async with running(transport, Echo()) as task:
        runs.append(task)
        ws = await connect(await ready(transport, events))
        for _ in range(5):
            await ws.send(audio_msg(pattern(1)))
        await recv_until(ws, lambda fs: audio_bytes(fs))
        ws.transport.abort()  # no close frame: the TCP connection just dies
        await asyncio.wait_for(_finished(task), 5)
        await ws.close()
    assert events["on_client_disconnected"]


async def test_session_timeout_fires_and_leaves_the_connection_open():
    transport, events = make(session_timeout=0.3)
    async with running(transport, Echo()):
        async with connect(await ready(transport, events)) as ws:
            await wait_until(lambda: events["on_session_timeout"], timeout=3)
            assert events["on_session_timeout"][0][0] is events["on_client_connected"][0][0]
            await ws.send(audio_msg(pattern(1)))
            await recv_until(ws, lambda fs: pattern(1) in audio_bytes(fs))


async def test_no_session_timeout_when_the_client_left_first():
    transport, events = make(session_timeout=0.3)
    async with running(transport, Echo()):
        async with connect(await ready(transport, events)):
            await wait_until(lambda: events["on_client_connected"])
        await asyncio.sleep(0.5)
    assert events["on_session_timeout"] == []
