"""Emulator toolkit: loopback servers with scripted responses and fault injection.

* :class:`WebSocketEmulator` — WebSocket (``websockets``), per-message faults;
* :class:`HTTPEmulator` — HTTP/1.1 with whole, chunked-streaming and SSE responses;
* :class:`Fault` — delay, malformed payload, drop mid-stream, error, stall, close codes.

gRPC has room here: an emulator is anything with ``start``/``stop``/``url``,
connection accounting and ``inject`` (see :class:`Emulator`); a gRPC one would
wrap ``grpc.aio.server`` in a plugin that already depends on grpcio.
"""

from voxpipe_conformance.emulators.base import Emulator, Fault
from voxpipe_conformance.emulators.http import (
    HTTPEmulator,
    HTTPRequest,
    Response,
    StreamingResponse,
    sse,
)
from voxpipe_conformance.emulators.websocket import WebSocketEmulator, WSConnection

__all__ = [
    "Emulator",
    "Fault",
    "HTTPEmulator",
    "HTTPRequest",
    "Response",
    "StreamingResponse",
    "WSConnection",
    "WebSocketEmulator",
    "sse",
]
