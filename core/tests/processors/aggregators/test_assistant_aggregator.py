"""LLMAssistantAggregator: spoken text, interruptions, function calls, thoughts, summaries."""

import pytest

from voxpipe.frames.frames import (
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
    InterruptionFrame,
    LLMContextFrame,
    LLMContextSummaryRequestFrame,
    LLMContextSummaryResultFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMSummarizeContextFrame,
    LLMTextFrame,
    LLMThoughtEndFrame,
    LLMThoughtStartFrame,
    LLMThoughtTextFrame,
    TTSStoppedFrame,
    TTSTextFrame,
)
from voxpipe.processors.aggregators.llm_context import LLMContext, LLMSpecificMessage
from voxpipe.processors.aggregators.llm_context_summarizer import (
    LLMAutoContextSummarizationConfig,
    LLMContextSummarizationConfig,
    LLMContextSummaryConfig,
    SummaryAppliedEvent,
)
from voxpipe.processors.aggregators.llm_response_universal import (
    AssistantThoughtMessage,
    AssistantTurnStoppedMessage,
    LLMAssistantAggregator,
    LLMAssistantAggregatorParams,
)
from voxpipe.tests.utils import SleepFrame, run_test


def _agg(context=None, **kw):
    agg = LLMAssistantAggregator(context or LLMContext(), params=LLMAssistantAggregatorParams(**kw))
    log = []
    for name in ("on_assistant_turn_started", "on_assistant_turn_stopped", "on_assistant_thought", "on_summary_applied"):
        agg.add_event_handler(name, lambda a, *args, _n=name: log.append((_n, args)))
    return agg, log


async def test_llm_text_is_committed_once_at_response_end():
    agg, log = _agg()
    frames = [LLMFullResponseStartFrame(), LLMTextFrame("Hi "), LLMTextFrame("there."), LLMFullResponseEndFrame()]
    await run_test(agg, frames_to_send=frames)
    assert agg.context.messages == [{"role": "assistant", "content": "Hi there."}]
    assert [n for n, _ in log] == ["on_assistant_turn_started", "on_assistant_turn_stopped"]
    message = log[1][1][0]
    assert isinstance(message, AssistantTurnStoppedMessage) and message.content == "Hi there." and not message.interrupted


async def test_interruption_commits_only_the_sentences_already_spoken():
    agg, log = _agg()
    frames = [
        LLMFullResponseStartFrame(),
        TTSTextFrame("First one.", aggregated_by="sentence"),
        SleepFrame(0.02),
        InterruptionFrame(),
        SleepFrame(0.02),
        LLMFullResponseEndFrame(),
    ]
    await run_test(agg, frames_to_send=frames)
    assert agg.context.messages == [{"role": "assistant", "content": "First one."}]
    stopped = [a for n, a in log if n == "on_assistant_turn_stopped"]
    assert len(stopped) == 1 and stopped[0][0].interrupted


async def test_standalone_speech_commits_at_tts_stopped_and_markers_are_stripped():
    agg, _ = _agg()
    frames = [TTSTextFrame("✓ Welcome.", aggregated_by="sentence"), TTSStoppedFrame()]
    await run_test(agg, frames_to_send=frames)
    assert agg.context.messages == [{"role": "assistant", "content": "Welcome."}]


async def test_function_call_records_call_and_result_then_reruns_llm_upstream():
    agg, _ = _agg()
    frames = [
        LLMFullResponseStartFrame(),
        LLMTextFrame("Checking. "),
        FunctionCallInProgressFrame("weather", "c1", {"city": "Oslo"}),
        LLMFullResponseEndFrame(),
        FunctionCallResultFrame("weather", "c1", {"city": "Oslo"}, {"temp": 3}),
    ]
    _, up = await run_test(agg, frames_to_send=frames)
    m = agg.context.messages
    assert m[0] == {"role": "assistant", "content": "Checking."}
    assert m[1]["tool_calls"][0]["function"] == {"name": "weather", "arguments": '{"city": "Oslo"}'}
    assert m[2] == {"role": "tool", "tool_call_id": "c1", "content": '{"temp": 3}'}
    assert [type(f) for f in up] == [LLMContextFrame]


async def test_thoughts_fire_event_and_can_enter_context():
    agg, log = _agg()
    frames = [
        LLMThoughtStartFrame(append_to_context=True, llm="anthropic"),
        LLMThoughtTextFrame("hmm "),
        LLMThoughtTextFrame("ok"),
        LLMThoughtEndFrame(signature="sig"),
    ]
    await run_test(agg, frames_to_send=frames)
    (thought,) = [a[0] for n, a in log if n == "on_assistant_thought"]
    assert isinstance(thought, AssistantThoughtMessage) and thought.content == "hmm ok"
    (msg,) = agg.context.messages
    assert isinstance(msg, LLMSpecificMessage) and msg.llm == "anthropic" and msg.message["signature"] == "sig"


def _conversation(n):
    msgs = [{"role": "system", "content": "sys"}]
    for i in range(n):
        msgs.append({"role": "user" if i % 2 == 0 else "assistant", "content": f"m{i}"})
    return LLMContext(msgs)


async def test_on_demand_summary_requests_upstream():
    agg, _ = _agg(_conversation(10))
    cfg = LLMContextSummaryConfig(min_messages_after_summary=2)
    _, up = await run_test(agg, frames_to_send=[LLMSummarizeContextFrame(config=cfg), SleepFrame(0.02)])
    (request,) = [f for f in up if isinstance(f, LLMContextSummaryRequestFrame)]
    assert request.min_messages_to_keep == 2 and request.summarization_prompt


async def test_summary_result_replaces_old_messages_and_fires_event():
    context = _conversation(10)
    agg, log = _agg(context)
    request = agg._summarizer.build_request(context, LLMContextSummaryConfig(min_messages_after_summary=2))
    result = LLMContextSummaryResultFrame(request_id=request.request_id, summary="S", last_summarized_index=8)
    await run_test(agg, frames_to_send=[result])
    assert [m["content"] for m in context.messages] == ["sys", "Conversation summary: S", "m8", "m9"]
    (event,) = [a for n, a in log if n == "on_summary_applied"]
    summarizer, applied = event
    assert summarizer is agg._summarizer
    assert applied == SummaryAppliedEvent(11, 4, 8, 3)
    assert not summarizer.in_progress


async def test_auto_summary_triggers_on_message_count_and_ignores_concurrent_requests():
    context = _conversation(6)
    cfg = LLMAutoContextSummarizationConfig(max_context_tokens=None, max_unsummarized_messages=6,
                                            summary_config=LLMContextSummaryConfig(min_messages_after_summary=1))
    agg, _ = _agg(context, enable_auto_context_summarization=True, auto_context_summarization_config=cfg)
    frames = [LLMFullResponseStartFrame(), LLMTextFrame("reply"), LLMFullResponseEndFrame(), LLMSummarizeContextFrame()]
    _, up = await run_test(agg, frames_to_send=frames)
    assert len([f for f in up if isinstance(f, LLMContextSummaryRequestFrame)]) == 1


def test_deprecated_summarization_names_warn_and_still_work():
    with pytest.warns(DeprecationWarning):
        cfg = LLMContextSummarizationConfig(max_context_tokens=4000, target_context_tokens=3000)
    assert cfg.summary_config.target_context_tokens == 3000
    with pytest.warns(DeprecationWarning):
        params = LLMAssistantAggregatorParams(enable_context_summarization=True, context_summarization_config=cfg)
    assert params.enable_auto_context_summarization and params.auto_context_summarization_config is cfg
    with pytest.raises(ValueError):
        LLMAutoContextSummarizationConfig(max_context_tokens=None, max_unsummarized_messages=None)
    with pytest.raises(ValueError):
        LLMContextSummaryConfig(summary_message_template="no placeholder")
    assert LLMAutoContextSummarizationConfig(max_context_tokens=1000).summary_config.target_context_tokens == 800
