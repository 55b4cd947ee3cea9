"""STTService and SegmentedSTTService with fake providers."""

from __future__ import annotations

import asyncio
import io
import wave

import pytest

from voxpipe.frames.frames import (
    ErrorFrame,
    InputAudioRawFrame,
    MetricsFrame,
    STTMetadataFrame,
    STTMuteFrame,
    STTUpdateSettingsFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.metrics.metrics import TTFBMetricsData
from voxpipe.pipeline.task import PipelineParams
from voxpipe.services.settings import STTSettings
from voxpipe.services.stt_service import SegmentedSTTService, STTService
from voxpipe.testing import SleepFrame, drive
from voxpipe.tests.utils import run_test

pytestmark = pytest.mark.timeout(10)

RATE = 16000


def audio(ms: int = 20, value: int = 1) -> InputAudioRawFrame:
    n = RATE * ms // 1000
    return InputAudioRawFrame(audio=value.to_bytes(2, "little", signed=True) * n, sample_rate=RATE, num_channels=1)


class FakeSTT(STTService):
    """Yields one transcript every ``every`` chunks; raises on an odd marker."""

    def __init__(self, every: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.every = every
        self.chunks: list[bytes] = []
        self.keepalives: list[bytes] = []

    async def run_stt(self, audio: bytes):
        if audio[:2] == b"\xff\xff":
            raise RuntimeError("provider hiccup")
        self.chunks.append(audio)
        yield None
        if len(self.chunks) % self.every == 0:
            yield TranscriptionFrame(text=f"t{len(self.chunks)}", user_id="u", timestamp="now")

    async def _send_keepalive(self, silence: bytes) -> None:
        self.keepalives.append(silence)


def ttfb_of(frames):
    return [d for m in of(frames, MetricsFrame) for d in m.data if isinstance(d, TTFBMetricsData)]


def of(frames, cls):
    return [f for f in frames if isinstance(f, cls)]


async def test_audio_passes_through_and_transcripts_follow():
    stt = FakeSTT()
    down, _ = await run_test(stt, frames_to_send=[audio(), audio(), audio()])
    # Audio is a system frame and may overtake the transcript (a data frame) on its way out.
    assert len(of(down, InputAudioRawFrame)) == 3
    assert [f.text for f in of(down, TranscriptionFrame)] == ["t3"]
    assert len(of(down, STTMetadataFrame)) == 1
    assert stt.sample_rate == RATE


async def test_no_passthrough_and_explicit_sample_rate():
    stt = FakeSTT(audio_passthrough=False, sample_rate=8000, ttfs_p99_latency=0.35)
    down, _ = await run_test(stt, frames_to_send=[audio(), audio(), audio()])
    assert [type(f) for f in down] == [STTMetadataFrame, TranscriptionFrame]
    assert down[0].ttfs_p99_latency == 0.35 and stt.sample_rate == 8000


async def test_run_stt_error_becomes_error_frame_and_service_continues():
    stt = FakeSTT(every=1)
    down, up = await run_test(stt, frames_to_send=[audio(value=-1), audio()])
    assert len(of(up, ErrorFrame)) == 1 and "provider hiccup" in up[0].error and not up[0].fatal
    assert [f.text for f in of(down, TranscriptionFrame)] == ["t1"]


async def test_mute_withholds_audio_from_provider():
    stt = FakeSTT(every=100)
    await run_test(stt, frames_to_send=[audio(), STTMuteFrame(mute=True), audio(), audio(), STTMuteFrame(mute=False), audio()])
    assert len(stt.chunks) == 2


async def test_settings_update_changes_language():
    stt = FakeSTT(settings=STTSettings(language="en"))
    down, _ = await run_test(stt, frames_to_send=[STTUpdateSettingsFrame(delta=STTSettings(language="fr"))])
    assert stt.settings.language == "fr"
    assert not of(down, STTUpdateSettingsFrame)


async def test_ttfb_measured_from_vad_stop_to_final_transcript():
    stt = FakeSTT(every=2)
    frames = [VADUserStartedSpeakingFrame(), audio(), VADUserStoppedSpeakingFrame(), SleepFrame(0.05), audio()]
    res = await drive(stt, frames, params=PipelineParams(enable_metrics=True))
    ttfb = ttfb_of(res.downstream)
    assert len(ttfb) == 1 and 0.04 <= ttfb[0].value < 1.0


async def test_ttfb_not_reported_after_timeout():
    stt = FakeSTT(every=2, stt_ttfb_timeout=0.01)
    frames = [audio(), VADUserStoppedSpeakingFrame(), SleepFrame(0.05), audio()]
    res = await drive(stt, frames, params=PipelineParams(enable_metrics=True))
    assert not ttfb_of(res.downstream)


async def test_keepalive_sent_while_idle():
    stt = FakeSTT(keepalive_timeout=0.05, keepalive_interval=0.05)
    await run_test(stt, frames_to_send=[audio(), SleepFrame(0.22)])
    assert 2 <= len(stt.keepalives) <= 5
    assert stt.keepalives[0] == bytes(RATE * 2 // 10)


class FakeSegmented(SegmentedSTTService):
    def __init__(self, text: str = "hello", **kwargs):
        super().__init__(**kwargs)
        self.text = text
        self.wavs: list[bytes] = []

    async def run_stt(self, audio: bytes):
        self.wavs.append(audio)
        await asyncio.sleep(0.02)  # a slow provider
        yield TranscriptionFrame(text=self.text, user_id="", timestamp="")


def read_wav(data: bytes) -> tuple[int, int, int]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    with wave.open(io.BytesIO(data)) as w:
        return w.getframerate(), w.getnchannels(), w.getnframes()


async def test_segmented_gets_one_wav_per_vad_segment_with_pre_roll():
    stt = FakeSegmented(pre_roll_secs=0.1)
    silence = [audio(ms=100, value=0) for _ in range(5)]  # 0.5 s before speech; 0.1 s kept
    speech = [audio(ms=100, value=7) for _ in range(3)]
    frames = [*silence, VADUserStartedSpeakingFrame(), *speech, VADUserStoppedSpeakingFrame(),
              audio(), VADUserStartedSpeakingFrame(), audio(ms=100), VADUserStoppedSpeakingFrame()]
    down, _ = await run_test(stt, frames_to_send=frames)
    assert len(stt.wavs) == 2
    rate, channels, n = read_wav(stt.wavs[0])
    assert (rate, channels) == (RATE, 1)
    assert n == RATE * 4 // 10  # 0.1 s pre-roll + 0.3 s of speech
    assert read_wav(stt.wavs[1])[2] == RATE * 120 // 1000  # 20 ms pre-roll + 100 ms
    assert [f.text for f in of(down, TranscriptionFrame)] == ["hello", "hello"]
    # a segment is transcribed once, so its transcript is final
    assert all(f.finalized for f in of(down, TranscriptionFrame))
    # transcripts come after the VAD stop that closed their segment
    kinds = [type(f) for f in down if not isinstance(f, InputAudioRawFrame)]
    assert kinds.index(TranscriptionFrame) > kinds.index(VADUserStoppedSpeakingFrame)


async def test_segmented_drops_empty_transcripts_by_default():
    frames = [VADUserStartedSpeakingFrame(), audio(), VADUserStoppedSpeakingFrame()]
    down, _ = await run_test(FakeSegmented(text=" "), frames_to_send=frames)
    assert not of(down, TranscriptionFrame)
    down, _ = await run_test(FakeSegmented(text="", push_empty_transcripts=True), frames_to_send=frames)
    assert len(of(down, TranscriptionFrame)) == 1


async def test_segmented_ignores_audio_while_muted_and_without_vad():
    stt = FakeSegmented()
    frames = [audio(), STTMuteFrame(mute=True), VADUserStartedSpeakingFrame(), audio(), VADUserStoppedSpeakingFrame()]
    await run_test(stt, frames_to_send=frames)
    assert read_wav(stt.wavs[0])[2] == RATE * 20 // 1000  # only the pre-roll from before the mute
