"""TranscriptionLogObserver logs final and interim transcripts from STT services, once each."""

from __future__ import annotations

import logging

import pytest

from voxpipe.frames.frames import InterimTranscriptionFrame, TextFrame, TranscriptionFrame
from voxpipe.observers.base_observer import FramePushed
from voxpipe.observers.loggers.transcription_log_observer import TranscriptionLogObserver
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.services.stt_service import STTService

pytestmark = pytest.mark.timeout(60)


class FakeSTT(STTService):
    async def run_stt(self, audio):
        if False:
            yield None


async def test_logs_transcripts_from_stt_only(caplog):
    stt, nxt = FakeSTT(name="stt"), FrameProcessor(name="agg")
    obs = TranscriptionLogObserver()
    final = TranscriptionFrame("Hello there", user_id="u1", timestamp="")
    with caplog.at_level(logging.INFO, logger="voxpipe"):
        await obs.on_push_frame(FramePushed(stt, nxt, InterimTranscriptionFrame("Hel", user_id="u1", timestamp=""), FrameDirection.DOWNSTREAM, 2_000_000_000))
        await obs.on_push_frame(FramePushed(stt, nxt, final, FrameDirection.DOWNSTREAM, 2_500_000_000))
        await obs.on_push_frame(FramePushed(stt, nxt, final, FrameDirection.DOWNSTREAM, 2_600_000_000))
        await obs.on_push_frame(FramePushed(nxt, stt, TranscriptionFrame("x", user_id="u", timestamp=""), FrameDirection.DOWNSTREAM, 0))
        await obs.on_push_frame(FramePushed(stt, nxt, TextFrame("not a transcript"), FrameDirection.DOWNSTREAM, 0))
    assert [r.getMessage() for r in caplog.records] == [
        "💬 stt → INTERIM TRANSCRIPTION: 'Hel' from 'u1' at 2.00s",
        "💬 stt → TRANSCRIPTION: 'Hello there' from 'u1' at 2.50s",
    ]
