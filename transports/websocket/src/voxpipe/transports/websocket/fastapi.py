"""``FastAPIWebsocketTransport``: a transport over a WebSocket your FastAPI app accepted.

Typical use is a telephony media stream or the JS client's ``/ws`` endpoint::

    @app.websocket("/ws")
    async def ws_endpoint(websocket: WebSocket):
        await websocket.accept()
        transport = FastAPIWebsocketTransport(
            websocket=websocket,
            params=FastAPIWebsocketParams(audio_in_enabled=True, audio_out_enabled=True),
        )
        ...  # build the pipeline and run it; this coroutine returns when it ends

Needs FastAPI (or Starlette): ``pip install "voxpipe-websocket[fastapi]"``. The
module imports neither until a transport is created.

Events: ``on_client_connected(transport, websocket)`` when the pipeline starts
(the socket is already accepted), ``on_client_disconnected(transport, websocket)``
when the client leaves, ``on_session_timeout(transport, websocket)`` after
``session_timeout`` seconds. A message larger than ``max_message_size`` closes
the socket with 1009; the pipeline ends the socket (1000) when it ends.

``fixed_audio_packet_size`` re-cuts outgoing PCM into packets of exactly that
many bytes (e.g. 640 = 20 ms at 16 kHz), for media endpoints with strict framing;
the remainder waits for the next chunk and is dropped on an interruption.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

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
    "FastAPIWebsocketInputTransport",
    "FastAPIWebsocketOutputTransport",
    "FastAPIWebsocketParams",
    "FastAPIWebsocketTransport",
]

logger = logging.getLogger("voxpipe")

_MISSING = (
    "FastAPIWebsocketTransport needs FastAPI (Starlette): "
    'pip install "voxpipe-websocket[fastapi]"'
)


def _starlette() -> Any:
    try:
        from starlette import websockets as starlette_websockets
    except ImportError as exc:  # pragma: no cover - exercised in a clean environment
        raise ImportError(_MISSING) from exc
    return starlette_websockets


class FastAPIWebsocketParams(WebsocketParamsMixin, kw_only=True):
    """Configuration of :class:`FastAPIWebsocketTransport` (adds to ``TransportParams``).

    Attributes:
        add_wav_header: Wrap each outgoing audio chunk in a WAV header.
        serializer: Encodes and decodes messages (a telephony serializer, or
            None for ``ProtobufFrameSerializer()``).
        session_timeout: Seconds after which ``on_session_timeout`` fires; None disables it.
        fixed_audio_packet_size: Send outgoing PCM in packets of exactly this
            many bytes; None sends each paced chunk as is.
        max_message_size: Largest incoming message in bytes (1 MiB); larger closes with 1009.
        send_timeout: Seconds a send may wait for a client that does not read.
        close_timeout: Seconds to wait for the closing handshake.
    """

    add_wav_header: bool = False
    serializer: Any = None
    session_timeout: float | None = None
    fixed_audio_packet_size: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        size = self.fixed_audio_packet_size
        if size is not None and (size <= 0 or size % 2):
            raise ValueError(f"fixed_audio_packet_size must be a positive even byte count, got {size}")


class _FastAPIPeer(Peer):
    def __init__(self, raw: Any, disconnect_errors: tuple[type[BaseException], ...]) -> None:
        super().__init__(raw)
        self.closed_errors = disconnect_errors

    async def _send(self, data: str | bytes) -> None:
        if isinstance(data, bytes):
            await self.raw.send_bytes(data)
        else:
            await self.raw.send_text(data)

    async def _close(self, code: int, reason: str) -> None:
        await self.raw.close(code=code, reason=reason or None)


class FastAPIWebsocketInputTransport(WebsocketInput):
    """Input side: fires ``on_client_connected`` and runs the receive loop."""

    async def start(self, frame: StartFrame) -> None:
        """Start input and the receive loop."""
        await super().start(frame)
        await self._transport._begin(self)

    async def stop(self, frame: EndFrame) -> None:
        """Stop input and the receive loop after ``EndFrame``."""
        await super().stop(frame)
        await self._transport._end(CLOSE_NORMAL, "pipeline ended")

    async def cancel(self, frame: CancelFrame) -> None:
        """Stop input and the receive loop at once on ``CancelFrame``."""
        await super().cancel(frame)
        await self._transport._end(CLOSE_GOING_AWAY, "pipeline cancelled")

    async def cleanup(self) -> None:
        """Make sure the socket is closed, then clean up."""
        await self._transport._end(CLOSE_GOING_AWAY, "")
        await super().cleanup()


class FastAPIWebsocketOutputTransport(WebsocketOutput):
    """Output side: sends to the socket."""

    async def stop(self, frame: EndFrame) -> None:
        """Close the socket once everything queued was sent."""
        await super().stop(frame)
        await self._transport._end(CLOSE_NORMAL, "pipeline ended")

    async def cancel(self, frame: CancelFrame) -> None:
        """Close the socket at once."""
        await super().cancel(frame)
        await self._transport._end(CLOSE_GOING_AWAY, "pipeline cancelled")


class FastAPIWebsocketTransport(BaseTransport):
    """A transport over an accepted FastAPI/Starlette ``WebSocket``; see the module docstring.

    Args:
        websocket: The accepted ``fastapi.WebSocket``.
        params: Configuration; ``FastAPIWebsocketParams()`` if omitted.
        input_name: Name of the input processor.
        output_name: Name of the output processor.
        **kwargs: Passed to :class:`BaseTransport` (``name``).
    """

    def __init__(
        self,
        websocket: Any,
        params: FastAPIWebsocketParams | None = None,
        input_name: str | None = None,
        output_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        starlette_websockets = _starlette()
        super().__init__(input_name=input_name, output_name=output_name, **kwargs)
        self._websocket = websocket
        self._params = params or FastAPIWebsocketParams()
        self._disconnect_errors = (starlette_websockets.WebSocketDisconnect,)
        self._peer = _FastAPIPeer(websocket, self._disconnect_errors)
        self._input: FastAPIWebsocketInputTransport | None = None
        self._output: FastAPIWebsocketOutputTransport | None = None
        self._receive_task: asyncio.Task[Any] | None = None
        self._timeout_task: asyncio.Task[Any] | None = None
        self._begun = False
        self._disconnected = False
        self._serializer_ready = False
        for event in ("on_client_connected", "on_client_disconnected", "on_session_timeout"):
            self._register_event_handler(event)

    @property
    def params(self) -> FastAPIWebsocketParams:
        """The transport's configuration."""
        return self._params

    @property
    def websocket(self) -> Any:
        """The FastAPI ``WebSocket``."""
        return self._websocket

    def input(self) -> FastAPIWebsocketInputTransport:
        """The input processor (created on first call)."""
        if self._input is None:
            self._input = FastAPIWebsocketInputTransport(self, self._params, name=self._input_name)
        return self._input

    def output(self) -> FastAPIWebsocketOutputTransport:
        """The output processor (created on first call)."""
        if self._output is None:
            self._output = FastAPIWebsocketOutputTransport(self, self._params, name=self._output_name)
            self._output.set_peer(self._peer)
        return self._output

    async def _setup_serializer(self, frame: StartFrame) -> None:
        if not self._serializer_ready:
            self._serializer_ready = True
            await self._params.serializer.setup(frame)

    async def _begin(self, input: FastAPIWebsocketInputTransport) -> None:
        if self._begun:
            return
        self._begun = True
        await self._call_event_handler("on_client_connected", self._websocket)
        await input.push_frame(ClientConnectedFrame(), FrameDirection.DOWNSTREAM)
        self._receive_task = input.create_task(self._receive(input), "receive")
        if self._params.session_timeout:
            self._timeout_task = input.create_task(self._session_timer(self._params.session_timeout),
                                                   "session-timeout")

    async def _receive(self, input: FastAPIWebsocketInputTransport) -> None:
        ws = self._websocket
        limit = self._params.max_message_size
        try:
            while True:
                message = await ws.receive()
                kind = message.get("type")
                if kind == "websocket.disconnect":
                    break
                data = message.get("bytes")
                if data is None:
                    data = message.get("text")
                if data is None:
                    continue
                if len(data) > limit:
                    await input.report_bad_input(str(MessageTooBig(len(data), limit)), disconnected=True)
                    await self._peer.close(CLOSE_TOO_BIG, "message too big", timeout=self._params.close_timeout)
                    break
                await input.receive_message(data)
        except asyncio.CancelledError:
            raise
        except self._disconnect_errors:
            pass
        except RuntimeError as exc:  # Starlette: receive after the socket closed
            logger.debug("%s: receive ended: %s", self, exc)
        await self._client_left()

    async def _client_left(self) -> None:
        if self._disconnected:
            return
        self._disconnected = True
        self._peer.open = False
        if self._timeout_task is not None:
            self._timeout_task.cancel()
        logger.info("%s: client disconnected", self)
        await self._call_event_handler("on_client_disconnected", self._websocket)

    async def _session_timer(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        if self._peer.open:
            await self._call_event_handler("on_session_timeout", self._websocket)

    async def _end(self, code: int, reason: str) -> None:
        await self._peer.close(code, reason, timeout=self._params.close_timeout)
        for task in (self._receive_task, self._timeout_task):
            if task is not None and not task.done() and self._input is not None:
                await self._input.cancel_task(task, 1.0)
        self._receive_task = self._timeout_task = None
