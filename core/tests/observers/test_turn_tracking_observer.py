"""TurnTrackingObserver: counts turns, ends them on timeout or when the user speaks again, flags interruptions."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    StartFrame,
    TextFrame,
    UserStartedSpeakingFrame,
)
from voxpipe.observers.base_observer import FramePushed
from voxpipe.observers.turn_tracking_observer import TurnTrackingObserver
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.tests.utils import SleepFrame, run_test

pytestmark = pytest.mark.timeout(60)

SRC, DST = FrameProcessor(name="src"), FrameProcessor(name="dst")
S = 1_000_000_000


async def push(observer, frame, t_secs, direction=FrameDirection.DOWNSTREAM):
    await observer.on_push_frame(FramePushed(SRC, DST, frame, direction, int(t_secs * S)))


def recorder(observer):
    events = []

    @observer.event_handler("on_turn_started")
    def started(obs, turn_number):
        events.append(("started", turn_number))

    @observer.event_handler("on_turn_ended")
    def ended(obs, turn_number, duration, was_interrupted):
        events.append(("ended", turn_number, round(duration, 3), was_interrupted))

    return events


async def settle():
    for _ in range(5):
        await asyncio.sleep(0)


async def test_first_turn_starts_with_the_pipeline_and_ends_when_the_user_speaks_after_the_bot():
    obs = TurnTrackingObserver()
    events = recorder(obs)
    await push(obs, StartFrame(), 0.0)
    await push(obs, UserStartedSpeakingFrame(), 1.0)  # same turn: the bot has not answered yet
    await push(obs, BotStartedSpeakingFrame(), 2.0)
    await push(obs, BotStoppedSpeakingFrame(), 3.0)
    await push(obs, UserStartedSpeakingFrame(), 4.0)
    await settle()
    assert events == [("started", 1), ("ended", 1, 4.0, False), ("started", 2)]
    assert obs.turn_count == 2 and obs.is_turn_active
    await obs.cleanup()


async def test_user_speaking_over_the_bot_interrupts_the_turn():
    obs = TurnTrackingObserver()
    events = recorder(obs)
    await push(obs, StartFrame(), 0.0)
    await push(obs, BotStartedSpeakingFrame(), 0.5)
    await push(obs, UserStartedSpeakingFrame(), 1.5)
    await settle()
    assert events == [("started", 1), ("ended", 1, 1.5, True), ("started", 2)]
    await obs.cleanup()


async def test_turn_ends_after_the_timeout_unless_the_bot_speaks_again():
    obs = TurnTrackingObserver(turn_end_timeout_secs=0.05)
    events = recorder(obs)
    await push(obs, StartFrame(), 0.0)
    await push(obs, BotStartedSpeakingFrame(), 1.0)
    await push(obs, BotStoppedSpeakingFrame(), 2.0)
    await asyncio.sleep(0.01)
    await push(obs, BotStartedSpeakingFrame(), 2.01)  # keeps the turn open
    await push(obs, BotStoppedSpeakingFrame(), 3.0)
    await asyncio.sleep(0.15)
    assert events == [("started", 1), ("ended", 1, 3.05, False)]
    assert not obs.is_turn_active
    # the user speaking again opens turn 2
    await push(obs, UserStartedSpeakingFrame(), 5.0)
    await settle()
    assert events[-1] == ("started", 2)
    await obs.cleanup()


async def test_each_frame_counts_once_however_many_hops_and_siblings():
    obs = TurnTrackingObserver()
    events = recorder(obs)
    start = StartFrame()
    await push(obs, start, 0.0)
    await push(obs, start, 0.0)
    bot_down, bot_up = BotStartedSpeakingFrame(), BotStartedSpeakingFrame()
    bot_down.broadcast_sibling_id, bot_up.broadcast_sibling_id = bot_up.id, bot_down.id
    await push(obs, bot_down, 1.0)
    await push(obs, bot_up, 1.0, FrameDirection.UPSTREAM)
    user = UserStartedSpeakingFrame()
    await push(obs, user, 2.0)
    await push(obs, user, 2.0)
    await settle()
    assert events == [("started", 1), ("ended", 1, 2.0, True), ("started", 2)]
    await obs.cleanup()


async def test_end_and_cancel_close_the_open_turn():
    obs = TurnTrackingObserver()
    events = recorder(obs)
    await push(obs, StartFrame(), 0.0)
    await push(obs, BotStartedSpeakingFrame(), 1.0)
    await push(obs, BotStoppedSpeakingFrame(), 2.0)
    await push(obs, EndFrame(), 2.5)
    await settle()
    assert events[-1] == ("ended", 1, 2.5, False)

    obs2 = TurnTrackingObserver()
    events2 = recorder(obs2)
    await push(obs2, StartFrame(), 0.0)
    await push(obs2, BotStartedSpeakingFrame(), 1.0)
    await push(obs2, CancelFrame(), 1.5)
    await settle()
    assert events2[-1] == ("ended", 1, 1.5, True)
    await obs.cleanup()
    await obs2.cleanup()


async def test_default_construction_and_cleanup_cancels_the_timer():
    obs = TurnTrackingObserver()
    assert obs.event_names == ["on_turn_started", "on_turn_ended"]
    await push(obs, StartFrame(), 0.0)
    await push(obs, BotStartedSpeakingFrame(), 0.1)
    await push(obs, BotStoppedSpeakingFrame(), 0.2)  # 2.5 s timer pending
    await obs.cleanup()  # must not leave the timer running


class FakeBot(FrameProcessor):
    """Answers each text frame by 'speaking' (bot started / stopped)."""

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, TextFrame):
            await self.push_frame(BotStartedSpeakingFrame())
            await self.push_frame(BotStoppedSpeakingFrame())


async def test_in_a_running_pipeline():
    obs = TurnTrackingObserver(turn_end_timeout_secs=0.05)
    events = recorder(obs)
    await run_test(
        FakeBot(),
        frames_to_send=[TextFrame("hi"), SleepFrame(0.2), UserStartedSpeakingFrame(), TextFrame("again"), SleepFrame(0.2)],
        observers=[obs],
    )
    kinds = [e[:2] for e in events]
    assert kinds[:4] == [("started", 1), ("ended", 1), ("started", 2), ("ended", 2)]
