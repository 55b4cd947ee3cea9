"""LLMTextProcessor: LLM tokens become AggregatedTextFrames, flushed at the end of a response."""

from __future__ import annotations

import pytest

from voxpipe.frames.frames import (
    AggregatedTextFrame,
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    TextFrame,
)
from voxpipe.processors.frame.llm_text_processor import LLMTextProcessor
from voxpipe.tests.utils import run_test
from voxpipe.utils.text.pattern_pair_aggregator import MatchAction, PatternPairAggregator
from voxpipe.utils.text.simple_text_aggregator import SimpleTextAggregator

pytestmark = pytest.mark.timeout(60)


def tokens(text, size=3):
    return [LLMTextFrame(text[i : i + size]) for i in range(0, len(text), size)]


async def test_sentences_come_out_as_aggregated_frames_and_the_rest_is_flushed_at_response_end():
    down, _ = await run_test(
        LLMTextProcessor(),
        frames_to_send=[LLMFullResponseStartFrame(), *tokens("Hello there. How are you? Fine"), LLMFullResponseEndFrame()],
        expected_down_frames=[
            LLMFullResponseStartFrame,
            AggregatedTextFrame,
            AggregatedTextFrame,
            AggregatedTextFrame,
            LLMFullResponseEndFrame,
        ],
    )
    units = [(f.text, str(f.aggregated_by)) for f in down if isinstance(f, AggregatedTextFrame)]
    assert units == [("Hello there.", "sentence"), ("How are you?", "sentence"), ("Fine", "sentence")]


async def test_default_aggregator_is_simple():
    assert isinstance(LLMTextProcessor().text_aggregator, SimpleTextAggregator)


async def test_pattern_spans_are_typed():
    agg = PatternPairAggregator().add_pattern("code", "<code>", "</code>", MatchAction.AGGREGATE)
    down, _ = await run_test(
        LLMTextProcessor(text_aggregator=agg),
        frames_to_send=[*tokens("Try this: <code>print(1)</code> Then run it."), LLMFullResponseEndFrame()],
    )
    units = [(f.text, str(f.aggregated_by)) for f in down if isinstance(f, AggregatedTextFrame)]
    assert units == [("Try this:", "sentence"), ("print(1)", "code"), ("Then run it.", "sentence")]


async def test_end_frame_flushes_too():
    down, _ = await run_test(LLMTextProcessor(), frames_to_send=tokens("No period"), send_end_frame=True)
    assert [f.text for f in down if isinstance(f, AggregatedTextFrame)] == ["No period"]


async def test_interruption_drops_buffered_text():
    down, _ = await run_test(
        LLMTextProcessor(),
        frames_to_send=[LLMTextFrame("Half a sent"), InterruptionFrame(), LLMTextFrame("New."), LLMFullResponseEndFrame()],
    )
    assert [f.text for f in down if isinstance(f, AggregatedTextFrame)] == ["New."]


async def test_other_frames_and_skip_tts_text_pass_through():
    skipped = LLMTextFrame("secret")
    skipped.skip_tts = True
    plain = TextFrame("not llm text")
    down, _ = await run_test(
        LLMTextProcessor(),
        frames_to_send=[LLMTextFrame("Before "), skipped, plain],
    )
    assert down[0].text == "Before" and isinstance(down[0], AggregatedTextFrame)
    assert down[1] is skipped and down[2] is plain
