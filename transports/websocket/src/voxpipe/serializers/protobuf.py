r"""``ProtobufFrameSerializer``: the binary frame format of Pipecat's WebSocket clients.

The JavaScript ``@pipecat-ai/websocket-transport`` package (and its iOS/Android
siblings) exchange one protobuf ``pipecat.Frame`` per binary WebSocket message::

    message Frame { oneof frame {
        TextFrame text = 1;                  // {uint64 id=1; string name=2; string text=3}
        AudioRawFrame audio = 2;             // {id=1; name=2; bytes audio=3; uint32 sample_rate=4;
                                             //  uint32 num_channels=5; optional uint64 pts=6}
        TranscriptionFrame transcription = 3;// {id=1; name=2; text=3; string user_id=4; string timestamp=5}
        MessageFrame message = 4;            // {string data=1}: JSON text of an app (RTVI) message
        InterruptionFrame interruption = 5;  // {id=1; name=2}
    } }

This module encodes and decodes exactly these messages with a small
hand-written codec (varints and length-delimited fields), so the plugin needs
no ``protobuf`` runtime. Unknown fields are skipped, as protobuf requires.

What goes where:

* **serialize**: ``OutputAudioRawFrame`` (any audio frame) → ``audio``;
  ``TranscriptionFrame`` → ``transcription``; other ``TextFrame``\\ s → ``text``;
  ``OutputTransportMessageFrame`` / ``...UrgentFrame`` → ``message`` (the
  message as JSON); ``InterruptionFrame`` → ``interruption``. Anything else → None.
* **deserialize**: ``audio`` → ``InputAudioRawFrame``; ``message`` →
  ``InputTransportMessageFrame(json.loads(data))``; ``text`` → ``TextFrame``;
  ``transcription`` → ``TranscriptionFrame``; ``interruption`` →
  ``InterruptionFrame``. Malformed bytes, text messages and invalid JSON are
  logged and give None: a bad message never ends a call.

RTVI messages always pass through (``ignore_rtvi_messages`` is forced off):
WebSocket transports are how RTVI reaches these clients.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    AudioRawFrame,
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterruptionFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
    StartFrame,
    TextFrame,
    TranscriptionFrame,
)
from voxpipe.serializers.base_serializer import FrameSerializer

__all__ = ["ProtobufDecodeError", "ProtobufFrameSerializer"]

logger = logging.getLogger("voxpipe")

# Field numbers of the ``Frame`` oneof.
TEXT, AUDIO, TRANSCRIPTION, MESSAGE, INTERRUPTION = 1, 2, 3, 4, 5
_KINDS = {TEXT: "text", AUDIO: "audio", TRANSCRIPTION: "transcription", MESSAGE: "message",
          INTERRUPTION: "interruption"}

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5


class ProtobufDecodeError(ValueError):
    """A payload is not a valid ``pipecat.Frame`` message."""


# -- encoding -----------------------------------------------------------------------------


def _varint(value: int) -> bytes:
    if value < 0x80:
        return bytes((value,))
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _uint(field: int, value: int) -> bytes:
    """A varint field; proto3 omits zero values (``present`` fields are written by the caller)."""
    return _varint(field << 3) + _varint(value) if value else b""


def _bytes(field: int, value: bytes) -> bytes:
    return _varint((field << 3) | _LEN) + _varint(len(value)) + value if value else b""


def _str(field: int, value: str | None) -> bytes:
    return _bytes(field, value.encode("utf-8")) if value else b""


def _wrap(kind: int, body: bytes) -> bytes:
    # An empty sub-message is still written: its presence selects the oneof member.
    return _varint((kind << 3) | _LEN) + _varint(len(body)) + body


def encode_frame(kind: int, fields: dict[str, Any]) -> bytes:
    """Encode one ``pipecat.Frame`` whose oneof member ``kind`` has ``fields`` (by proto name)."""
    f = fields
    if kind == MESSAGE:
        body = _str(1, f.get("data"))
    else:
        body = _uint(1, f.get("id") or 0) + _str(2, f.get("name"))
        if kind == AUDIO:
            body += _bytes(3, f.get("audio") or b"") + _uint(4, f.get("sample_rate") or 0)
            body += _uint(5, f.get("num_channels") or 0)
            if f.get("pts") is not None:  # ``optional``: written even when zero
                body += _varint(6 << 3) + _varint(f["pts"])
        elif kind in (TEXT, TRANSCRIPTION):
            body += _str(3, f.get("text"))
            if kind == TRANSCRIPTION:
                body += _str(4, f.get("user_id")) + _str(5, f.get("timestamp"))
    return _wrap(kind, body)


# -- decoding -----------------------------------------------------------------------------


def _read_varint(data: bytes, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= end:
            raise ProtobufDecodeError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift >= 64:
            raise ProtobufDecodeError("varint longer than 10 bytes")


def _fields(data: bytes, pos: int, end: int) -> dict[int, Any]:
    """Parse the fields of one message in ``data[pos:end]``; the last value of a field wins."""
    out: dict[int, Any] = {}
    while pos < end:
        key, pos = _read_varint(data, pos, end)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtobufDecodeError("field number 0")
        if wire == _VARINT:
            value, pos = _read_varint(data, pos, end)
        elif wire == _LEN:
            length, pos = _read_varint(data, pos, end)
            if pos + length > end:
                raise ProtobufDecodeError(f"field {number} runs past the end of the message")
            value = (pos, pos + length)  # decoded by the caller, by field type
            pos += length
        elif wire == _I64:
            pos += 8
            value = None
        elif wire == _I32:
            pos += 4
            value = None
        else:
            raise ProtobufDecodeError(f"unsupported wire type {wire} (field {number})")
        if pos > end:
            raise ProtobufDecodeError(f"field {number} runs past the end of the message")
        out[number] = (wire, value)
    return out


def decode_frame(data: bytes) -> tuple[str, dict[str, Any]]:
    """Decode one ``pipecat.Frame``: ``(kind, fields)`` with proto field names.

    Raises:
        ProtobufDecodeError: The bytes are not a ``Frame`` with a known member.
    """
    top = _fields(data, 0, len(data))
    member = None
    for number in top:  # the last oneof member on the wire wins
        if number in _KINDS:
            member = number
    if member is None:
        raise ProtobufDecodeError("no known frame member (text/audio/transcription/message/interruption)")
    wire, span = top[member]
    if wire != _LEN:
        raise ProtobufDecodeError(f"frame member {member} is not a message")
    start, stop = span
    raw = _fields(data, start, stop)

    def text(number: int) -> str:
        wire, v = raw.get(number, (_LEN, None))
        if v is None:
            return ""
        if wire != _LEN:
            raise ProtobufDecodeError(f"field {number} is not a string")
        try:
            return data[v[0]:v[1]].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtobufDecodeError(f"field {number} is not UTF-8") from exc

    def uint(number: int) -> int | None:
        wire, v = raw.get(number, (_VARINT, None))
        if wire != _VARINT:
            raise ProtobufDecodeError(f"field {number} is not an integer")
        return v

    kind = _KINDS[member]
    if kind == "message":
        return kind, {"data": text(1)}
    fields: dict[str, Any] = {"id": uint(1) or 0, "name": text(2)}
    if kind == "audio":
        wire, v = raw.get(3, (_LEN, None))
        if wire != _LEN:
            raise ProtobufDecodeError("audio is not bytes")
        fields["audio"] = data[v[0]:v[1]] if v else b""
        fields["sample_rate"] = uint(4) or 0
        fields["num_channels"] = uint(5) or 0
        fields["pts"] = uint(6)
    elif kind in ("text", "transcription"):
        fields["text"] = text(3)
        if kind == "transcription":
            fields["user_id"] = text(4)
            fields["timestamp"] = text(5)
    return kind, fields


# -- the serializer -----------------------------------------------------------------------


class ProtobufFrameSerializer(FrameSerializer):
    r"""Serializes frames as Pipecat's protobuf ``Frame`` messages; see the module docstring.

    Args:
        params: Serializer options. ``ignore_rtvi_messages`` is always turned
            off: RTVI messages travel in ``MessageFrame``\\ s.
    """

    def __init__(self, params: FrameSerializer.InputParams | None = None) -> None:
        super().__init__(params or FrameSerializer.InputParams(ignore_rtvi_messages=False))
        self._params.ignore_rtvi_messages = False
        self._in_sample_rate = 0
        self._malformed = 0

    @property
    def malformed_messages(self) -> int:
        """How many incoming messages were dropped as malformed."""
        return self._malformed

    async def setup(self, frame: StartFrame) -> None:
        """Remember the pipeline's input rate (used when a client omits ``sample_rate``)."""
        self._in_sample_rate = frame.audio_in_sample_rate

    async def serialize(self, frame: Frame) -> bytes | None:
        """Encode ``frame`` as a protobuf ``Frame``; None for frames this format does not carry."""
        if isinstance(frame, (OutputTransportMessageFrame, OutputTransportMessageUrgentFrame)):
            if self.should_ignore_frame(frame):
                return None
            try:
                data = json.dumps(frame.message, separators=(",", ":"))
            except (TypeError, ValueError) as exc:
                logger.warning("ProtobufFrameSerializer: message is not JSON-serializable: %s", exc)
                return None
            return encode_frame(MESSAGE, {"data": data})
        if isinstance(frame, AudioRawFrame):
            return encode_frame(AUDIO, {
                "id": frame.id, "name": frame.name, "audio": frame.audio,
                "sample_rate": frame.sample_rate, "num_channels": frame.num_channels,
                "pts": frame.pts,
            })
        if isinstance(frame, TranscriptionFrame):
            return encode_frame(TRANSCRIPTION, {
                "id": frame.id, "name": frame.name, "text": frame.text,
                "user_id": frame.user_id, "timestamp": frame.timestamp,
            })
        if isinstance(frame, TextFrame):
            return encode_frame(TEXT, {"id": frame.id, "name": frame.name, "text": frame.text})
        if isinstance(frame, InterruptionFrame):
            return encode_frame(INTERRUPTION, {"id": frame.id, "name": frame.name})
        return None

    async def deserialize(self, data: str | bytes) -> Frame | None:
        """Decode one binary message; None (logged) for anything that is not a valid ``Frame``."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            return self._drop("a text message (this format is binary protobuf)", data)
        data = bytes(data)
        try:
            kind, f = decode_frame(data)
        except ProtobufDecodeError as exc:
            return self._drop(str(exc), data)
        if kind == "audio":
            channels = f["num_channels"] or 1
            audio = f["audio"]
            if len(audio) % (2 * channels):
                return self._drop(
                    f"audio of {len(audio)} bytes is not whole 16-bit samples for {channels} channel(s)",
                    data,
                )
            frame: Frame = InputAudioRawFrame(
                audio=audio, sample_rate=f["sample_rate"] or self._in_sample_rate or 16000,
                num_channels=channels,
            )
        elif kind == "message":
            try:
                message = json.loads(f["data"])
            except ValueError as exc:
                return self._drop(f"message data is not JSON ({exc})", data)
            frame = InputTransportMessageFrame(message=message)
        elif kind == "text":
            frame = TextFrame(text=f["text"])
        elif kind == "transcription":
            frame = TranscriptionFrame(text=f["text"], user_id=f["user_id"], timestamp=f["timestamp"])
        else:
            frame = InterruptionFrame()
        if f.get("pts") is not None:
            frame.pts = f["pts"]
        return frame

    def _drop(self, why: str, data: Any) -> None:
        self._malformed += 1
        if self._malformed <= 3 or self._malformed % 100 == 0:
            logger.warning(
                "ProtobufFrameSerializer: dropped malformed message #%d (%d bytes): %s",
                self._malformed, len(data), why,
            )
        return None
