"""What the three WebSocket transports share: the socket-facing halves of input and output.

A transport here is a socket (a ``websockets`` connection, or a FastAPI/Starlette
``WebSocket``) plus a :class:`~voxpipe.serializers.base_serializer.FrameSerializer`.
The socket is reached through a tiny adapter (:class:`Peer`) so the input and
output processors below are written once:

* :class:`WebsocketInput` turns each received message into a frame with the
  serializer and routes it: audio to the kernel's bounded audio queue, app
  messages broadcast as ``InputTransportMessageFrame``, anything else pushed
  downstream. An oversized message or a serializer that raises is reported, never
  fatal.
* :class:`WebsocketOutput` serializes what the kernel hands it (paced audio
  chunks, messages, interruptions) and sends it, each send bounded by
  ``send_timeout``; a client too slow to read is disconnected with a clear reason.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterruptionFrame,
    OutputAudioRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
    StartFrame,
)
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.serializers.base_serializer import FrameSerializer
from voxpipe.transports.base_input import BaseInputTransport
from voxpipe.transports.base_output import BaseOutputTransport
from voxpipe.transports.base_transport import TransportParams

logger = logging.getLogger("voxpipe")

#: Default largest accepted message, in bytes (the ``websockets`` default, 1 MiB).
DEFAULT_MAX_MESSAGE_SIZE = 1 << 20

#: WebSocket close codes used by these transports (RFC 6455 §7.4.1).
CLOSE_NORMAL, CLOSE_GOING_AWAY, CLOSE_POLICY, CLOSE_TOO_BIG, CLOSE_TRY_AGAIN = 1000, 1001, 1008, 1009, 1013


class WebsocketParamsMixin(TransportParams, kw_only=True):
    """voxpipe's limits shared by every WebSocket transport (not in Pipecat's params).

    Attributes:
        max_message_size: Largest incoming message in bytes; a bigger one closes
            the connection with code 1009 ("message too big").
        send_timeout: Seconds one send may wait for a client that is not
            reading; after it the client is disconnected (1008).
        close_timeout: Seconds to wait for the closing handshake.
    """

    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE
    send_timeout: float = 5.0
    close_timeout: float = 2.0


def resolve_serializer(params: Any) -> FrameSerializer:
    """The params' serializer, defaulting to :class:`ProtobufFrameSerializer` (what the JS client speaks)."""
    if params.serializer is None:
        from voxpipe.serializers.protobuf import ProtobufFrameSerializer

        params.serializer = ProtobufFrameSerializer()
    return params.serializer


def pcm_to_wav(audio: bytes, sample_rate: int, num_channels: int) -> bytes:
    """Prefix 16-bit PCM with a 44-byte RIFF/WAVE header."""
    byte_rate = sample_rate * num_channels * 2
    return (
        b"RIFF" + struct.pack("<I", 36 + len(audio)) + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, num_channels, sample_rate, byte_rate, num_channels * 2, 16)
        + b"data" + struct.pack("<I", len(audio)) + audio
    )


class Peer:
    """The connected socket, as the output side sees it (one per connection).

    Subclasses implement :meth:`_send` and :meth:`_close`; :attr:`raw` is the
    underlying connection object (what event handlers receive).
    """

    closed_errors: tuple[type[BaseException], ...] = ()

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.open = True

    async def _send(self, data: str | bytes) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _send(data)")

    async def _close(self, code: int, reason: str) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _close(code, reason)")

    async def send(self, data: str | bytes, timeout: float) -> bool:
        """Send one message; False when the peer is gone or too slow (then it is closed)."""
        if not self.open:
            return False
        try:
            await asyncio.wait_for(self._send(data), timeout)
            return True
        except asyncio.TimeoutError:
            logger.warning("websocket client did not read for %.1fs; disconnecting it", timeout)
            await self.close(CLOSE_POLICY, "client too slow: send timed out", timeout=0.5)
        except self.closed_errors:
            self.open = False
        except (ConnectionError, RuntimeError) as exc:  # socket torn down under us
            logger.debug("websocket send failed: %s", exc)
            self.open = False
        return False

    async def close(self, code: int = CLOSE_NORMAL, reason: str = "", *, timeout: float = 2.0) -> None:
        """Close the connection (idempotent, bounded by ``timeout``)."""
        if not self.open:
            return
        self.open = False
        try:
            await asyncio.wait_for(self._close(code, reason), timeout)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # already closed, reset, timed out: nothing left to do
            logger.debug("websocket close: %s", exc)


class WebsocketInput(BaseInputTransport):
    """Input side: decode received messages and push their frames.

    Args:
        transport: The owning transport (events are emitted on it).
        params: Its params (``serializer`` and the size limit are read here).
        **kwargs: Passed to :class:`BaseInputTransport`.
    """

    def __init__(self, transport: Any, params: Any, **kwargs: Any) -> None:
        super().__init__(params, **kwargs)
        self._transport = transport
        self._serializer: FrameSerializer = resolve_serializer(params)
        self._errors = 0

    async def start(self, frame: StartFrame) -> None:
        """Set up the serializer, then start input (audio task, streaming)."""
        await super().start(frame)
        await self._transport._setup_serializer(frame)

    async def receive_message(self, message: str | bytes) -> None:
        """Handle one message from the socket (called by the transport's receive loop)."""
        if len(message) > self._params.max_message_size:  # websockets enforces this itself
            raise MessageTooBig(len(message), self._params.max_message_size)
        try:
            frame = await self._serializer.deserialize(message)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a serializer must return None on bad input; be safe anyway
            await self.report_bad_input(f"could not decode a {len(message)}-byte message: {exc}", exc)
            return
        if frame is None:
            return
        if isinstance(frame, InputAudioRawFrame):
            await self.push_audio_frame(frame)
        elif isinstance(frame, InputTransportMessageFrame):
            await self.push_app_message(frame.message)
        elif self.started:
            await self.push_frame(frame, FrameDirection.DOWNSTREAM)

    async def report_bad_input(
        self, message: str, exc: BaseException | None = None, *, disconnected: bool = False
    ) -> None:
        """Log and report (a non-fatal ``ErrorFrame``, rate-limited) bad input from the client."""
        self._errors += 1
        if self._errors <= 3 or self._errors % 100 == 0:
            outcome = "the client was disconnected" if disconnected else "the session continues"
            logger.warning("%s: %s (bad input #%d; %s)", self, message, self._errors, outcome)
            if self.started:
                await self.push_error(f"{self}: {message}", exception=exc, fatal=False)

    async def cleanup(self) -> None:
        """Let the transport's event handlers finish (bounded), then clean up."""
        await super().cleanup()
        await self._transport.wait_for_event_handlers(timeout=2.0)


class MessageTooBig(Exception):
    """An incoming message exceeded ``max_message_size``."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"message of {size} bytes exceeds max_message_size={limit}")


class WebsocketOutput(BaseOutputTransport):
    """Output side: serialize and send audio chunks, messages and interruptions.

    Args:
        transport: The owning transport.
        params: Its params (``serializer``, ``add_wav_header`` and
            ``fixed_audio_packet_size`` when present, ``send_timeout``).
        **kwargs: Passed to :class:`BaseOutputTransport`.
    """

    def __init__(self, transport: Any, params: Any, **kwargs: Any) -> None:
        super().__init__(params, **kwargs)
        self._transport = transport
        self._serializer: FrameSerializer = resolve_serializer(params)
        self._peer: Peer | None = None
        self._packet = getattr(params, "fixed_audio_packet_size", None) or 0
        self._pending = b""

    @property
    def peer(self) -> Peer | None:
        """The connected client, if any."""
        return self._peer

    def set_peer(self, peer: Peer | None) -> None:
        """Send to ``peer`` from now on (None: drop output until a client connects)."""
        self._peer = peer
        self._pending = b""

    async def start(self, frame: StartFrame) -> None:
        """Set up the serializer, then the writers."""
        await super().start(frame)
        await self._transport._setup_serializer(frame)

    async def send_frame(self, frame: Frame) -> bool:
        """Serialize ``frame`` and send it to the client; False if nothing was sent."""
        peer = self._peer
        if peer is None or not peer.open:
            return False
        try:
            payload = await self._serializer.serialize(frame)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.error("%s: could not serialize %s: %s", self, frame, exc)
            return False
        if payload is None:
            return False
        return await peer.send(payload, self._params.send_timeout)

    async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
        """Send one paced chunk (wrapped in a WAV header or re-cut into fixed packets if asked)."""
        if self._peer is None:
            return False
        audio = frame.audio
        channels = self._params.audio_out_channels
        if self._packet:
            audio = self._pending + audio
            cut = len(audio) - len(audio) % self._packet
            self._pending = audio[cut:]
            sent = True
            for i in range(0, cut, self._packet):
                sent = await self._send_audio(audio[i:i + self._packet], channels) and sent
            return sent
        return await self._send_audio(audio, channels)

    async def _send_audio(self, audio: bytes, channels: int) -> bool:
        if self._params.add_wav_header:
            audio = pcm_to_wav(audio, self.sample_rate, channels)
        chunk = OutputAudioRawFrame(audio=audio, sample_rate=self.sample_rate, num_channels=channels)
        return await self.send_frame(chunk)

    async def send_message(
        self, frame: OutputTransportMessageFrame | OutputTransportMessageUrgentFrame
    ) -> None:
        """Send an app message (an RTVI message, with the protobuf serializer)."""
        await self.send_frame(frame)

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Route frames; on an interruption also tell the client (e.g. a protobuf interruption)."""
        await super().process_frame(frame, direction)
        if isinstance(frame, InterruptionFrame) and direction is FrameDirection.DOWNSTREAM:
            self._pending = b""
            await self.send_frame(frame)
