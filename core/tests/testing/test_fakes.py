"""The fakes behave like the services they stand in for where tests rely on it."""

from __future__ import annotations

import pytest

from voxpipe.frames.frames import (
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    TTSAudioRawFrame,
    TTSTextFrame,
)
from voxpipe.testing.fakes import FakeTTSService
from voxpipe.tests.utils import run_test

pytestmark = pytest.mark.timeout(10)


async def test_fake_tts_does_not_speak_text_marked_skip_tts():
    hidden = LLMTextFrame("Thinking it over. ")
    hidden.skip_tts = True
    frames = [LLMFullResponseStartFrame(), hidden, LLMTextFrame("Paris. "), LLMFullResponseEndFrame()]
    down, _ = await run_test(FakeTTSService(), frames_to_send=frames)
    spoken = [f.text for f in down if isinstance(f, TTSTextFrame)]
    assert spoken == ["Paris."]
    assert any(isinstance(f, LLMTextFrame) and f.skip_tts for f in down)  # passed on, unspoken
    assert any(isinstance(f, TTSAudioRawFrame) for f in down)
