"""ProtobufFrameSerializer: byte-exact against Pipecat's frames.proto, round trips, bad input."""

from __future__ import annotations

import json

import pytest

from voxpipe.frames.frames import (
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterruptionFrame,
    OutputAudioRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
    StartFrame,
    TextFrame,
    TranscriptionFrame,
)
from voxpipe.serializers.base_serializer import FrameSerializer
from voxpipe.serializers.protobuf import (
    AUDIO,
    INTERRUPTION,
    MESSAGE,
    TEXT,
    TRANSCRIPTION,
    ProtobufDecodeError,
    ProtobufFrameSerializer,
    decode_frame,
    encode_frame,
)

pytestmark = pytest.mark.timeout(10)

# Bytes produced by the reference protobuf runtime from frames.proto (package pipecat).
GOLDEN = {
    "audio": (AUDIO, {"name": "audio", "audio": b"\x01\x00\x02\x00", "sample_rate": 16000,
                      "num_channels": 1}, "12121205617564696f1a040100020020807d2801"),
    "audio_pts0": (AUDIO, {"id": 7, "audio": b"\x01\x00", "sample_rate": 24000, "num_channels": 1,
                           "pts": 0}, "120e08071a02010020c0bb0128013000"),
    "message": (MESSAGE, {"data": '{"label":"rtvi-ai","type":"bot-ready","id":"x1","data":{}}'},
                "223c0a3a7b226c6162656c223a22727476692d6169222c2274797065223a22626f742d7265616479"
                "222c226964223a227831222c2264617461223a7b7d7d"),
    "text": (TEXT, {"id": 300, "name": "TextFrame#1", "text": "héllo"},
             "0a1808ac02120b546578744672616d6523311a0668c3a96c6c6f"),
    "transcription": (TRANSCRIPTION, {"text": "hi", "user_id": "u", "timestamp": "t"},
                      "1a0a1a0268692201752a0174"),
    "interruption": (INTERRUPTION, {}, "2a00"),
    "interruption_named": (INTERRUPTION, {"id": 5, "name": "InterruptionFrame#2"},
                           "2a1708051213496e74657272757074696f6e4672616d652332"),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_encoding_matches_the_reference_runtime_byte_for_byte(name):
    kind, fields, hex_bytes = GOLDEN[name]
    assert encode_frame(kind, fields).hex() == hex_bytes


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_decoding_reads_reference_bytes(name):
    kind, fields, hex_bytes = GOLDEN[name]
    decoded_kind, decoded = decode_frame(bytes.fromhex(hex_bytes))
    assert decoded_kind == {AUDIO: "audio", MESSAGE: "message", TEXT: "text",
                            TRANSCRIPTION: "transcription", INTERRUPTION: "interruption"}[kind]
    for key, value in fields.items():
        assert decoded[key] == value


def test_unknown_fields_are_skipped():
    # audio frame with an extra varint field 9, a fixed64 field 10 and a fixed32 field 11
    extra = bytes([9 << 3, 5, (10 << 3) | 1]) + b"\x00" * 8 + bytes([(11 << 3) | 5]) + b"\x00" * 4
    kind, fields = decode_frame(encode_frame(AUDIO, {"audio": b"\x01\x02", "sample_rate": 8000})[:1]
                                + bytes([len(b"\x1a\x02\x01\x02\x20\xc0\x3e") + len(extra)])
                                + b"\x1a\x02\x01\x02\x20\xc0\x3e" + extra)
    assert kind == "audio" and fields["audio"] == b"\x01\x02" and fields["sample_rate"] == 8000


async def ready() -> ProtobufFrameSerializer:
    s = ProtobufFrameSerializer()
    await s.setup(StartFrame(audio_in_sample_rate=16000, audio_out_sample_rate=24000))
    return s


async def test_every_frame_type_round_trips():
    s = await ready()
    audio = await s.deserialize(await s.serialize(
        OutputAudioRawFrame(audio=b"\x05\x00" * 80, sample_rate=24000, num_channels=1)))
    assert isinstance(audio, InputAudioRawFrame)
    assert (audio.audio, audio.sample_rate, audio.num_channels) == (b"\x05\x00" * 80, 24000, 1)
    text = await s.deserialize(await s.serialize(TextFrame(text="héllo wörld")))
    assert type(text) is TextFrame and text.text == "héllo wörld"
    tr = await s.deserialize(await s.serialize(TranscriptionFrame(text="hi", user_id="u1", timestamp="ts")))
    assert isinstance(tr, TranscriptionFrame) and (tr.text, tr.user_id, tr.timestamp) == ("hi", "u1", "ts")
    msg = {"label": "rtvi-ai", "type": "server-message", "data": {"n": [1, 2.5, None, "é"]}}
    for cls in (OutputTransportMessageFrame, OutputTransportMessageUrgentFrame):
        back = await s.deserialize(await s.serialize(cls(message=msg)))
        assert isinstance(back, InputTransportMessageFrame) and back.message == msg
    assert isinstance(await s.deserialize(await s.serialize(InterruptionFrame())), InterruptionFrame)


async def test_rtvi_messages_pass_even_when_asked_to_ignore_them():
    s = ProtobufFrameSerializer(FrameSerializer.InputParams(ignore_rtvi_messages=True))
    data = await s.serialize(OutputTransportMessageUrgentFrame(message={"label": "rtvi-ai", "type": "bot-ready"}))
    assert data is not None and json.loads(decode_frame(data)[1]["data"])["type"] == "bot-ready"


async def test_missing_sample_rate_and_channels_fall_back_to_the_pipeline_input():
    s = await ready()
    frame = await s.deserialize(encode_frame(AUDIO, {"audio": b"\x00\x00"}))
    assert (frame.sample_rate, frame.num_channels) == (16000, 1)


async def test_pts_is_kept():
    s = await ready()
    frame = OutputAudioRawFrame(audio=b"\x00\x00", sample_rate=16000, num_channels=1)
    frame.pts = 123456789
    assert (await s.deserialize(await s.serialize(frame))).pts == 123456789


@pytest.mark.parametrize("payload, why", [
    (b"", "no known frame member"),
    (b"\x00\xff", "field number 0"),
    ("text", "text message"),
    (b"\x12\x05\x1a\x10", "runs past the end"),
    (b"\x12\x02\x1a\x80", "truncated varint"),
    (b"\x7b" * 10, "unsupported wire type"),
    (b"\xff" * 12, "varint longer than 10 bytes"),
    (encode_frame(AUDIO, {"audio": b"\x00\x00\x00"}), "whole 16-bit samples"),
    (encode_frame(MESSAGE, {"data": "{not json"}), "not JSON"),
    (encode_frame(TEXT, {})[:1] + b"\x03\x1a\x01\xff", "not UTF-8"),
    (b"\x10\x05", "not a message"),
])
async def test_malformed_input_is_dropped_with_a_reason(payload, why, caplog):
    s = await ready()
    assert await s.deserialize(payload) is None
    assert why in caplog.text
    assert s.malformed_messages == 1


def test_decode_error_is_a_value_error():
    with pytest.raises(ProtobufDecodeError):
        decode_frame(b"\x00")
    assert issubclass(ProtobufDecodeError, ValueError)


async def test_frames_it_does_not_carry_serialize_to_none():
    s = await ready()
    assert await s.serialize(StartFrame()) is None
    assert await s.serialize(OutputTransportMessageFrame(message={"not": {1, 2}})) is None
