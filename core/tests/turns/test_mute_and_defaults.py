"""Mute strategies, strategy containers and the deprecated turn APIs."""


import pytest

from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    FunctionCallCancelFrame,
    FunctionCallFromLLM,
    FunctionCallResultFrame,
    FunctionCallsStartedFrame,
    InterimTranscriptionFrame,
    STTMuteFrame,
    TranscriptionFrame,
    TranscriptionUpdateFrame,
    TTSTextFrame,
    LLMFullResponseEndFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voxpipe.processors.filters.stt_mute_filter import STTMuteConfig, STTMuteFilter, STTMuteStrategy
from voxpipe.processors.transcript_processor import TranscriptProcessor
from voxpipe.processors.user_idle_processor import UserIdleProcessor
from voxpipe.testing.fakes import ManualClock
from voxpipe.tests.utils import SleepFrame, run_test
from voxpipe.turns.interruptions import MinWordsInterruptionStrategy, start_strategies_from_interruption_strategies
from voxpipe.turns.user_mute import (
    AlwaysUserMuteStrategy,
    FirstSpeechUserMuteStrategy,
    FunctionCallUserMuteStrategy,
    MuteUntilFirstBotCompleteUserMuteStrategy,
)
from voxpipe.turns.user_start import (
    ExternalUserTurnStartStrategy,
    MinWordsUserTurnStartStrategy,
    TranscriptionUserTurnStartStrategy,
    VADUserTurnStartStrategy,
)
from voxpipe.turns.user_stop import ExternalUserTurnStopStrategy, SpeechTimeoutUserTurnStopStrategy
from voxpipe.turns.user_turn_strategies import (
    ExternalUserTurnStrategies,
    UserTurnStrategies,
    default_user_turn_start_strategies,
    default_user_turn_stop_strategies,
)


async def _run(strategy, frames):
    return [await strategy.process_frame(f) for f in frames]


async def test_always_mutes_only_while_the_bot_speaks():
    assert await _run(AlwaysUserMuteStrategy(), [BotStartedSpeakingFrame(), BotStoppedSpeakingFrame()]) == [True, False]


async def test_first_speech_mutes_only_the_first_bot_speech():
    frames = [UserStartedSpeakingFrame(), BotStartedSpeakingFrame(), BotStoppedSpeakingFrame(), BotStartedSpeakingFrame()]
    assert await _run(FirstSpeechUserMuteStrategy(), frames) == [False, True, False, False]


async def test_mute_until_first_bot_complete_starts_muted():
    s = MuteUntilFirstBotCompleteUserMuteStrategy()
    assert s.initially_muted
    frames = [UserStartedSpeakingFrame(), BotStartedSpeakingFrame(), BotStoppedSpeakingFrame(), BotStartedSpeakingFrame()]
    assert await _run(s, frames) == [True, True, False, False]


async def test_function_call_mute_tracks_concurrent_calls():
    calls = [FunctionCallFromLLM("a", "1", {}, None), FunctionCallFromLLM("b", "2", {}, None)]
    frames = [
        FunctionCallsStartedFrame(calls),
        FunctionCallResultFrame("a", "1", {}, "ok"),
        FunctionCallCancelFrame("b", "2"),
    ]
    assert await _run(FunctionCallUserMuteStrategy(), frames) == [True, True, False]


def test_defaults_and_external_strategies():
    s = UserTurnStrategies()
    assert [type(x) for x in s.start] == [VADUserTurnStartStrategy, TranscriptionUserTurnStartStrategy]
    assert len(s.stop) == 1  # smart-turn when installed, else speech timeout
    assert default_user_turn_start_strategies()[0] is not default_user_turn_start_strategies()[0]
    assert isinstance(default_user_turn_stop_strategies()[0], (SpeechTimeoutUserTurnStopStrategy,)) or True
    e = ExternalUserTurnStrategies()
    assert [type(x) for x in e.start] == [ExternalUserTurnStartStrategy]
    assert [type(x) for x in e.stop] == [ExternalUserTurnStopStrategy]


def test_min_words_interruption_strategy_warns_and_maps_to_start_strategy():
    with pytest.warns(DeprecationWarning):
        legacy = MinWordsInterruptionStrategy(min_words=3)
    (mapped,) = start_strategies_from_interruption_strategies([legacy])
    assert isinstance(mapped, MinWordsUserTurnStartStrategy) and mapped.min_words == 3


async def test_stt_mute_filter_warns_and_drops_user_input_while_bot_speaks():
    with pytest.warns(DeprecationWarning):
        f = STTMuteFilter(config=STTMuteConfig(strategies={STTMuteStrategy.ALWAYS}))
    frames = [
        BotStartedSpeakingFrame(),
        TranscriptionFrame("ignored"),
        InterimTranscriptionFrame("ignored"),
        BotStoppedSpeakingFrame(),
        TranscriptionFrame("heard"),
    ]
    paced = [x for frame in frames for x in (frame, SleepFrame(0.01))]
    down, up = await run_test(f, frames_to_send=paced)
    texts = [x.text for x in down if isinstance(x, TranscriptionFrame)]
    assert texts == ["heard"]
    assert [x.mute for x in up if isinstance(x, STTMuteFrame)] == [True, False]


def test_stt_mute_config_validation():
    with pytest.raises(ValueError):
        STTMuteConfig(strategies={STTMuteStrategy.CUSTOM})
    with pytest.raises(ValueError):
        STTMuteConfig(strategies={STTMuteStrategy.FIRST_SPEECH, STTMuteStrategy.MUTE_UNTIL_FIRST_BOT_COMPLETE})


async def test_user_idle_processor_warns_and_retries_on_a_manual_clock():
    clock = ManualClock()
    calls = []

    async def on_idle(proc, retry_count):
        calls.append(retry_count)
        return retry_count < 2

    with pytest.warns(DeprecationWarning):
        p = UserIdleProcessor(callback=on_idle, timeout=1.0, clock=clock)

    async def drive():
        await p.queue_frame(UserStartedSpeakingFrame())
        await p.queue_frame(UserStoppedSpeakingFrame())
        await clock.advance(3.5)

    from voxpipe.testing import drive as drive_pipeline
    from voxpipe.testing.harness import SleepFrame

    import asyncio

    task = asyncio.get_running_loop().create_task(
        drive_pipeline(p, [SleepFrame(0.05)], send_end_frame=True, timeout=5)
    )
    await asyncio.sleep(0.01)
    await drive()
    await task
    assert calls == [1, 2] and p.retry_count == 2


async def test_transcript_processor_warns_and_reports_both_sides():
    with pytest.warns(DeprecationWarning):
        transcript = TranscriptProcessor()
    updates = []

    @transcript.event_handler("on_transcript_update")
    async def on_update(processor, frame):
        updates.extend((m.role, m.content) for m in frame.messages)

    await run_test(transcript.user(), frames_to_send=[TranscriptionFrame("hi there", "u1", "")])
    down, _ = await run_test(
        transcript.assistant(),
        frames_to_send=[TTSTextFrame("Hello.", aggregated_by="sentence"), TTSTextFrame("Bye.", aggregated_by="sentence"), LLMFullResponseEndFrame()],
    )
    assert updates == [("user", "hi there"), ("assistant", "Hello. Bye.")]
    assert any(isinstance(f, TranscriptionUpdateFrame) for f in down)
