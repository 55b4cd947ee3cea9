"""AudioBufferProcessor: buffering, alignment, merging, chunking, turns, events.

Frames are fed straight into ``process_frame`` (the processor has no neighbours,
so pushing is a no-op); the wall clock is pinned so alignment is deterministic.
"""

from __future__ import annotations

import numpy as np
import pytest
from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    InputAudioRawFrame,
    OutputAudioRawFrame,
    StartFrame,
    TextFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voxpipe.processors.audio.audio_buffer_processor import AudioBufferProcessor
from voxpipe.processors.frame_processor import FrameDirection

DOWN = FrameDirection.DOWNSTREAM
RATE = 16000


def pcm(value: int, n: int) -> bytes:
    return np.full(n, value, dtype="<i2").tobytes()


def samples(data: bytes) -> list[int]:
    return np.frombuffer(data, dtype="<i2").tolist()


def user(value: int, n: int = 4, rate: int = RATE, channels: int = 1) -> InputAudioRawFrame:
    return InputAudioRawFrame(
        audio=pcm(value, n * channels), sample_rate=rate, num_channels=channels
    )


def bot(value: int, n: int = 4, rate: int = RATE) -> OutputAudioRawFrame:
    return OutputAudioRawFrame(audio=pcm(value, n), sample_rate=rate, num_channels=1)


class Recorder:
    """Attaches to every event and keeps what each one received."""

    def __init__(self, processor: AudioBufferProcessor) -> None:
        self.calls: dict[str, list[tuple]] = {
            name: [] for name in processor.event_names if "audio" in name
        }
        for name in self.calls:
            processor.add_event_handler(name, self._handler(name))

    def _handler(self, name: str):
        async def handler(_processor, *args):
            self.calls[name].append(args)

        return handler


class FixedClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


async def started(**kwargs) -> tuple[AudioBufferProcessor, Recorder, FixedClock]:
    processor = AudioBufferProcessor(**kwargs)
    clock = FixedClock()
    processor._now = clock  # type: ignore[method-assign]
    recorder = Recorder(processor)
    await processor.process_frame(
        StartFrame(audio_in_sample_rate=RATE, audio_out_sample_rate=RATE), DOWN
    )
    await processor.start_recording()
    return processor, recorder, clock


async def feed(processor: AudioBufferProcessor, *frames) -> None:
    for frame in frames:
        await processor.process_frame(frame, DOWN)


# -- construction ------------------------------------------------------------------


def test_documented_defaults_and_events() -> None:
    p = AudioBufferProcessor()
    assert p.num_channels == 1
    assert p.sample_rate == 0
    assert {
        "on_audio_data",
        "on_track_audio_data",
        "on_user_turn_audio_data",
        "on_bot_turn_audio_data",
    } <= set(p.event_names)
    assert not p.has_audio()


@pytest.mark.parametrize("kwargs", [{"num_channels": 3}, {"buffer_size": -1}, {"sample_rate": 0}])
def test_invalid_arguments_are_rejected(kwargs) -> None:
    with pytest.raises(ValueError):
        AudioBufferProcessor(**kwargs)


def test_user_continuous_stream_is_deprecated() -> None:
    with pytest.warns(DeprecationWarning, match="user_continuous_stream"):
        AudioBufferProcessor(user_continuous_stream=True)


async def test_sample_rate_comes_from_start_frame_unless_given() -> None:
    p = AudioBufferProcessor()
    await p.process_frame(StartFrame(audio_out_sample_rate=24000), DOWN)
    assert p.sample_rate == 24000
    q = AudioBufferProcessor(sample_rate=8000)
    await q.process_frame(StartFrame(audio_out_sample_rate=24000), DOWN)
    assert q.sample_rate == 8000


# -- recording -----------------------------------------------------------------------


async def test_nothing_is_recorded_before_start_recording() -> None:
    p = AudioBufferProcessor()
    rec = Recorder(p)
    await feed(p, StartFrame(audio_out_sample_rate=RATE), user(5), bot(7))
    assert not p.has_audio()
    await p.stop_recording()
    assert rec.calls["on_audio_data"] == []


async def test_stop_emits_mono_mix_and_tracks() -> None:
    p, rec, _ = await started()
    await feed(p, user(100), bot(20), user(300))
    assert p.has_audio()
    await p.stop_recording()
    # The bot track is padded to the user track before bot audio starts.
    [(user_audio, bot_audio, rate, channels)] = rec.calls["on_track_audio_data"]
    assert samples(user_audio) == [100] * 4 + [300] * 4
    assert samples(bot_audio) == [0] * 4 + [20] * 4
    assert (rate, channels) == (RATE, 1)
    [(merged, rate, channels)] = rec.calls["on_audio_data"]
    assert samples(merged) == [100] * 4 + [320] * 4
    assert (rate, channels) == (RATE, 1)
    assert not p.has_audio()


async def test_stereo_puts_user_left_and_bot_right() -> None:
    p, rec, _ = await started(num_channels=2)
    await feed(p, user(1, 2), bot(2, 2))
    await p.stop_recording()
    [(merged, _, channels)] = rec.calls["on_audio_data"]
    assert channels == 2
    assert samples(merged) == [1, 0, 1, 0, 0, 2, 0, 2]


async def test_shorter_track_is_padded_with_silence_at_emit() -> None:
    p, rec, _ = await started()
    await feed(p, bot(9, 6))
    await p.stop_recording()
    [(user_audio, bot_audio, _, _)] = rec.calls["on_track_audio_data"]
    assert samples(user_audio) == [0] * 6
    assert samples(bot_audio) == [9] * 6


async def test_buffer_size_emits_chunks() -> None:
    p, rec, _ = await started(buffer_size=16)  # 8 samples per track
    for _ in range(5):
        await feed(p, user(1, 4))
    assert len(rec.calls["on_audio_data"]) == 2
    assert all(len(audio) == 16 for audio, _, _ in rec.calls["on_audio_data"])
    await p.stop_recording()
    assert len(rec.calls["on_audio_data"]) == 3
    assert len(rec.calls["on_audio_data"][-1][0]) == 8


async def test_end_and_cancel_frames_stop_recording() -> None:
    for final in (EndFrame(), CancelFrame()):
        p, rec, _ = await started()
        await feed(p, user(1), final)
        assert len(rec.calls["on_audio_data"]) == 1
        await feed(p, user(1))
        assert not p.has_audio()


async def test_other_frames_are_ignored() -> None:
    p, rec, _ = await started()
    await feed(p, TextFrame("hello"))
    await p.stop_recording()
    assert rec.calls["on_audio_data"] == []


async def test_audio_is_resampled_to_the_output_rate() -> None:
    p, rec, _ = await started()
    t = np.arange(8000) / 8000
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype("<i2")
    for i in range(0, 8000, 160):
        await feed(
            p,
            InputAudioRawFrame(audio=tone[i : i + 160].tobytes(), sample_rate=8000, num_channels=1),
        )
    await p.stop_recording()
    [(user_audio, _, rate, _)] = rec.calls["on_track_audio_data"]
    assert rate == RATE
    assert abs(len(user_audio) // 2 - 16000) <= 8  # the resampler tail is flushed at stop


async def test_stereo_input_frames_are_downmixed() -> None:
    p, rec, _ = await started()
    frame = InputAudioRawFrame(
        audio=np.array([10, 30, -4, 0], dtype="<i2").tobytes(), sample_rate=RATE, num_channels=2
    )
    await feed(p, frame)
    await p.stop_recording()
    assert samples(rec.calls["on_track_audio_data"][0][0]) == [20, -2]


async def test_gaps_in_a_stream_are_filled_with_silence() -> None:
    p, rec, clock = await started()
    await feed(p, user(1, 160))  # 10 ms
    clock.t += 1.0  # one second without user audio, e.g. a muted client
    await feed(p, user(2, 160))
    await p.stop_recording()
    user_audio = samples(rec.calls["on_track_audio_data"][0][0])
    # The second chunk sits where it belongs on the timeline: ending at t = 1.0 s.
    assert len(user_audio) == 16000
    assert user_audio[:160] == [1] * 160 and user_audio[-160:] == [2] * 160
    assert set(user_audio[160:-160]) == {0}


# -- turns ----------------------------------------------------------------------------


async def test_turn_audio_is_emitted_per_turn() -> None:
    p, rec, _ = await started(enable_turn_audio=True)
    await feed(
        p,
        user(1),
        UserStartedSpeakingFrame(),
        user(2),
        UserStoppedSpeakingFrame(),
        BotStartedSpeakingFrame(),
        bot(3),
        bot(4),
        BotStoppedSpeakingFrame(),
    )
    [(audio, rate, channels)] = rec.calls["on_user_turn_audio_data"]
    assert samples(audio) == [1] * 4 + [2] * 4  # includes pre-roll before the start frame
    assert (rate, channels) == (RATE, 1)
    [(audio, rate, channels)] = rec.calls["on_bot_turn_audio_data"]
    assert samples(audio) == [3] * 4 + [4] * 4
    assert (rate, channels) == (RATE, 1)


async def test_user_turn_preroll_is_bounded() -> None:
    p, rec, _ = await started(enable_turn_audio=True)
    await feed(p, *[user(1, 1600) for _ in range(30)])  # 3 s of audio before the turn
    await feed(p, UserStartedSpeakingFrame(), UserStoppedSpeakingFrame())
    [(audio, _, _)] = rec.calls["on_user_turn_audio_data"]
    assert len(audio) == 2 * RATE  # one second


async def test_turn_events_need_enable_turn_audio() -> None:
    p, rec, _ = await started()
    await feed(p, UserStartedSpeakingFrame(), user(1), UserStoppedSpeakingFrame())
    await feed(p, BotStartedSpeakingFrame(), bot(1), BotStoppedSpeakingFrame())
    assert rec.calls["on_user_turn_audio_data"] == []
    assert rec.calls["on_bot_turn_audio_data"] == []


async def test_upstream_copies_of_turn_frames_are_ignored() -> None:
    p, rec, _ = await started(enable_turn_audio=True)
    await feed(p, BotStartedSpeakingFrame(), bot(1))
    await p.process_frame(BotStoppedSpeakingFrame(), FrameDirection.UPSTREAM)
    assert rec.calls["on_bot_turn_audio_data"] == []
    await feed(p, BotStoppedSpeakingFrame())
    assert len(rec.calls["on_bot_turn_audio_data"]) == 1
