"""AudioBufferProcessor inside a pipeline, via the ``run_test`` harness."""

from __future__ import annotations

import numpy as np
import pytest
from voxpipe.frames.frames import InputAudioRawFrame, OutputAudioRawFrame, TextFrame
from voxpipe.processors.audio.audio_buffer_processor import AudioBufferProcessor

utils = pytest.importorskip("voxpipe.tests.utils", reason="voxpipe.tests.utils not written yet")


async def test_frames_pass_through_and_end_frame_flushes_the_recording() -> None:
    processor = AudioBufferProcessor(sample_rate=16000)
    processor._now = lambda: 0.0  # type: ignore[method-assign]  # pin the timeline
    received: list[tuple[bytes, int, int]] = []

    @processor.event_handler("on_audio_data")
    async def on_audio_data(_buffer, audio: bytes, sample_rate: int, num_channels: int) -> None:
        received.append((audio, sample_rate, num_channels))

    await processor.start_recording()
    user = np.full(160, 100, dtype="<i2").tobytes()
    bot = np.full(160, 20, dtype="<i2").tobytes()
    await utils.run_test(
        processor,
        frames_to_send=[
            InputAudioRawFrame(audio=user, sample_rate=16000, num_channels=1),
            OutputAudioRawFrame(audio=bot, sample_rate=16000, num_channels=1),
            TextFrame("passes through"),
        ],
        expected_down_frames=[InputAudioRawFrame, OutputAudioRawFrame, TextFrame],
    )
    [(audio, sample_rate, num_channels)] = received
    assert (sample_rate, num_channels) == (16000, 1)
    assert np.frombuffer(audio, dtype="<i2").tolist() == [100] * 160 + [20] * 160
