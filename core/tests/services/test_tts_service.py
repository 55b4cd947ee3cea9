"""TTSService with a fake provider: frame order, aggregation, interruption, pause, transforms."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.frames.frames import (
    AggregatedTextFrame,
    BotStoppedSpeakingFrame,
    ErrorFrame,
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    MetricsFrame,
    TextFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
    TTSTextFrame,
    TTSUpdateSettingsFrame,
)
from voxpipe.metrics.metrics import TTFBMetricsData
from voxpipe.pipeline.task import PipelineParams
from voxpipe.services.settings import TTSSettings
from voxpipe.services.tts_service import TextAggregationMode, TTSService
from voxpipe.testing import SleepFrame, drive
from voxpipe.tests.utils import run_test

pytestmark = pytest.mark.timeout(10)


class FakeTTS(TTSService):
    """Two 10 ms chunks per request, with a small delay before each."""

    def __init__(self, chunks: int = 2, delay: float = 0.01, **kwargs):
        super().__init__(**kwargs)
        self.requests: list[str] = []
        self.chunks = chunks
        self.delay = delay
        self.interrupted: list[str | None] = []

    async def run_tts(self, text: str, context_id: str):
        if text.startswith("boom"):
            raise RuntimeError("provider down")
        self.requests.append(text)
        for _ in range(self.chunks):
            await asyncio.sleep(self.delay)
            yield self._audio_frame(b"\x01\x00" * (self.sample_rate // 100), context_id)

    async def _on_tts_interrupted(self, context_id):
        self.interrupted.append(context_id)


def names(frames):
    return [type(f).__name__ for f in frames]


def llm_response(*tokens: str):
    return [LLMFullResponseStartFrame(), *(LLMTextFrame(t) for t in tokens), LLMFullResponseEndFrame()]


async def test_frame_order_for_one_response():
    tts = FakeTTS()
    down, _ = await run_test(tts, frames_to_send=llm_response("Hello ", "there. ", "How are", " you?"))
    assert names(down) == [
        "LLMFullResponseStartFrame",
        "TTSStartedFrame",
        "TTSAudioRawFrame", "TTSAudioRawFrame", "TTSTextFrame",
        "TTSAudioRawFrame", "TTSAudioRawFrame", "TTSTextFrame",
        "TTSStoppedFrame",
        "LLMFullResponseEndFrame",
    ]
    assert tts.requests == ["Hello there.", "How are you?"]
    ctx = {f.context_id for f in down if isinstance(f, (TTSStartedFrame, TTSAudioRawFrame, TTSTextFrame, TTSStoppedFrame))}
    assert len(ctx) == 1 and None not in ctx
    audio = [f for f in down if isinstance(f, TTSAudioRawFrame)]
    assert all(f.sample_rate == 24000 for f in audio)  # pipeline default output rate
    assert [f.text for f in down if isinstance(f, TTSTextFrame)] == ["Hello there.", "How are you?"]


async def test_sentence_splitting_keeps_numbers_and_abbreviations():
    tts = FakeTTS(chunks=1, delay=0)
    await run_test(tts, frames_to_send=llm_response("Dr. Smith paid ", "3", ".", "50 for ", "e.g. tea. ", "Then `a.b` ran."))
    assert tts.requests == ["Dr. Smith paid 3.50 for e.g. tea.", "Then `a.b` ran."]


async def test_token_mode_sends_each_token():
    tts = FakeTTS(chunks=1, delay=0, text_aggregation_mode=TextAggregationMode.TOKEN)
    await run_test(tts, frames_to_send=llm_response("Hi", " there", "."))
    assert tts.requests == ["Hi", " there", "."]


async def test_deprecated_aggregate_sentences_maps_to_token_mode():
    with pytest.warns(DeprecationWarning, match="text_aggregation_mode"):
        tts = FakeTTS(aggregate_sentences=False)
    assert tts.text_aggregation_mode is TextAggregationMode.TOKEN


async def test_tts_speak_frame_is_its_own_context():
    tts = FakeTTS(chunks=1, delay=0)
    down, _ = await run_test(tts, frames_to_send=[TTSSpeakFrame("Welcome aboard. Enjoy"), TTSSpeakFrame("Bye")])
    assert names(down) == ["TTSStartedFrame", "TTSAudioRawFrame", "TTSTextFrame", "TTSStoppedFrame"] * 2
    assert tts.requests == ["Welcome aboard. Enjoy", "Bye"]
    assert down[0].context_id != down[4].context_id


async def test_on_tts_request_event_and_trailing_space():
    tts = FakeTTS(chunks=1, delay=0, append_trailing_space=True)
    seen = []

    @tts.event_handler("on_tts_request")
    async def on_request(service, context_id, text):
        seen.append((service, context_id, text))

    down, _ = await run_test(tts, frames_to_send=[TTSSpeakFrame("Hi")])
    assert seen == [(tts, down[0].context_id, "Hi ")]


async def test_interruption_stops_audio_mid_sentence():
    tts = FakeTTS(chunks=20, delay=0.02)  # 0.4 s of synthesis
    frames = [LLMFullResponseStartFrame(), LLMTextFrame("A long sentence. "), LLMTextFrame("Pending text"),
              SleepFrame(0.1), InterruptionFrame(), SleepFrame(0.2), TTSSpeakFrame("After.")]
    down, _ = await run_test(tts, frames_to_send=frames)
    cut = next(i for i, f in enumerate(down) if isinstance(f, InterruptionFrame))
    before = [f for f in down[:cut] if isinstance(f, TTSAudioRawFrame)]
    assert 1 <= len(before) < 20
    after = down[cut + 1:]
    first_ctx = before[0].context_id
    assert not [f for f in after if isinstance(f, TTSAudioRawFrame) and f.context_id == first_ctx]
    # pending text was dropped; the next utterance is spoken normally
    assert tts.requests == ["A long sentence.", "After."]
    assert names(after)[0] == "TTSStartedFrame" and len([f for f in after if isinstance(f, TTSAudioRawFrame)]) == 20
    assert tts.interrupted == [first_ctx]


async def test_late_audio_of_an_interrupted_context_is_dropped():
    tts = FakeTTS(chunks=1, delay=0)
    await run_test(tts, frames_to_send=[TTSSpeakFrame("x")])
    assert not tts.audio_context_active("some-old-context")
    assert tts.audio_context_active(None)


async def test_run_tts_error_is_reported_and_service_continues():
    tts = FakeTTS(chunks=1, delay=0)
    down, up = await run_test(tts, frames_to_send=[TTSSpeakFrame("boom"), TTSSpeakFrame("ok")])
    errors = [f for f in up if isinstance(f, ErrorFrame)]
    assert len(errors) == 1 and "provider down" in errors[0].error and not errors[0].fatal
    assert tts.requests == ["ok"]


async def test_text_transforms_filters_and_skip_types():
    async def spell(text, kind):
        return " ".join(text)

    async def shout(text, kind):
        return text.upper()

    class DropHash:
        def filter(self, text):
            return text.replace("#", "")

    tts = FakeTTS(chunks=1, delay=0, text_transforms=[("phone_number", spell), ("*", shout)],
                  text_filters=[DropHash()], skip_aggregator_types=["json"])
    frames = [AggregatedTextFrame("123", aggregated_by="phone_number"),
              AggregatedTextFrame('{"a": 1}', aggregated_by="json"),
              TextFrame("#hi there.")]
    down, _ = await run_test(tts, frames_to_send=frames)
    assert tts.requests == ["1 2 3", "HI THERE."]
    passed = [f for f in down if type(f) is AggregatedTextFrame]
    assert [f.aggregated_by for f in passed] == ["json"]


async def test_push_text_frames_off_and_silence_after_stop():
    tts = FakeTTS(chunks=1, delay=0, push_text_frames=False, push_silence_after_stop=True, silence_time_s=0.1)
    down, _ = await run_test(tts, frames_to_send=[TTSSpeakFrame("Hi")])
    assert names(down) == ["TTSStartedFrame", "TTSAudioRawFrame", "TTSStoppedFrame", "TTSAudioRawFrame"]
    assert down[-1].audio == bytes(2 * 2400)


async def test_push_stop_frames_after_idle_timeout():
    tts = FakeTTS(chunks=1, delay=0, push_stop_frames=True, stop_frame_timeout_s=0.05)
    down, _ = await run_test(tts, frames_to_send=[TTSSpeakFrame("Hi"), SleepFrame(0.15)])
    assert names(down) == ["TTSStartedFrame", "TTSAudioRawFrame", "TTSTextFrame", "TTSStoppedFrame"]


async def test_pause_frame_processing_waits_for_bot_stopped_speaking():
    tts = FakeTTS(chunks=1, delay=0, pause_frame_processing=True, stop_frame_timeout_s=5.0)
    frames = [TTSSpeakFrame("One"), TTSSpeakFrame("Two"), SleepFrame(0.15)]
    res = await drive(tts, [*frames, BotStoppedSpeakingFrame(), SleepFrame(0.05), BotStoppedSpeakingFrame()])
    assert tts.requests == ["One", "Two"]
    stopped = next(i for i, f in enumerate(res.downstream) if isinstance(f, BotStoppedSpeakingFrame))
    second_start = [i for i, f in enumerate(res.downstream) if isinstance(f, TTSStartedFrame)][1]
    assert stopped < second_start


async def test_pause_is_bounded_without_bot_stopped_speaking():
    tts = FakeTTS(chunks=1, delay=0, pause_frame_processing=True, stop_frame_timeout_s=0.05)
    down, _ = await run_test(tts, frames_to_send=[TTSSpeakFrame("One"), TTSSpeakFrame("Two"), SleepFrame(0.3)])
    assert tts.requests == ["One", "Two"]


async def test_settings_update_and_set_voice():
    tts = FakeTTS(settings=TTSSettings(voice="a"))
    await run_test(tts, frames_to_send=[TTSUpdateSettingsFrame(delta=TTSSettings(voice="b"))])
    assert tts.settings.voice == "b"
    tts.set_voice("c")
    assert tts.settings.voice == "c"


async def test_ttfb_from_request_to_first_audio():
    tts = FakeTTS(chunks=2, delay=0.03)
    res = await drive(tts, [TTSSpeakFrame("Hi")], params=PipelineParams(enable_metrics=True))
    ttfb = [d for f in res.downstream if isinstance(f, MetricsFrame) for d in f.data if isinstance(d, TTFBMetricsData)]
    assert len(ttfb) == 1 and 0.025 <= ttfb[0].value < 0.5


class WordTTS(FakeTTS):
    async def run_tts(self, text, context_id):
        yield self._audio_frame(b"\x00\x00" * 2400, context_id)
        await self.add_word_timestamps([(w, 0.03 * i) for i, w in enumerate(text.split())], context_id)


async def test_word_timestamps_push_words_in_time():
    tts = WordTTS(push_text_frames=False)
    down, _ = await run_test(tts, frames_to_send=[TTSSpeakFrame("one two three"), SleepFrame(0.2)])
    words = [f for f in down if isinstance(f, TTSTextFrame)]
    assert [w.text for w in words] == ["one", "two", "three"]
    assert all(w.aggregated_by == "word" for w in words)


async def test_word_timestamps_flushed_at_end():
    tts = WordTTS(push_text_frames=False)
    down, _ = await run_test(tts, frames_to_send=[TTSSpeakFrame("alpha beta")])
    assert [f.text for f in down if isinstance(f, TTSTextFrame)] == ["alpha", "beta"]
