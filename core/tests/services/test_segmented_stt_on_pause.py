"""SegmentedSTTService(transcribe_on_pause=True): transcribing from the pause, not the stop."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.frames.frames import (
    ErrorFrame,
    InputAudioRawFrame,
    STTMuteFrame,
    TranscriptionFrame,
    VADUserSpeechPausedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.services.stt_service import SegmentedSTTService
from voxpipe.testing import SleepFrame
from voxpipe.tests.utils import run_test

pytestmark = pytest.mark.timeout(10)

RATE = 16000


def audio(ms: int = 20, value: int = 7) -> InputAudioRawFrame:
    n = RATE * ms // 1000
    return InputAudioRawFrame(audio=value.to_bytes(2, "little", signed=True) * n, sample_rate=RATE, num_channels=1)


def speech(ms: int) -> list[InputAudioRawFrame]:
    return [audio() for _ in range(ms // 20)]


def silence(ms: int) -> list[InputAudioRawFrame]:
    return [audio(value=0) for _ in range(ms // 20)]


class RecordingSTT(SegmentedSTTService):
    """Transcribes a segment as its length in ms; notes when each call started."""

    def __init__(self, latency: float = 0.05, fail_first: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.latency = latency
        self.fail_first = fail_first
        self.calls: list[int] = []  # segment lengths in ms, in call order

    async def run_stt(self, audio: bytes):
        ms = (len(audio) - 44) * 1000 // (2 * RATE)
        self.calls.append(ms)
        await asyncio.sleep(self.latency)
        if self.fail_first and len(self.calls) == 1:
            raise RuntimeError("provider hiccup")
        yield TranscriptionFrame(text=f"{ms}ms", user_id="", timestamp="")


def texts(frames) -> list[str]:
    return [f.text for f in frames if isinstance(f, TranscriptionFrame)]


def stop() -> VADUserStoppedSpeakingFrame:
    return VADUserStoppedSpeakingFrame(stop_secs=0.2)


async def test_transcription_starts_at_the_pause_and_is_pushed_after_the_stop():
    stt = RecordingSTT(pre_roll_secs=0, transcribe_on_pause=True)
    frames = [VADUserStartedSpeakingFrame(), *speech(500), VADUserSpeechPausedFrame(),
              SleepFrame(0.1), *silence(200), stop(), SleepFrame(0.05)]
    down, _ = await run_test(stt, frames_to_send=frames)
    assert stt.calls == [500]  # once, from the pause: the stop did not transcribe again
    assert texts(down) == ["500ms"]
    kinds = [type(f) for f in down if not isinstance(f, InputAudioRawFrame)]
    assert kinds.index(TranscriptionFrame) > kinds.index(VADUserStoppedSpeakingFrame)


async def test_the_stop_waits_for_a_pause_transcript_still_running():
    stt = RecordingSTT(latency=0.3, pre_roll_secs=0, transcribe_on_pause=True)
    frames = [VADUserStartedSpeakingFrame(), *speech(300), VADUserSpeechPausedFrame(), *silence(200), stop()]
    down, _ = await run_test(stt, frames_to_send=frames)
    assert stt.calls == [300] and texts(down) == ["300ms"]


async def test_speech_after_the_pause_makes_its_transcript_stale():
    stt = RecordingSTT(pre_roll_secs=0, transcribe_on_pause=True)
    # No second pause before the stop (as after a VAD reset): the audio after the pause is
    # far longer than the stop's silence, so the user spoke again and the segment is redone.
    frames = [VADUserStartedSpeakingFrame(), *speech(300), VADUserSpeechPausedFrame(), SleepFrame(0.1),
              *speech(600), stop(), SleepFrame(0.1)]
    down, _ = await run_test(stt, frames_to_send=frames)
    assert stt.calls == [300, 900]
    assert texts(down) == ["900ms"]


async def test_the_last_pause_before_the_stop_is_the_one_used():
    stt = RecordingSTT(pre_roll_secs=0, transcribe_on_pause=True)
    frames = [VADUserStartedSpeakingFrame(), *speech(300), VADUserSpeechPausedFrame(), SleepFrame(0.1),
              *speech(300), VADUserSpeechPausedFrame(), SleepFrame(0.1), *silence(200), stop(),
              SleepFrame(0.05)]
    down, _ = await run_test(stt, frames_to_send=frames)
    assert stt.calls == [300, 600]
    assert texts(down) == ["600ms"]


async def test_a_failed_pause_transcript_is_redone_at_the_stop_without_an_error():
    stt = RecordingSTT(pre_roll_secs=0, transcribe_on_pause=True, fail_first=True)
    frames = [VADUserStartedSpeakingFrame(), *speech(300), VADUserSpeechPausedFrame(), SleepFrame(0.1),
              *silence(200), stop(), SleepFrame(0.1)]
    down, up = await run_test(stt, frames_to_send=frames)
    assert stt.calls == [300, 500] and texts(down) == ["500ms"]
    assert not [f for f in up if isinstance(f, ErrorFrame)]


async def test_pauses_are_ignored_unless_asked_for_and_while_muted():
    frames = [VADUserStartedSpeakingFrame(), *speech(300), VADUserSpeechPausedFrame(), SleepFrame(0.1),
              *silence(200), stop(), SleepFrame(0.1)]
    plain = RecordingSTT(pre_roll_secs=0)
    down, _ = await run_test(plain, frames_to_send=frames)
    assert plain.calls == [500] and texts(down) == ["500ms"]
    muted = RecordingSTT(pre_roll_secs=0, transcribe_on_pause=True)
    await run_test(muted, frames_to_send=[STTMuteFrame(mute=True), *frames])
    assert muted.calls == []


async def test_a_new_utterance_drops_the_previous_pause_transcript():
    stt = RecordingSTT(latency=0.2, pre_roll_secs=0, transcribe_on_pause=True)
    frames = [VADUserStartedSpeakingFrame(), *speech(300), VADUserSpeechPausedFrame(),
              VADUserStartedSpeakingFrame(), *speech(100), VADUserSpeechPausedFrame(), *silence(200), stop(),
              SleepFrame(0.05)]
    down, _ = await run_test(stt, frames_to_send=frames)
    assert texts(down) == ["400ms"]  # one transcript: the first attempt was cancelled, not pushed


async def test_cancel_while_a_pause_transcript_runs_leaves_no_task(caplog):
    from voxpipe.frames.frames import CancelFrame

    stt = RecordingSTT(latency=5, pre_roll_secs=0, transcribe_on_pause=True)
    frames = [VADUserStartedSpeakingFrame(), *speech(300), VADUserSpeechPausedFrame(), SleepFrame(0.05),
              CancelFrame()]
    await run_test(stt, frames_to_send=frames, send_end_frame=False)
    assert stt.calls == [300]
    assert not [t for t in asyncio.all_tasks() if "early-transcript" in t.get_name()]
