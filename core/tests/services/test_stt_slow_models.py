"""Slow (local) STT models: the EndFrame wait and the TTFB window are bounded, and exceeding them is logged.

A local model on a busy 2-core machine can take longer than ``end_timeout_secs``
or ``stt_ttfb_timeout``. Transcripts that exist are always pushed; what is
given up is said out loud.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from voxpipe.frames.frames import (
    InputAudioRawFrame,
    MetricsFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.metrics.metrics import TTFBMetricsData
from voxpipe.pipeline.task import PipelineParams
from voxpipe.services.stt_service import SegmentedSTTService
from voxpipe.testing import SleepFrame, drive

pytestmark = pytest.mark.timeout(10)

RATE = 16000


def speech(ms: int = 100) -> InputAudioRawFrame:
    return InputAudioRawFrame(audio=b"\x07\x00" * (RATE * ms // 1000), sample_rate=RATE, num_channels=1)


def utterance(ms: int = 200) -> list:
    return [VADUserStartedSpeakingFrame(), speech(ms), VADUserStoppedSpeakingFrame()]


class SlowModel(SegmentedSTTService):
    """Takes ``delays[i]`` seconds for the i-th segment."""

    def __init__(self, delays, **kwargs):
        super().__init__(**kwargs)
        self.delays = list(delays)
        self.done = 0

    async def run_stt(self, audio: bytes):
        await asyncio.sleep(self.delays.pop(0))
        self.done += 1
        yield TranscriptionFrame(text=f"utterance {self.done}", user_id="", timestamp="")


def transcripts(frames) -> list[str]:
    return [f.text for f in frames if isinstance(f, TranscriptionFrame)]


async def test_end_frame_waits_for_queued_segments_within_end_timeout():
    stt = SlowModel([0.15, 0.15], end_timeout_secs=2.0)
    result = await drive(stt, [*utterance(), *utterance()])
    assert transcripts(result.downstream) == ["utterance 1", "utterance 2"]


async def test_end_timeout_exceeded_keeps_finished_transcripts_and_warns_about_the_rest(caplog):
    stt = SlowModel([0.05, 1.0, 1.0], end_timeout_secs=0.3)
    with caplog.at_level(logging.WARNING, logger="voxpipe"):
        result = await drive(stt, [*utterance(300), *utterance(200), *utterance(100)])
    assert transcripts(result.downstream) == ["utterance 1"]
    [record] = [r for r in caplog.records if "end_timeout_secs" in r.getMessage()]
    message = record.getMessage()
    assert record.levelno == logging.WARNING
    assert "end_timeout_secs=0.3s" in message
    assert "one of 0.2s in progress" in message  # the second utterance (200 ms)
    assert "1 queued (0.1s of audio)" in message  # the third (100 ms)


async def test_late_transcript_is_pushed_without_ttfb_and_logged_once(caplog):
    stt = SlowModel([0.2, 0.2], stt_ttfb_timeout=0.05)
    params = PipelineParams(enable_metrics=True)
    with caplog.at_level(logging.DEBUG, logger="voxpipe"):
        result = await drive(stt, [*utterance(), SleepFrame(0.3), *utterance(), SleepFrame(0.3)], params=params)
    assert transcripts(result.downstream) == ["utterance 1", "utterance 2"]
    ttfb = [d for f in result.downstream if isinstance(f, MetricsFrame) for d in f.data if isinstance(d, TTFBMetricsData)]
    assert ttfb == []
    late = [r for r in caplog.records if "TTFB not reported" in r.getMessage()]
    assert [r.levelno for r in late] == [logging.WARNING, logging.DEBUG]
    assert "stt_ttfb_timeout=0.05s" in late[0].getMessage()


async def test_transcript_within_the_window_is_measured_and_not_logged(caplog):
    stt = SlowModel([0.05])
    with caplog.at_level(logging.DEBUG, logger="voxpipe"):
        result = await drive(stt, [*utterance(), SleepFrame(0.2)], params=PipelineParams(enable_metrics=True))
    ttfb = [d for f in result.downstream if isinstance(f, MetricsFrame) for d in f.data if isinstance(d, TTFBMetricsData)]
    assert len(ttfb) == 1
    assert not [r for r in caplog.records if "stt_ttfb_timeout" in r.getMessage()]

