"""FrameSerializer base: the abstract contract and RTVI filtering (kept here beside the service bases)."""

from __future__ import annotations

import pytest

from voxpipe.frames.frames import OutputTransportMessageFrame, StartFrame, TextFrame
from voxpipe.serializers.base_serializer import FrameSerializer


class EchoSerializer(FrameSerializer):
    async def setup(self, frame: StartFrame) -> None:
        self.rate = frame.audio_in_sample_rate

    async def serialize(self, frame):
        return frame.text if isinstance(frame, TextFrame) else None

    async def deserialize(self, data):
        return TextFrame(data) if isinstance(data, str) else None


def test_abstract_methods_must_be_implemented():
    with pytest.raises(TypeError):
        FrameSerializer()  # type: ignore[abstract]


async def test_round_trip_and_setup():
    s = EchoSerializer()
    await s.setup(StartFrame(audio_in_sample_rate=8000))
    assert s.rate == 8000
    assert await s.serialize(TextFrame("hi")) == "hi"
    assert (await s.deserialize("yo")).text == "yo"
    assert await s.deserialize(b"\x00") is None


def test_rtvi_messages_ignored_by_default_only():
    rtvi = OutputTransportMessageFrame(message={"label": "rtvi-ai", "type": "bot-ready"})
    assert EchoSerializer().should_ignore_frame(rtvi)
    assert not EchoSerializer(FrameSerializer.InputParams(ignore_rtvi_messages=False)).should_ignore_frame(rtvi)
    assert not EchoSerializer().should_ignore_frame(OutputTransportMessageFrame(message={"x": 1}))
