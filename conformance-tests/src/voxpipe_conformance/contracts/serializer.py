"""``SerializerContract``: what every frame serializer must do.

Documented base:
``voxpipe.serializers.base_serializer.FrameSerializer``: ``setup(StartFrame)``,
``serialize(frame) -> str | bytes | None``, ``deserialize(data) -> Frame | None``).

Options: ``frames`` (frames the serializer must encode; default one
``OutputAudioRawFrame``), ``wire_samples`` (list of ``(payload, FrameClass)``
the serializer must decode), ``roundtrip`` (True when ``deserialize(serialize(f))``
gives back an equivalent frame).
"""

from __future__ import annotations

import inspect
from typing import Any

from voxpipe.frames.frames import OutputAudioRawFrame, StartFrame

from voxpipe_conformance.capabilities import requires
from voxpipe_conformance.contracts.base import Contract
from voxpipe_conformance.contracts.service import ConformanceProbeFrame

__all__ = ["SerializerContract"]

GARBAGE = [b"", b"\x00\xff\xfe", "not json", "{}", "[]", '{"event": "unknown-event"}', b"{" * 10000]


async def _maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class SerializerContract(Contract):
    """Contract of frame serializers."""

    kind = "serializer"
    summary = "serialize/deserialize frames; garbage in gives None, never an exception"

    def frames(self) -> list:
        """Frames to serialize."""
        return list(self.option("frames", [OutputAudioRawFrame(audio=b"\x00\x00" * 160, sample_rate=8000,
                                                                num_channels=1)]))

    async def ready(self) -> Any:
        """A serializer after ``setup(StartFrame)``."""
        serializer = await self.make()
        await _maybe(serializer.setup(StartFrame(audio_in_sample_rate=8000, audio_out_sample_rate=8000)))
        return serializer

    async def test_serialize_gives_wire_type(self) -> None:
        """serialize() returns str, bytes or None for each frame it is given.

        Source: Pipecat docs, Serializers › FrameSerializer.serialize(frame) -> str | bytes | None.
        """
        serializer = await self.ready()
        for frame in self.frames():
            data = await _maybe(serializer.serialize(frame))
            assert data is None or isinstance(data, (str, bytes)), (
                f"serialize({type(frame).__name__}) returned {type(data).__name__}")

    async def test_unknown_frame_serializes_to_none(self) -> None:
        """A frame the serializer does not support serializes to None (it is skipped), not an error.

        Source: Pipecat docs, Serializers › serialize returns None for frames it does not handle.
        """
        serializer = await self.ready()
        assert await _maybe(serializer.serialize(ConformanceProbeFrame())) is None

    async def test_garbage_deserializes_to_none(self) -> None:
        """Malformed, empty, unknown or oversized payloads deserialize to None, never raise.

        Source: Pipecat docs, Serializers › deserialize(data) -> Frame | None; voxpipe
        reliability rule: bad input yields a clear error or is dropped, never a crash.
        """
        serializer = await self.ready()
        for payload in GARBAGE:
            try:
                frame = await _maybe(serializer.deserialize(payload))
            except Exception as exc:  # noqa: BLE001 - the assertion is the point
                raise AssertionError(f"deserialize({payload[:20]!r}) raised {type(exc).__name__}: {exc}") from None
            assert frame is None, f"deserialize({payload[:20]!r}) gave {frame!r}"

    async def test_wire_samples_decode(self) -> None:
        """Documented provider messages decode to the documented frame classes.

        Source: the provider's wire protocol reference (the case's ``wire_samples``).
        """
        from voxpipe_conformance.contracts.base import ContractSkip

        samples = self.option("wire_samples")
        if not samples:
            raise ContractSkip("the case gives no wire_samples")
        serializer = await self.ready()
        for payload, cls in samples:
            frame = await _maybe(serializer.deserialize(payload))
            assert isinstance(frame, cls), f"{payload[:40]!r} decoded to {frame!r}, not {cls.__name__}"

    @requires("binary")
    async def test_binary_serializer_gives_bytes(self) -> None:
        """A serializer declared binary produces bytes for the frames it encodes.

        Source: Pipecat docs, Serializers › binary (protobuf) serializers send bytes frames.
        """
        serializer = await self.ready()
        for frame in self.frames():
            data = await _maybe(serializer.serialize(frame))
            assert data is None or isinstance(data, bytes), f"got {type(data).__name__}"

    async def test_roundtrip_keeps_frames(self) -> None:
        """deserialize(serialize(frame)) gives back an equivalent frame when the format round-trips.

        Source: Pipecat docs, Serializers › the same serializer is used by both ends of a
        WebSocket transport.
        """
        from voxpipe_conformance.contracts.base import ContractSkip

        if not self.option("roundtrip"):
            raise ContractSkip("the case does not declare a round-tripping format")
        serializer = await self.ready()
        for frame in self.frames():
            back = await _maybe(serializer.deserialize(await _maybe(serializer.serialize(frame))))
            assert back is not None, f"{type(frame).__name__} did not round-trip"
            for field in ("text", "audio", "sample_rate", "num_channels"):
                if hasattr(frame, field):
                    assert getattr(back, field, None) == getattr(frame, field), f"{field} changed"
