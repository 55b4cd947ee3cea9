"""UserTurnProcessor: one turn source; aggregators downstream use external strategies."""

from voxpipe.frames.frames import (
    InterruptionFrame,
    LLMContextFrame,
    TranscriptionFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.aggregators.llm_response_universal import LLMUserAggregator, LLMUserAggregatorParams
from voxpipe.tests.utils import SleepFrame, run_test
from voxpipe.turns.user_start import TranscriptionUserTurnStartStrategy
from voxpipe.turns.user_stop import SpeechTimeoutUserTurnStopStrategy
from voxpipe.turns.user_turn_processor import UserTurnProcessor
from voxpipe.turns.user_turn_strategies import ExternalUserTurnStrategies, UserTurnStrategies


async def test_user_turn_processor_drives_an_external_aggregator():
    turns = UserTurnProcessor(
        user_turn_strategies=UserTurnStrategies(
            start=[TranscriptionUserTurnStartStrategy()],
            stop=[SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0.05)],
        )
    )
    log = []
    turns.add_event_handler("on_user_turn_started", lambda p, s: log.append("started"))
    turns.add_event_handler("on_user_turn_stopped", lambda p, s: log.append("stopped"))
    context = LLMContext()
    agg = LLMUserAggregator(
        context,
        params=LLMUserAggregatorParams(user_turn_strategies=ExternalUserTurnStrategies()),
    )
    down, _ = await run_test(
        Pipeline([turns, agg]), frames_to_send=[TranscriptionFrame("hi there"), SleepFrame(0.8)]
    )
    kinds = [type(f) for f in down]
    assert kinds.count(UserStartedSpeakingFrame) == 1 and kinds.count(UserStoppedSpeakingFrame) == 1
    assert kinds.count(InterruptionFrame) == 1 and kinds[-1] is LLMContextFrame
    assert log == ["started", "stopped"]
    assert context.messages == [{"role": "user", "content": "hi there"}]
