"""Automatic frame properties, user subclassing and deprecated names."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pytest
import voxpipe.frames.frames as F
from voxpipe.frames.frames import DataFrame, SystemFrame, TextFrame


def _index(frame: F.Frame) -> int:
    cls_name, _, count = frame.name.partition("#")
    assert cls_name == type(frame).__name__
    return int(count)


def test_names_count_per_class() -> None:
    first = F.TextFrame("a")
    other = F.LLMTextFrame("b")
    second = F.TextFrame("c")
    assert _index(second) == _index(first) + 1
    assert other.name.startswith("LLMTextFrame#")
    assert str(first).startswith(first.name)


def test_ids_are_unique_and_increasing() -> None:
    frames = [F.TextFrame("x"), F.EndFrame(), F.StartFrame(), F.TextFrame("y")]
    ids = [f.id for f in frames]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_automatic_properties_defaults() -> None:
    frame = F.OutputAudioRawFrame(b"\x00\x00" * 160, 16000, 1)
    assert frame.pts is None
    assert frame.metadata == {}
    assert frame.transport_source is None
    assert frame.transport_destination is None
    assert frame.broadcast_sibling_id is None
    assert F.TextFrame("a").metadata is not F.TextFrame("b").metadata


def test_automatic_properties_are_not_constructor_arguments() -> None:
    for name in ("id", "name", "pts", "metadata", "broadcast_sibling_id", "transport_source"):
        with pytest.raises(TypeError):
            F.TextFrame("a", **{name: 1})


@pytest.mark.parametrize(
    ("audio", "channels", "expected"),
    [(b"\x00" * 640, 1, 320), (b"\x00" * 640, 2, 160), (b"", 1, 0)],
)
def test_num_frames_is_computed(audio: bytes, channels: int, expected: int) -> None:
    for cls in (
        F.InputAudioRawFrame,
        F.OutputAudioRawFrame,
        F.TTSAudioRawFrame,
        F.UserAudioRawFrame,
    ):
        frame = cls(audio, 16000, channels)
        assert frame.num_frames == expected
        assert (frame.sample_rate, frame.num_channels) == (16000, channels)


def test_documented_audio_keywords() -> None:
    frame = F.InputAudioRawFrame(audio=b"\x01\x00" * 4, sample_rate=8000, num_channels=1)
    assert frame.num_frames == 4
    tts = F.TTSAudioRawFrame(b"\x00" * 4, 24000, 1, context_id="ctx")
    assert tts.context_id == "ctx"


def test_equality_ignores_identity_fields() -> None:
    a, b = F.TextFrame("same"), F.TextFrame("same")
    assert a.id != b.id
    assert a == b
    assert F.TextFrame("same") != F.TextFrame("different")


def test_str_is_informative() -> None:
    assert "text: [hi]" in str(F.TextFrame("hi"))
    assert "reason: bye" in str(F.EndFrame(reason="bye"))
    assert "error: oops" in str(F.ErrorFrame("oops"))
    audio = F.OutputAudioRawFrame(b"\x00" * 32, 16000, 1)
    assert "frames: 16" in str(audio) and "sample_rate: 16000" in str(audio)


@dataclass
class MyDataFrame(DataFrame):
    x: int = 0


@dataclass
class MyTextFrame(TextFrame):
    speaker: str = "bot"
    tags: list[str] = field(default_factory=list)


@dataclass
class MySystemFrame(SystemFrame):
    payload: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.payload.setdefault("seen", True)


def test_user_subclass_of_data_frame() -> None:
    frame = MyDataFrame(x=3)
    assert frame.x == 3 and isinstance(frame, DataFrame)
    assert frame.name.startswith("MyDataFrame#")
    assert frame.broadcast_sibling_id is None and frame.metadata == {}
    assert MyDataFrame().x == 0


def test_user_subclass_of_text_frame_keeps_text_fields() -> None:
    frame = MyTextFrame("hello", speaker="user")
    assert (frame.text, frame.speaker, frame.tags) == ("hello", "user", [])
    assert frame.append_to_context is True and frame.skip_tts is None


def test_user_post_init_chains() -> None:
    frame = MySystemFrame()
    assert frame.payload == {"seen": True}
    assert frame.name.startswith("MySystemFrame#") and frame.pts is None


def test_user_subclass_of_settings_frame() -> None:
    @dataclass
    class VoiceFrame(F.TTSUpdateSettingsFrame):
        priority: int = 0

    frame = VoiceFrame(settings={"voice": "a"}, priority=2)
    assert frame.settings == {"voice": "a"} and frame.priority == 2
    assert isinstance(frame, F.UninterruptibleFrame)


def test_user_subclass_with_uninterruptible_mixin() -> None:
    @dataclass
    class MustArrive(DataFrame, F.UninterruptibleFrame):
        value: str = ""

    frame = MustArrive("v")
    assert frame.value == "v" and isinstance(frame, F.UninterruptibleFrame)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: F.StartInterruptionFrame(), "InterruptionFrame"),
        (lambda: F.StopInterruptionFrame(), "UserStoppedSpeakingFrame"),
        (lambda: F.LLMMessagesFrame([]), "LLMMessagesUpdateFrame"),
        (lambda: F.UserStartedSpeakingFrame(emulated=True), "0.0.99"),
        (lambda: F.UserStoppedSpeakingFrame(emulated=True), "0.0.99"),
    ],
)
def test_deprecated_frames_warn_at_the_caller(build, message: str) -> None:
    with pytest.warns(DeprecationWarning, match=message) as record:
        frame = build()
    assert record[0].filename == __file__
    assert isinstance(frame, F.Frame)


def test_start_interruption_is_an_interruption() -> None:
    with pytest.warns(DeprecationWarning):
        frame = F.StartInterruptionFrame()
    assert isinstance(frame, F.InterruptionFrame) and isinstance(frame, SystemFrame)


def test_current_frames_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.InterruptionFrame()
        F.UserStartedSpeakingFrame()
        F.LLMMessagesUpdateFrame([])
        F.StartFrame(allow_interruptions=True)
