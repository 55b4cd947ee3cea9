"""Mute strategies, user idle and the turn-stop timeout, as conversations."""

from voxpipe.frames.frames import (
    FunctionCallFromLLM,
    FunctionCallResultFrame,
    FunctionCallsStartedFrame,
    TTSSpeakFrame,
    UserMuteStartedFrame,
    UserMuteStoppedFrame,
)
from voxpipe.processors.aggregators.llm_response_universal import LLMUserAggregatorParams
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.turns.user_mute import (
    AlwaysUserMuteStrategy,
    FunctionCallUserMuteStrategy,
    MuteUntilFirstBotCompleteUserMuteStrategy,
)
from voxpipe.turns.user_start import VADUserTurnStartStrategy
from voxpipe.turns.user_stop import ExternalUserTurnStopStrategy
from voxpipe.turns.user_turn_strategies import UserTurnStrategies

from ._conversation import Conversation, simple_strategies


def _params(**kw):
    return LLMUserAggregatorParams(user_turn_strategies=kw.pop("strategies", simple_strategies()), **kw)


async def test_mute_until_first_bot_complete_ignores_speech_over_greeting():
    params = _params(user_mute_strategies=[MuteUntilFirstBotCompleteUserMuteStrategy()])
    async with Conversation(responses=["Fine."], user_params=params) as conv:
        log = conv.events(conv.user, "on_user_mute_started", "on_user_mute_stopped", "on_user_turn_started")
        await conv.task.queue_frame(TTSSpeakFrame("Welcome to the demo line."))
        await conv.silence(0.3)
        assert conv.user.muted
        await conv.user_says(None, secs=0.5)  # over the greeting: dropped (no VAD, no turn)
        await conv.silence(2.0)
        assert not conv.user.muted
        assert [n for n, _ in log] == ["on_user_mute_stopped"]  # started fired at StartFrame, before handlers
        assert conv.llm.requests == []
        assert conv.rec_user.of(UserMuteStoppedFrame, FrameDirection.DOWNSTREAM)
        await conv.user_says("hello", secs=0.5)
        await conv.silence(1.0)
        assert [n for n, _ in log][-1] == "on_user_turn_started"
        assert conv.llm.requests[-1].messages[-1] == {"role": "user", "content": "hello"}
        assistant = [m["content"] for m in conv.context.messages if m["role"] == "assistant"]
        assert assistant[0] == "Welcome to the demo line."


async def test_always_mute_blocks_barge_in_and_events_fire_in_order():
    params = _params(user_mute_strategies=[AlwaysUserMuteStrategy()])
    long = "One two three four five six seven eight nine ten."
    async with Conversation(responses=[long], user_params=params) as conv:
        log = conv.events(conv.user, "on_user_mute_started", "on_user_mute_stopped", "on_user_turn_started")
        await conv.user_says("talk to me", secs=0.5)
        await conv.silence(0.6)
        assert conv.output.speaking and conv.user.muted
        await conv.user_says("stop stop stop", secs=0.5)
        assert conv.output.speaking, "a muted user interrupted the bot"
        await conv.silence(3.0)
        assert [n for n, _ in log] == ["on_user_turn_started", "on_user_mute_started", "on_user_mute_stopped"]
        assert len(conv.rec_user.of(UserMuteStartedFrame, FrameDirection.DOWNSTREAM)) == 1
        assert [m["content"] for m in conv.context.messages if m["role"] == "user"] == ["talk to me"]


async def test_function_call_mute_and_idle_suppressed_during_calls():
    params = _params(user_mute_strategies=[FunctionCallUserMuteStrategy()], user_idle_timeout=1.0)
    async with Conversation(responses=["Let me check."], user_params=params) as conv:
        idle = conv.events(conv.user, "on_user_turn_idle")
        await conv.user_says("what is the weather", secs=0.5)
        await conv.silence(2.0)  # answer played; bot stopped
        call = FunctionCallFromLLM("weather", "call-1", {}, None)
        await conv.user.queue_frame(FunctionCallsStartedFrame([call]), FrameDirection.UPSTREAM)
        await conv.silence(0.1)
        assert conv.user.muted
        await conv.silence(3.0)
        assert idle == [], "idle fired during a function call"
        await conv.user.queue_frame(
            FunctionCallResultFrame("weather", "call-1", {}, {"temp": 20}, run_llm=False),
            FrameDirection.UPSTREAM,
        )
        await conv.silence(0.1)
        assert not conv.user.muted


async def test_user_idle_fires_after_bot_stops_and_repeats():
    params = _params(user_idle_timeout=2.0)
    async with Conversation(responses=["Hello."], user_params=params) as conv:
        idle = conv.events(conv.user, "on_user_turn_idle")
        await conv.user_says("hi", secs=0.4)
        await conv.silence(1.2)  # reply played, bot stopped ~ here
        assert idle == []
        await conv.silence(2.2)
        assert len(idle) == 1
        await conv.silence(2.0)
        assert len(idle) == 2
        await conv.user_says("still here", secs=0.4)  # user speech cancels the timer
        n = len(idle)
        await conv.silence(0.5)
        assert len(idle) == n


async def test_turn_stop_timeout_ends_turn_when_no_stop_strategy_fires():
    # the external stop strategy never sees an external stop: only the safety net ends the turn
    strategies = UserTurnStrategies(start=[VADUserTurnStartStrategy()], stop=[ExternalUserTurnStopStrategy()])
    params = _params(strategies=strategies, user_turn_stop_timeout=1.0)
    async with Conversation(responses=["Got it."], user_params=params) as conv:
        log = conv.events(conv.user, "on_user_turn_stop_timeout", "on_user_turn_stopped")
        await conv.user_says("are you there", secs=0.5)
        await conv.silence(0.9)
        assert log == []
        await conv.silence(0.4)
        assert [n for n, _ in log] == ["on_user_turn_stop_timeout", "on_user_turn_stopped"]
        assert log[1][1][0] is None and log[1][1][1].content == "are you there"
        assert conv.llm.requests[-1].messages[-1] == {"role": "user", "content": "are you there"}
