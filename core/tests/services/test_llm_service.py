"""LLMService: response frames, metrics, settings, timeouts and retry, interruption, run_inference."""

from __future__ import annotations

import asyncio
import time

import pytest
from test_llm_fakes import FakeLLM, PushingFakeLLM, Turn, context_frame, texts

from voxpipe.frames.frames import (
    ErrorFrame,
    InterruptionFrame,
    LLMConfigureOutputFrame,
    LLMContextSummaryRequestFrame,
    LLMContextSummaryResultFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMMessagesFrame,
    LLMTextFrame,
    LLMUpdateSettingsFrame,
    MetricsFrame,
)
from voxpipe.metrics.metrics import (
    LLMTokenUsage,
    LLMUsageMetricsData,
    ProcessingMetricsData,
    TTFBMetricsData,
)
from voxpipe.pipeline.task import PipelineParams
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.services.llm_service import LLMService
from voxpipe.tests.utils import SleepFrame, run_test

METRICS = PipelineParams(enable_metrics=True, enable_usage_metrics=True)


def metric(frames, kind):
    return [d for f in frames if isinstance(f, MetricsFrame) for d in f.data if isinstance(d, kind)]


async def test_a_context_frame_becomes_start_text_end():
    llm = FakeLLM([Turn(tokens=["The ", "capital ", "is ", "Paris."])])
    down, up = await run_test(
        llm,
        frames_to_send=[context_frame()],
        expected_down_frames=[
            LLMFullResponseStartFrame,
            LLMTextFrame,
            LLMTextFrame,
            LLMTextFrame,
            LLMTextFrame,
            LLMFullResponseEndFrame,
        ],
        expected_up_frames=[],
    )
    assert texts(down) == "The capital is Paris."
    assert llm.requests[0].messages == [{"role": "user", "content": "Hello"}]


async def test_ttfb_runs_from_request_to_first_token_then_processing_and_usage():
    usage = LLMTokenUsage(prompt_tokens=5, completion_tokens=2, total_tokens=7)
    llm = FakeLLM([Turn(tokens=["a", "b"], first_delay=0.15, delay=0.1, usage=usage)])
    down, _ = await run_test(llm, frames_to_send=[context_frame()], pipeline_params=METRICS)
    [ttfb] = metric(down, TTFBMetricsData)
    [processing] = metric(down, ProcessingMetricsData)
    [usage_data] = metric(down, LLMUsageMetricsData)
    assert 0.14 <= ttfb.value < 0.24
    assert processing.value >= 0.24
    assert usage_data.value == usage
    assert ttfb.processor == llm.name
    # TTFB is reported before the first token, processing before the end frame
    first_text = next(i for i, f in enumerate(down) if isinstance(f, LLMTextFrame))
    ttfb_at = next(i for i, f in enumerate(down) if metric([f], TTFBMetricsData))
    assert ttfb_at < first_text
    assert isinstance(down[-1], LLMFullResponseEndFrame)


async def test_no_metrics_when_disabled():
    llm = FakeLLM(
        [
            Turn(
                tokens=["a"],
                usage=LLMTokenUsage(prompt_tokens=1, completion_tokens=1, total_tokens=2),
            )
        ]
    )
    down, _ = await run_test(llm, frames_to_send=[context_frame()])
    assert not any(isinstance(f, MetricsFrame) and f.data for f in down)


async def test_pushing_style_subclass_gets_the_same_frames_and_ttfb():
    llm = PushingFakeLLM([Turn(tokens=["x", "y"], first_delay=0.1)])
    down, _ = await run_test(llm, frames_to_send=[context_frame()], pipeline_params=METRICS)
    assert texts(down) == "xy"
    [ttfb] = metric(down, TTFBMetricsData)
    assert ttfb.value >= 0.09


async def test_settings_update_is_applied_and_consumed():
    llm = FakeLLM(
        [Turn(tokens=["ok"])], settings=LLMService.Settings(model="fake-1", temperature=0.7)
    )
    down, _ = await run_test(
        llm,
        frames_to_send=[LLMUpdateSettingsFrame(delta=LLMService.Settings(temperature=0.1))],
        expected_down_frames=[],
    )
    assert llm.settings.temperature == 0.1
    assert llm.settings.model == "fake-1"
    assert llm.model_name == "fake-1"


async def test_configure_output_marks_responses_skip_tts():
    llm = FakeLLM([Turn(tokens=["quiet"])])
    down, _ = await run_test(
        llm, frames_to_send=[LLMConfigureOutputFrame(skip_tts=True), context_frame()]
    )
    marked = [
        f
        for f in down
        if isinstance(f, (LLMTextFrame, LLMFullResponseStartFrame, LLMFullResponseEndFrame))
    ]
    assert len(marked) == 3 and all(f.skip_tts is True for f in marked)
    assert not any(isinstance(f, LLMConfigureOutputFrame) for f in down)


async def test_deprecated_messages_frame_still_runs_the_llm():
    llm = FakeLLM([Turn(tokens=["hi"])])
    with pytest.warns(DeprecationWarning):
        frame = LLMMessagesFrame([{"role": "user", "content": "Yo"}])
    down, _ = await run_test(llm, frames_to_send=[frame])
    assert texts(down) == "hi"
    assert llm.requests[0].messages == [{"role": "user", "content": "Yo"}]


async def test_provider_error_becomes_error_frame_and_the_response_still_ends():
    llm = FakeLLM([Turn(error=RuntimeError("HTTP 500 from provider"))])
    down, up = await run_test(
        llm,
        frames_to_send=[context_frame()],
        expected_down_frames=[LLMFullResponseStartFrame, LLMFullResponseEndFrame],
        expected_up_frames=[ErrorFrame],
    )
    assert "HTTP 500 from provider" in up[0].error
    assert not up[0].fatal


async def test_timeout_fires_on_completion_timeout_and_error_frame():
    llm = FakeLLM([Turn(error=TimeoutError("read timed out"))])
    fired = asyncio.Event()

    @llm.event_handler("on_completion_timeout")
    async def on_completion_timeout(service):
        assert service is llm
        fired.set()

    down, up = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.05)])
    assert fired.is_set()
    assert [type(f) for f in up] == [ErrorFrame]
    assert "timed out" in up[0].error
    assert isinstance(down[-1], LLMFullResponseEndFrame)
    assert len(llm.requests) == 1  # retry_on_timeout is off by default


async def test_retry_on_timeout_bounds_the_first_attempt_and_retries_unbounded():
    slow_first = Turn(tokens=["late"], first_delay=5.0)
    slower_second = Turn(
        tokens=["on ", "time"], first_delay=0.3
    )  # > retry_timeout_secs: unbounded now
    llm = FakeLLM([slow_first, slower_second], retry_on_timeout=True, retry_timeout_secs=0.1)
    fired = []
    llm.add_event_handler("on_completion_timeout", lambda service: fired.append(service))
    started = time.monotonic()
    down, up = await run_test(llm, frames_to_send=[context_frame()])
    assert time.monotonic() - started < 2.0
    assert texts(down) == "on time"
    assert len(llm.requests) == 2
    assert llm.requests[1].started - llm.requests[0].started == pytest.approx(0.1, abs=0.08)
    assert up == [] and fired == []


async def test_retry_gives_up_after_the_second_timeout():
    llm = FakeLLM(
        [Turn(first_delay=5.0), Turn(error=TimeoutError("again"))],
        retry_on_timeout=True,
        retry_timeout_secs=0.05,
    )
    fired = []
    llm.add_event_handler("on_completion_timeout", lambda service: fired.append(service))
    down, up = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.05)])
    assert fired == [llm]
    assert [type(f) for f in up] == [ErrorFrame]
    assert len(llm.requests) == 2


async def test_no_retry_once_output_was_pushed():
    llm = FakeLLM(
        [Turn(tokens=["partial"], error=TimeoutError("stalled"), error_after_tokens=True)],
        retry_on_timeout=True,
        retry_timeout_secs=0.05,
    )
    down, up = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.05)])
    assert texts(down) == "partial"
    assert len(llm.requests) == 1
    assert [type(f) for f in up] == [ErrorFrame]


async def test_slow_stream_after_a_quick_start_is_not_a_timeout():
    llm = FakeLLM(
        [Turn(tokens=["a", "b", "c"], first_delay=0.01, delay=0.1)],
        retry_on_timeout=True,
        retry_timeout_secs=0.05,
    )
    down, up = await run_test(llm, frames_to_send=[context_frame()])
    assert texts(down) == "abc"
    assert len(llm.requests) == 1 and up == []


async def test_interruption_cancels_the_completion_in_flight():
    llm = FakeLLM([Turn(tokens=[f"t{i} " for i in range(20)], delay=0.03)])
    down, _ = await run_test(
        llm,
        frames_to_send=[context_frame(), SleepFrame(0.1), InterruptionFrame(), SleepFrame(0.3)],
    )
    cut = next(i for i, f in enumerate(down) if isinstance(f, InterruptionFrame))
    before, after = down[:cut], down[cut + 1 :]
    assert any(isinstance(f, LLMTextFrame) for f in before)
    assert not any(isinstance(f, (LLMTextFrame, LLMFullResponseEndFrame)) for f in after)
    assert len(texts(before).split()) < 20


async def test_the_service_keeps_working_after_an_interruption():
    llm = FakeLLM([Turn(tokens=["x"] * 10, delay=0.05), Turn(tokens=["fresh"])])
    down, _ = await run_test(
        llm,
        frames_to_send=[
            context_frame(),
            SleepFrame(0.08),
            InterruptionFrame(),
            context_frame("again"),
        ],
    )
    cut = next(i for i, f in enumerate(down) if isinstance(f, InterruptionFrame))
    assert [type(f) for f in down[cut + 1 :]] == [
        LLMFullResponseStartFrame,
        LLMTextFrame,
        LLMFullResponseEndFrame,
    ]
    assert texts(down[cut:]) == "fresh"


async def test_run_inference_returns_text_out_of_band():
    llm = FakeLLM(
        [Turn(tokens=["The capital ", "of France ", "is Paris."], calls=[("ignored", {})])]
    )
    context = LLMContext([{"role": "system", "content": "old"}])
    context.add_user_message("What is the capital of France?")
    answer = await llm.run_inference(
        context=context, max_tokens=100, system_instruction="You are a helpful geography assistant."
    )
    assert answer == "The capital of France is Paris."
    request = llm.requests[0]
    assert request.max_tokens == 100
    assert request.messages[0] == {
        "role": "system",
        "content": "You are a helpful geography assistant.",
    }
    assert context.messages[0] == {"role": "system", "content": "old"}  # caller's context untouched


async def test_run_inference_inserts_the_system_instruction_and_passes_max_tokens():
    llm = FakeLLM([Turn(tokens=["a", "b", "c", "d"])])
    context = LLMContext([{"role": "user", "content": "hi"}])
    assert await llm.run_inference(context, max_tokens=2, system_instruction="Be brief.") == "ab"
    assert [m["role"] for m in llm.requests[0].messages] == ["system", "user"]
    assert await llm.run_inference(context) == "abcd"
    assert llm.requests[1].max_tokens is None


async def test_run_inference_without_text_returns_none_and_timeouts_raise():
    llm = FakeLLM([Turn(calls=[("f", {})]), Turn(error=TimeoutError("slow"))])
    assert await llm.run_inference(LLMContext()) is None
    with pytest.raises(TimeoutError):
        await llm.run_inference(LLMContext())


async def test_run_inference_retries_a_slow_first_attempt():
    llm = FakeLLM(
        [Turn(tokens=["never"], first_delay=5.0), Turn(tokens=["second"])],
        retry_on_timeout=True,
        retry_timeout_secs=0.05,
    )
    assert await asyncio.wait_for(llm.run_inference(LLMContext()), 2.0) == "second"


def test_base_class_requires_process_context():
    with pytest.raises(NotImplementedError, match="_process_context"):
        LLMService()._process_context(LLMContext())


def summary_request(context, **overrides):
    fields = dict(
        request_id="summary-1",
        context=context,
        min_messages_to_keep=2,
        target_context_tokens=200,
        summarization_prompt="Summarize tersely.",
        summarization_timeout=1.0,
    )
    fields.update(overrides)
    return LLMContextSummaryRequestFrame(**fields)


def conversation(turns: int) -> LLMContext:
    context = LLMContext([{"role": "system", "content": "You are helpful."}])
    for i in range(turns):
        context.add_user_message(f"question {i}")
        context.add_assistant_message(f"answer {i}")
    return context


async def test_summary_requests_are_answered_downstream_by_run_inference():
    llm = FakeLLM([Turn(tokens=["They asked ", "three questions."])])
    context = conversation(3)  # 7 messages: keep the last 2, summarize up to index 4
    down, up = await run_test(
        llm,
        frames_to_send=[summary_request(context), SleepFrame(0.1)],
        frames_to_send_direction=FrameDirection.UPSTREAM,
    )
    [result] = [f for f in down if isinstance(f, LLMContextSummaryResultFrame)]
    assert (result.request_id, result.summary, result.last_summarized_index, result.error) == (
        "summary-1",
        "They asked three questions.",
        4,
        None,
    )
    [request] = llm.requests
    assert request.messages[0] == {"role": "system", "content": "Summarize tersely."}
    assert request.messages[1:-1] == context.messages[1:5]
    assert request.messages[-1]["role"] == "user"
    assert request.max_tokens == 200
    assert len(context.messages) == 7  # the aggregator applies the summary, not the LLM
    assert not any(isinstance(f, LLMContextSummaryRequestFrame) for f in up)


async def test_summary_never_splits_a_tool_result_from_its_call():
    llm = FakeLLM([Turn(tokens=["s"])])
    context = conversation(1)
    context.add_message({"role": "assistant", "tool_calls": [{"id": "c1"}]})
    context.add_message({"role": "tool", "tool_call_id": "c1", "content": "42"})
    down, _ = await run_test(
        llm,
        frames_to_send=[summary_request(context, min_messages_to_keep=1), SleepFrame(0.1)],
        frames_to_send_direction=FrameDirection.UPSTREAM,
    )
    [result] = [f for f in down if isinstance(f, LLMContextSummaryResultFrame)]
    assert (
        result.last_summarized_index == 2
    )  # stops before the tool call, not between call and result


async def test_summary_failures_come_back_as_errors_not_exceptions():
    slow = FakeLLM([Turn(tokens=["late"], first_delay=5.0)])
    down, up = await run_test(
        slow,
        frames_to_send=[
            summary_request(conversation(3), summarization_timeout=0.05),
            SleepFrame(0.2),
        ],
        frames_to_send_direction=FrameDirection.UPSTREAM,
    )
    [result] = [f for f in down if isinstance(f, LLMContextSummaryResultFrame)]
    assert result.error == "summary timed out after 0.05s" and result.summary == ""
    assert up == []

    short = FakeLLM([Turn(tokens=["x"])])
    down, _ = await run_test(
        short,
        frames_to_send=[summary_request(conversation(0)), SleepFrame(0.05)],
        frames_to_send_direction=FrameDirection.UPSTREAM,
    )
    [result] = [f for f in down if isinstance(f, LLMContextSummaryResultFrame)]
    assert result.error == "nothing to summarize"
    assert short.requests == []
