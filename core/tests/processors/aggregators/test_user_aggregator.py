"""LLMUserAggregator driven directly with run_test (text-only turns, context frames)."""

import pytest

from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    InterruptionFrame,
    InterruptionTaskFrame,
    LLMContextFrame,
    LLMMessagesAppendFrame,
    LLMMessagesUpdateFrame,
    LLMRunFrame,
    LLMSetToolChoiceFrame,
    LLMSetToolsFrame,
    LLMUpdateSettingsFrame,
    TranscriptionFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voxpipe.pipeline.task import PipelineParams
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.aggregators.llm_response_universal import (
    LLMContextAggregatorPair,
    LLMUserAggregator,
    LLMUserAggregatorParams,
    UserTurnStoppedMessage,
)
from voxpipe.tests.utils import SleepFrame, run_test
from voxpipe.turns.interruptions import MinWordsInterruptionStrategy
from voxpipe.turns.user_start import TranscriptionUserTurnStartStrategy
from voxpipe.turns.user_stop import SpeechTimeoutUserTurnStopStrategy
from voxpipe.turns.user_turn_completion_mixin import UserTurnCompletionConfig
from voxpipe.turns.user_turn_strategies import UserTurnStrategies


def _fast(**kw):
    return LLMUserAggregatorParams(
        user_turn_strategies=UserTurnStrategies(
            start=[TranscriptionUserTurnStartStrategy()],
            stop=[SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0.05)],
        ),
        **kw,
    )


async def test_typed_transcript_becomes_a_turn_and_runs_the_llm():
    context = LLMContext([{"role": "system", "content": "s"}])
    agg = LLMUserAggregator(context, params=_fast())
    log = []
    agg.add_event_handler("on_user_turn_started", lambda a, s: log.append("started"))
    agg.add_event_handler("on_user_turn_stopped", lambda a, s, m: log.append(m))
    down, up = await run_test(agg, frames_to_send=[TranscriptionFrame("hello", "u1", ""), SleepFrame(0.2)])
    kinds = [type(f) for f in down]
    assert kinds == [UserStartedSpeakingFrame, InterruptionFrame, UserStoppedSpeakingFrame, LLMContextFrame]
    assert [type(f) for f in up] == [UserStartedSpeakingFrame, InterruptionTaskFrame, UserStoppedSpeakingFrame]
    assert context.messages[-1] == {"role": "user", "content": "hello"}
    assert log[0] == "started" and isinstance(log[1], UserTurnStoppedMessage)
    assert log[1].content == "hello" and log[1].user_id == "u1" and log[1].timestamp


async def test_context_frames_edit_the_shared_context():
    context = LLMContext()
    user, assistant = LLMContextAggregatorPair(context, user_params=_fast())
    assert user.context is assistant.context is context
    frames = [
        LLMMessagesUpdateFrame([{"role": "system", "content": "a"}]),
        LLMMessagesAppendFrame([{"role": "user", "content": "b"}], run_llm=True),
        LLMSetToolsFrame([{"type": "function", "function": {"name": "f", "parameters": {}}}]),
        LLMSetToolChoiceFrame("auto"),
        LLMRunFrame(),
    ]
    down, _ = await run_test(user, frames_to_send=frames)
    assert [type(f) for f in down] == [LLMContextFrame, LLMContextFrame]
    assert [m["content"] for m in context.messages] == ["a", "b"]
    assert context.tool_choice == "auto" and len(context.tools) == 1


async def test_deprecated_interruption_strategies_still_gate_interruptions():
    with pytest.warns(DeprecationWarning):
        params = PipelineParams(interruption_strategies=[MinWordsInterruptionStrategy(min_words=3)])
    agg = LLMUserAggregator(LLMContext(), params=LLMUserAggregatorParams())
    frames = [BotStartedSpeakingFrame(), SleepFrame(0.01), TranscriptionFrame("yeah ok"), SleepFrame(0.05)]
    down, _ = await run_test(agg, frames_to_send=frames, pipeline_params=params)
    assert not any(isinstance(f, InterruptionFrame) for f in down)
    frames = [BotStartedSpeakingFrame(), SleepFrame(0.01), TranscriptionFrame("wait a second"), SleepFrame(0.05)]
    agg = LLMUserAggregator(LLMContext(), params=LLMUserAggregatorParams())
    with pytest.warns(DeprecationWarning):
        params = PipelineParams(interruption_strategies=[MinWordsInterruptionStrategy(min_words=3)])
    down, _ = await run_test(agg, frames_to_send=frames, pipeline_params=params)
    assert any(isinstance(f, InterruptionFrame) for f in down)


async def test_filter_incomplete_turns_configures_the_llm():
    cfg = UserTurnCompletionConfig(incomplete_short_timeout=3.0)
    agg = LLMUserAggregator(LLMContext(), params=_fast(filter_incomplete_user_turns=True, user_turn_completion_config=cfg))
    down, _ = await run_test(agg, frames_to_send=[])
    (settings,) = [f for f in down if isinstance(f, LLMUpdateSettingsFrame)]
    assert settings.settings["filter_incomplete_user_turns"] is True
    assert settings.settings["user_turn_completion_config"] is cfg
