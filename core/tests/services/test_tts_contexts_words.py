"""TTSService: push_start_frame, reuse_context_id_within_turn, in-stream word timestamps and the text fallback."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.frames.frames import (
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
    TTSTextFrame,
)
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.processors.frame_processor import FrameProcessor
from voxpipe.services._tts_words import HeardTextFrame
from voxpipe.services.tts_service import TTSService
from voxpipe.testing import SleepFrame, drive

pytestmark = pytest.mark.timeout(10)

RATE = 16000
CHUNK = b"\x01\x00" * (RATE // 10)  # 0.1 s


class ScriptTTS(TTSService):
    """Yields ``chunks`` of 0.1 s; optionally its own start frame and word timestamps."""

    def __init__(self, chunks=3, own_start=False, words=None, words_first=True, **kw):
        super().__init__(sample_rate=RATE, **kw)
        self.chunks, self.own_start, self.words, self.words_first = chunks, own_start, words, words_first

    async def run_tts(self, text, context_id):
        if self.own_start:
            yield TTSStartedFrame()
        times = [(w, self.words * i) for i, w in enumerate(text.split())] if self.words else None
        if times and self.words_first:
            await self.add_word_timestamps(times, context_id)
        for _ in range(self.chunks):
            yield self._audio_frame(CHUNK, context_id)
        if times and not self.words_first:
            await self.add_word_timestamps(times, context_id)


class Player(FrameProcessor):
    """Stands in for the output transport: 'plays' each audio frame for 50 ms, in its own lane."""

    own_lane = True

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if isinstance(frame, TTSAudioRawFrame):
            await asyncio.sleep(0.05)
        await self.push_frame(frame, direction)


def kinds(frames, *types):
    return [type(f).__name__ for f in frames if isinstance(f, types or (object,))]


def response(*tokens):
    return [LLMFullResponseStartFrame(), *(LLMTextFrame(t) for t in tokens), LLMFullResponseEndFrame()]


async def test_start_frame_from_run_tts_is_stamped_and_not_duplicated():
    result = await drive(ScriptTTS(own_start=True), [TTSSpeakFrame("Hello there.")])
    started = [f for f in result.downstream if isinstance(f, TTSStartedFrame)]
    assert len(started) == 1
    audio = [f for f in result.downstream if isinstance(f, TTSAudioRawFrame)]
    assert started[0].context_id == audio[0].context_id is not None
    assert kinds(result.downstream)[0] == "TTSStartedFrame"


async def test_default_announces_before_first_output_and_silent_contexts_announce_nothing():
    result = await drive(ScriptTTS(chunks=0, push_text_frames=False), [TTSSpeakFrame("Nothing comes back.")])
    assert kinds(result.downstream, TTSStartedFrame, TTSStoppedFrame) == []
    result = await drive(ScriptTTS(chunks=2), [TTSSpeakFrame("Hi.")])
    assert kinds(result.downstream, TTSStartedFrame, TTSAudioRawFrame, TTSTextFrame, TTSStoppedFrame) == [
        "TTSStartedFrame", "TTSAudioRawFrame", "TTSAudioRawFrame", "TTSTextFrame", "TTSStoppedFrame"
    ]


async def test_push_start_frame_announces_before_the_request():
    tts = ScriptTTS(chunks=0, push_text_frames=False, push_start_frame=True)
    seen = []

    @tts.event_handler("on_tts_request")
    async def _request(service, context_id, text):
        seen.append(len([f for f in result_frames if isinstance(f, TTSStartedFrame)]))

    result_frames: list = []

    class Tap(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            result_frames.append(frame)
            await self.push_frame(frame, direction)

    result = await drive(Pipeline([tts, Tap()]), [TTSSpeakFrame("Silent but announced."), SleepFrame(0.05)])
    assert kinds(result.downstream, TTSStartedFrame, TTSStoppedFrame) == ["TTSStartedFrame", "TTSStoppedFrame"]
    assert seen == [1]  # the start frame was out before the synthesis request


async def test_one_context_per_turn_by_default_one_per_sentence_without_reuse():
    frames = response("One. ", "Two. ", "Three.")
    shared = await drive(ScriptTTS(chunks=1), frames)
    ids = {f.context_id for f in shared.downstream if isinstance(f, TTSAudioRawFrame)}
    assert len(ids) == 1
    assert kinds(shared.downstream, TTSStartedFrame, TTSStoppedFrame) == ["TTSStartedFrame", "TTSStoppedFrame"]

    separate = await drive(ScriptTTS(chunks=1, reuse_context_id_within_turn=False), frames)
    ids = [f.context_id for f in separate.downstream if isinstance(f, TTSAudioRawFrame)]
    assert len(set(ids)) == 3
    assert kinds(separate.downstream, TTSStartedFrame, TTSStoppedFrame) == ["TTSStartedFrame", "TTSStoppedFrame"] * 3
    stops = [f.context_id for f in separate.downstream if isinstance(f, TTSStoppedFrame)]
    assert stops == ids
    assert kinds(separate.downstream)[-1] == "LLMFullResponseEndFrame"


async def test_words_follow_the_audio_that_reaches_their_timestamp():
    tts = ScriptTTS(chunks=3, words=0.12, push_text_frames=False)
    result = await drive(tts, [TTSSpeakFrame("alpha beta gamma")])
    seq = [
        "A" if isinstance(f, TTSAudioRawFrame) else f.text
        for f in result.downstream
        if isinstance(f, (TTSAudioRawFrame, TTSTextFrame))
    ]
    # alpha at 0.00 s, beta at 0.12 s, gamma at 0.24 s; 0.1 s of audio per chunk
    assert seq == ["A", "alpha", "A", "beta", "A", "gamma"]
    assert all(f.aggregated_by == "word" for f in result.downstream if isinstance(f, TTSTextFrame))


async def test_late_timestamps_are_pushed_at_once_and_cumulative_across_sentences():
    tts = ScriptTTS(chunks=2, words=0.05, words_first=False, push_text_frames=False)
    result = await drive(tts, response("Hello there. ", "Bye now."))
    texts = [f.text for f in result.downstream if isinstance(f, TTSTextFrame)]
    assert texts == ["Hello", "there.", "Bye", "now."]
    assert kinds(result.downstream, TTSStoppedFrame) == ["TTSStoppedFrame"]
    before_stop = kinds(result.downstream, TTSTextFrame, TTSStoppedFrame)
    assert before_stop[-1] == "TTSStoppedFrame"


async def test_no_timestamps_commits_the_text_when_the_context_ends():
    tts = ScriptTTS(chunks=2, push_text_frames=False)
    tts.word_timestamps = True  # a word-timestamp provider that sent none this time
    result = await drive(tts, response("Hello there. ", "How are you?"))
    text = [f for f in result.downstream if isinstance(f, TTSTextFrame)]
    assert [f.text for f in text] == ["Hello there. How are you?"]
    assert kinds(result.downstream, TTSAudioRawFrame, TTSTextFrame, TTSStoppedFrame)[-2:] == ["TTSTextFrame", "TTSStoppedFrame"]


async def test_plain_service_without_text_frames_gets_no_fallback():
    result = await drive(ScriptTTS(chunks=1, push_text_frames=False), [TTSSpeakFrame("Quiet.")])
    assert kinds(result.downstream, TTSTextFrame) == []


async def test_interruption_keeps_words_already_played_and_drops_the_rest():
    tts = ScriptTTS(chunks=6, words=0.1, push_text_frames=False)
    result = await drive(
        Pipeline([tts, Player()]),
        [TTSSpeakFrame("one two three four five six"), SleepFrame(0.17), InterruptionFrame(), SleepFrame(0.3)],
    )
    words = [f.text for f in result.downstream if isinstance(f, TTSTextFrame)]
    # ~3 chunks played in 0.17 s: their words came out with them, the others were dropped
    assert words and words == ["one", "two", "three", "four", "five", "six"][: len(words)]
    assert 1 <= len(words) <= 5
    assert not any(isinstance(f, HeardTextFrame) for f in result.downstream)


async def test_interruption_without_timestamps_still_commits_the_text():
    tts = ScriptTTS(chunks=6, push_text_frames=False)
    tts.word_timestamps = True
    result = await drive(
        Pipeline([tts, Player()]),
        [*response("I was saying something long. ", "And")[:3], SleepFrame(0.12), InterruptionFrame(), SleepFrame(0.2)],
    )
    heard = [f for f in result.downstream if isinstance(f, HeardTextFrame)]
    assert [f.text for f in heard] == ["I was saying something long."]
    order = kinds(result.downstream, HeardTextFrame, InterruptionFrame)
    assert order == ["HeardTextFrame", "InterruptionFrame"]


async def test_interruption_before_any_audio_commits_nothing():
    class SlowStart(ScriptTTS):
        async def run_tts(self, text, context_id):
            await asyncio.sleep(0.3)
            yield self._audio_frame(CHUNK, context_id)

    tts = SlowStart(push_text_frames=False)
    tts.word_timestamps = True
    result = await drive(tts, [TTSSpeakFrame("Never heard."), SleepFrame(0.05), InterruptionFrame(), SleepFrame(0.1)])
    assert kinds(result.downstream, TTSTextFrame) == []


async def test_async_audio_without_reuse_stops_each_context_before_the_next_starts():
    tts = ScriptTTS(chunks=1, reuse_context_id_within_turn=False, push_stop_frames=True, stop_frame_timeout_s=0.1)
    result = await drive(tts, [*response("One. ", "Two."), SleepFrame(0.3)])
    seq = kinds(result.downstream, TTSStartedFrame, TTSStoppedFrame)
    assert seq == ["TTSStartedFrame", "TTSStoppedFrame"] * 2
    ids = [f.context_id for f in result.downstream if isinstance(f, (TTSStartedFrame, TTSStoppedFrame))]
    assert ids[0] == ids[1] != ids[2] == ids[3]
