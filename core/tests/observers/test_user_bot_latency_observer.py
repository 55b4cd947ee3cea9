"""UserBotLatencyObserver: user-stop (minus VAD stop_secs) → bot-start, with a breakdown and first-speech latency."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    ClientConnectedFrame,
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
    MetricsFrame,
    TextFrame,
    UserStoppedSpeakingFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.metrics.metrics import TextAggregationMetricsData, TTFBMetricsData
from voxpipe.observers.base_observer import FramePushed
from voxpipe.observers.user_bot_latency_observer import LatencyBreakdown, UserBotLatencyObserver
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.tests.utils import SleepFrame, run_test

pytestmark = pytest.mark.timeout(60)

SRC, DST = FrameProcessor(name="src"), FrameProcessor(name="dst")


async def push(observer, frame, t_secs):
    await observer.on_push_frame(FramePushed(SRC, DST, frame, FrameDirection.DOWNSTREAM, int(t_secs * 1e9)))


def record(observer):
    got: dict[str, list] = {"measured": [], "breakdown": [], "first": []}

    @observer.event_handler("on_latency_measured")
    def measured(obs, latency):
        got["measured"].append(round(latency, 6))

    @observer.event_handler("on_latency_breakdown")
    def breakdown(obs, b):
        got["breakdown"].append(b)

    @observer.event_handler("on_first_bot_speech_latency")
    def first(obs, latency):
        got["first"].append(round(latency, 6))

    return got


async def settle():
    for _ in range(5):
        await asyncio.sleep(0)


async def test_latency_is_bot_start_minus_real_user_stop():
    obs = UserBotLatencyObserver()
    got = record(obs)
    await push(obs, VADUserStartedSpeakingFrame(), 1.0)
    await push(obs, VADUserStoppedSpeakingFrame(stop_secs=0.2), 3.2)  # the user really stopped at 3.0
    await push(obs, UserStoppedSpeakingFrame(), 3.5)
    await push(obs, BotStartedSpeakingFrame(), 4.25)
    await settle()
    assert got["measured"] == [1.25]
    (b,) = got["breakdown"]
    assert isinstance(b, LatencyBreakdown)
    assert b.user_turn_secs == pytest.approx(0.5)
    assert got["first"] == []  # no client connected


async def test_measures_once_per_user_turn_and_resets_when_the_user_speaks_again():
    obs = UserBotLatencyObserver()
    got = record(obs)
    await push(obs, VADUserStoppedSpeakingFrame(stop_secs=0.0), 1.0)
    await push(obs, BotStartedSpeakingFrame(), 1.5)
    await push(obs, BotStartedSpeakingFrame(), 3.0)  # no user turn before it: nothing
    await push(obs, VADUserStoppedSpeakingFrame(stop_secs=0.0), 5.0)
    await push(obs, VADUserStartedSpeakingFrame(), 5.5)  # user resumed: discard
    await push(obs, BotStartedSpeakingFrame(), 6.0)
    await push(obs, VADUserStoppedSpeakingFrame(stop_secs=0.0), 7.0)
    await push(obs, BotStartedSpeakingFrame(), 7.75)
    await settle()
    assert got["measured"] == [0.5, 0.75]


async def test_duplicate_sightings_count_once():
    obs = UserBotLatencyObserver()
    got = record(obs)
    stop = VADUserStoppedSpeakingFrame(stop_secs=0.0)
    await push(obs, stop, 1.0)
    await push(obs, stop, 1.2)  # the same frame at a later hop
    bot = BotStartedSpeakingFrame()
    await push(obs, bot, 2.0)
    await push(obs, bot, 2.1)
    await settle()
    assert got["measured"] == [1.0]


async def test_first_bot_speech_latency_fires_once_from_client_connection():
    obs = UserBotLatencyObserver()
    got = record(obs)
    await push(obs, ClientConnectedFrame(), 2.0)
    await push(obs, BotStartedSpeakingFrame(), 2.8)
    await push(obs, BotStartedSpeakingFrame(), 9.0)
    await settle()
    assert got["first"] == [0.8]
    assert len(got["breakdown"]) == 1  # the greeting's breakdown
    assert got["measured"] == []


async def test_breakdown_collects_ttfb_text_aggregation_and_function_calls():
    obs = UserBotLatencyObserver()
    got = record(obs)
    await push(obs, VADUserStartedSpeakingFrame(), 0.0)
    await push(obs, VADUserStoppedSpeakingFrame(stop_secs=0.0), 1.0)
    await push(obs, UserStoppedSpeakingFrame(), 1.3)
    await push(obs, MetricsFrame(data=[TTFBMetricsData(processor="llm", model="m", value=0.4)]), 1.8)
    await push(obs, FunctionCallInProgressFrame(function_name="get_weather", tool_call_id="c1", arguments={}), 2.0)
    await push(obs, FunctionCallResultFrame(function_name="get_weather", tool_call_id="c1", arguments={}, result=1), 2.5)
    await push(obs, MetricsFrame(data=[TextAggregationMetricsData(processor="tts", value=0.1)]), 2.7)
    await push(obs, MetricsFrame(data=[TextAggregationMetricsData(processor="tts", value=0.9)]), 2.8)
    await push(obs, MetricsFrame(data=[TTFBMetricsData(processor="tts", value=0.2)]), 2.9)
    await push(obs, BotStartedSpeakingFrame(), 3.0)
    await settle()
    (b,) = got["breakdown"]
    assert [(t.processor, t.model, round(t.duration_secs, 3)) for t in b.ttfb] == [("llm", "m", 0.4), ("tts", None, 0.2)]
    assert b.text_aggregation.duration_secs == pytest.approx(0.1)  # the first one only
    assert [(c.function_name, round(c.duration_secs, 3)) for c in b.function_calls] == [("get_weather", 0.5)]
    assert b.user_turn_secs == pytest.approx(0.3)
    events = b.chronological_events()
    assert events[0].startswith("User turn: 0.300s")
    assert events[1].startswith("llm (m): TTFB 0.400s")
    assert any("Function call get_weather: 0.500s" in e for e in events)
    # start times are Unix times, in order
    assert b.user_turn_start_time < b.ttfb[0].start_time < b.function_calls[0].start_time


class Responder(FrameProcessor):
    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, TextFrame):
            await asyncio.sleep(0.05)
            await self.push_frame(BotStartedSpeakingFrame())


async def test_in_a_running_pipeline():
    obs = UserBotLatencyObserver()
    got = record(obs)
    await run_test(
        Responder(),
        frames_to_send=[VADUserStartedSpeakingFrame(), VADUserStoppedSpeakingFrame(stop_secs=0.0), TextFrame("q"), SleepFrame(0.1)],
        observers=[obs],
    )
    assert len(got["measured"]) == 1 and 0.04 < got["measured"][0] < 1.0


async def test_deprecated_log_observer_warns_and_logs(caplog):
    import logging

    from voxpipe.observers.loggers.user_bot_latency_log_observer import UserBotLatencyLogObserver

    with pytest.warns(DeprecationWarning):
        obs = UserBotLatencyLogObserver()
    with caplog.at_level(logging.INFO, logger="voxpipe"):
        await push(obs, VADUserStoppedSpeakingFrame(stop_secs=0.0), 1.0)
        await push(obs, BotStartedSpeakingFrame(), 1.5)
        await obs.cleanup()
    assert any("latency 0.500s" in r.getMessage() for r in caplog.records)
