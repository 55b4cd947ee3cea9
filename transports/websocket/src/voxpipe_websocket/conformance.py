"""Conformance cases of voxpipe-websocket (imported only by conformance runs).

Everything runs on loopback: the server transport listens on an ephemeral
``127.0.0.1`` port and a real ``websockets`` client connects; the client
transport connects to the suite's echo :class:`WebSocketEmulator`; the FastAPI
transport runs over an in-memory stand-in for an accepted Starlette socket.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
from typing import Any

from voxpipe.frames.frames import (
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterruptionFrame,
    OutputAudioRawFrame,
    OutputTransportMessageUrgentFrame,
    TextFrame,
    TranscriptionFrame,
)
from voxpipe_conformance import (
    ConformanceCase,
    SerializerContract,
    TransportContract,
    replace,
    skip,
)
from voxpipe_conformance.emulators import WebSocketEmulator

__all__ = ["MemoryWebSocket", "cases"]

_RTVI = {"label": "rtvi-ai", "type": "client-ready", "id": "abc12345",
         "data": {"version": "1.2.0", "about": {"library": "@pipecat-ai/client-js"}}}


def _av_params(cls: Any, **extra: Any) -> Any:
    return cls(audio_in_enabled=True, audio_out_enabled=True, audio_out_end_silence_secs=0, **extra)


# -- server transport ----------------------------------------------------------------------


def _server(_emulator: Any) -> Any:
    from voxpipe.transports.websocket.server import WebsocketServerParams, WebsocketServerTransport

    return WebsocketServerTransport(params=_av_params(WebsocketServerParams), port=0)


async def _connect_to_server(transport: Any, _emulator: Any) -> Any:
    from websockets.asyncio.client import connect

    for _ in range(100):  # the server starts with the pipeline
        if transport._server is not None:
            break
        await asyncio.sleep(0.02)
    return await connect(f"ws://127.0.0.1:{transport.port}", open_timeout=5, close_timeout=2)


async def _close_client(client: Any) -> None:
    await client.close()


# -- client transport ----------------------------------------------------------------------


def _client(emulator: Any) -> Any:
    from voxpipe.transports.websocket.client import WebsocketClientParams, WebsocketClientTransport

    return WebsocketClientTransport(emulator.url, params=_av_params(WebsocketClientParams))


async def _client_connect_events(contract: Any) -> None:
    """on_connected fires when the pipeline starts; on_disconnected when the server drops it."""
    from voxpipe.pipeline.pipeline import Pipeline
    from voxpipe_conformance.session import Session

    transport = await contract.make()
    seen: list[str] = []
    for event in ("on_connected", "on_disconnected"):
        transport.add_event_handler(event, lambda *_a, _e=event: seen.append(_e))
    async with Session(Pipeline([transport.input(), transport.output()])) as s:
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.02)
        await contract.emulator.drop_connections()
        for _ in range(100):
            if len(seen) > 1:
                break
            await asyncio.sleep(0.02)
        await s.settle(0.01)
    assert seen[:2] == ["on_connected", "on_disconnected"], f"events: {seen}"


# -- FastAPI transport ---------------------------------------------------------------------


class MemoryWebSocket:
    """An accepted Starlette ``WebSocket`` stand-in: ``receive``/``send_*``/``close`` in memory."""

    def __init__(self) -> None:
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: list[str | bytes] = []
        self.closed: tuple[int, str | None] | None = None

    def feed(self, data: str | bytes) -> None:
        """Queue a message from the client."""
        key = "bytes" if isinstance(data, bytes) else "text"
        self.incoming.put_nowait({"type": "websocket.receive", key: data})

    def leave(self) -> None:
        """The client disconnects."""
        self.incoming.put_nowait({"type": "websocket.disconnect", "code": 1000})

    async def receive(self) -> dict[str, Any]:
        """Next ASGI message."""
        return await self.incoming.get()

    async def send_bytes(self, data: bytes) -> None:
        """Record a binary message."""
        self.sent.append(data)

    async def send_text(self, data: str) -> None:
        """Record a text message."""
        self.sent.append(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Record the close."""
        self.closed = (code, reason)


def _fastapi(_emulator: Any) -> Any:
    from voxpipe.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport

    return FastAPIWebsocketTransport(MemoryWebSocket(), params=_av_params(FastAPIWebsocketParams))


async def _fastapi_connect(transport: Any, _emulator: Any) -> Any:
    return transport.websocket  # already accepted: on_client_connected fired at start


async def _fastapi_leave(socket: Any) -> None:
    socket.leave()


# -- serializer ----------------------------------------------------------------------------


def _serializer(_emulator: Any) -> Any:
    from voxpipe.serializers.protobuf import ProtobufFrameSerializer

    return ProtobufFrameSerializer()


def _js_audio() -> bytes:
    """What the JS client's ``serializeAudio`` sends: name "audio", 16 kHz mono, 10 samples."""
    from voxpipe.serializers.protobuf import AUDIO, encode_frame

    return encode_frame(AUDIO, {"name": "audio", "audio": b"\x01\x00" * 10, "sample_rate": 16000,
                                "num_channels": 1})


def _js_message() -> bytes:
    from voxpipe.serializers.protobuf import MESSAGE, encode_frame

    return encode_frame(MESSAGE, {"data": json.dumps(_RTVI)})


def cases() -> list[ConformanceCase]:
    """Every case of this plugin."""
    transport_options = {"connect_client": _connect_to_server, "disconnect_client": _close_client}
    have_starlette = importlib.util.find_spec("starlette") is not None
    no_fastapi = {} if have_starlette else {
        name: skip('FastAPI is not installed: pip install "voxpipe-websocket[fastapi]"')
        for name in TransportContract.test_names()
    }
    return [
        ConformanceCase(
            contract=TransportContract,
            service_id="websocket_server_transport",
            factory=_server,
            capabilities=["websocket"],
            options=transport_options,
        ),
        ConformanceCase(
            contract=TransportContract,
            service_id="websocket_client_transport",
            factory=_client,
            emulator=WebSocketEmulator,
            capabilities=["websocket"],
            overrides={
                "test_documents_client_events": skip(
                    "WebsocketClientTransport documents on_connected/on_disconnected, "
                    "not on_client_connected (Pipecat docs, WebSocket transports › events)"),
                "test_client_connect_and_disconnect_events": replace(
                    _client_connect_events,
                    "the client transport's events are on_connected/on_disconnected"),
            },
        ),
        ConformanceCase(
            contract=TransportContract,
            service_id="fastapi_websocket_transport",
            factory=_fastapi,
            capabilities=["websocket"],
            options={"connect_client": _fastapi_connect, "disconnect_client": _fastapi_leave},
            overrides=no_fastapi,
        ),
        ConformanceCase(
            contract=SerializerContract,
            service_id="protobuf_serializer",
            factory=_serializer,
            capabilities=["binary"],
            options={
                "frames": [
                    OutputAudioRawFrame(audio=b"\x00\x01" * 160, sample_rate=16000, num_channels=1),
                    TextFrame(text="hello"),
                    TranscriptionFrame(text="hi there", user_id="u1", timestamp="2026-01-01T00:00:00Z"),
                    OutputTransportMessageUrgentFrame(message=_RTVI),
                    InterruptionFrame(),
                ],
                "wire_samples": [(_js_audio(), InputAudioRawFrame),
                                 (_js_message(), InputTransportMessageFrame)],
                "roundtrip": True,
            },
        ),
    ]
