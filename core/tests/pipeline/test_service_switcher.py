"""ServiceSwitcher / LLMSwitcher: frames flow through exactly one service, switchable at runtime."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.frames.frames import (
    EndFrame,
    ErrorFrame,
    InterruptionFrame,
    ManuallySwitchServiceFrame,
    ServiceMetadataFrame,
    ServiceSwitcherRequestMetadataFrame,
    ServiceUpdateSettingsFrame,
    StartFrame,
    TextFrame,
)
from voxpipe.pipeline.llm_switcher import LLMSwitcher
from voxpipe.pipeline.parallel_pipeline import ParallelPipeline
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.service_switcher import (
    ServiceSwitcher,
    ServiceSwitcherStrategy,
    ServiceSwitcherStrategyFailover,
    ServiceSwitcherStrategyManual,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.tests.utils import SleepFrame, run_test

pytestmark = pytest.mark.timeout(60)


class FakeService(FrameProcessor):
    """Tags text with its label, records what it saw, announces metadata like a service."""

    def __init__(self, label: str, own: bool = False, **kw):
        super().__init__(name=label, **kw)
        self.label = label
        self.seen: list = []
        if own:
            self.own_lane = True

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        self.seen.append(frame)
        if isinstance(frame, TextFrame) and direction is FrameDirection.DOWNSTREAM:
            if frame.text == "fail":
                await self.push_error(f"{self.label} failed")
                return
            await self.push_frame(TextFrame(f"{self.label}:{frame.text}"))
            return
        await self.push_frame(frame, direction)
        if isinstance(frame, StartFrame) or (
            isinstance(frame, ServiceSwitcherRequestMetadataFrame) and frame.service is self
        ):
            await self.push_frame(ServiceMetadataFrame(service_name=self.label))

    def texts(self):
        return [f.text for f in self.seen if isinstance(f, TextFrame)]


def texts(frames):
    return [f.text for f in frames if isinstance(f, TextFrame)]


@pytest.mark.parametrize("own_lane", [False, True])
async def test_only_the_active_service_sees_frames_and_switching_reroutes(own_lane):
    a, b = FakeService("a", own=own_lane), FakeService("b", own=own_lane)
    switcher = ServiceSwitcher(services=[a, b])
    down, _ = await run_test(
        switcher,
        frames_to_send=[
            TextFrame("1"),
            ManuallySwitchServiceFrame(service=b),
            TextFrame("2"),
            ManuallySwitchServiceFrame(service=a),
            TextFrame("3"),
        ],
    )
    if own_lane:  # services on their own tasks run side by side: nothing is lost
        assert sorted(texts(down)) == ["a:1", "a:3", "b:2"]
    else:
        assert texts(down) == ["a:1", "b:2", "a:3"]
    assert a.texts() == ["1", "3"] and b.texts() == ["2"]
    assert switcher.active_service is a


async def test_lifecycle_frames_reach_every_service_and_leave_once():
    a, b, c = FakeService("a", own=True), FakeService("b"), FakeService("c", own=True)
    down, _ = await run_test(
        ServiceSwitcher(services=[a, b, c]),
        frames_to_send=[TextFrame("x")],
        ignore_start=False,
    )
    for s in (a, b, c):
        assert any(isinstance(f, StartFrame) for f in s.seen)
        assert any(isinstance(f, EndFrame) for f in s.seen)
    assert [type(f) for f in down].count(StartFrame) == 1
    # only the active service's start-up metadata gets out, after the StartFrame
    meta = [f.service_name for f in down if isinstance(f, ServiceMetadataFrame)]
    assert meta == ["a"]
    assert isinstance(down[0], StartFrame)


async def test_switch_asks_the_new_service_to_reannounce_and_passes_the_switch_frame_on():
    a, b = FakeService("a"), FakeService("b")
    switcher = ServiceSwitcher(services=[a, b])
    down, _ = await run_test(switcher, frames_to_send=[ManuallySwitchServiceFrame(service=b)])
    assert [type(f) for f in down] == [ServiceMetadataFrame, ServiceMetadataFrame, ManuallySwitchServiceFrame]
    assert [f.service_name for f in down[:2]] == ["a", "b"]  # a at start-up, b after the switch
    assert any(isinstance(f, ServiceSwitcherRequestMetadataFrame) for f in b.seen)


class Slow(FakeService):
    own_lane = True

    async def process_frame(self, frame, direction):
        if isinstance(frame, TextFrame):
            await asyncio.sleep(0.05)
        await super().process_frame(frame, direction)


async def test_switching_drains_work_already_sent_to_the_old_service():
    slow, fast = Slow("slow"), FakeService("fast")
    down, _ = await run_test(
        ServiceSwitcher(services=[slow, fast]),
        frames_to_send=[TextFrame("1"), TextFrame("2"), ManuallySwitchServiceFrame(service=fast), TextFrame("3"), SleepFrame(0.3)],
    )
    assert slow.texts() == ["1", "2"] and fast.texts() == ["3"]
    assert texts(down) == ["fast:3", "slow:1", "slow:2"]
    # the switch frame leaves after everything the old service produced
    kinds = [type(f) for f in down if isinstance(f, (TextFrame, ManuallySwitchServiceFrame))]
    assert kinds[-1] is ManuallySwitchServiceFrame


async def test_switch_frames_for_other_switchers_pass_through_unchanged():
    a, b = FakeService("a"), FakeService("b")
    x, y = FakeService("x"), FakeService("y")
    stt_like = ServiceSwitcher(services=[a, b])
    tts_like = ServiceSwitcher(services=[x, y])
    down, _ = await run_test(
        Pipeline([stt_like, tts_like]),
        frames_to_send=[ManuallySwitchServiceFrame(service=y), TextFrame("t")],
    )
    assert stt_like.active_service is a and tts_like.active_service is y
    assert texts(down) == ["y:a:t"]


async def test_unknown_service_is_ignored():
    a, b = FakeService("a"), FakeService("b")
    switcher = ServiceSwitcher(services=[a, b])
    down, _ = await run_test(
        switcher, frames_to_send=[ManuallySwitchServiceFrame(service=FakeService("z")), TextFrame("1")]
    )
    assert switcher.active_service is a
    assert texts(down) == ["a:1"]


async def test_frames_addressed_to_an_inactive_service_reach_it():
    a, b = FakeService("a"), FakeService("b")
    update = ServiceUpdateSettingsFrame(settings={"voice": "v"}, service=b)
    await run_test(ServiceSwitcher(services=[a, b]), frames_to_send=[update])
    assert update in b.seen and update not in a.seen


async def test_interruptions_reach_every_service_but_leave_once():
    a, b = FakeService("a"), FakeService("b")
    down, _ = await run_test(ServiceSwitcher(services=[a, b]), frames_to_send=[InterruptionFrame()])
    assert [type(f) for f in down] == [ServiceMetadataFrame, InterruptionFrame]
    assert any(isinstance(f, InterruptionFrame) for f in b.seen)


async def test_events_fire_on_switcher_and_strategy():
    a, b = FakeService("a"), FakeService("b")
    switcher = ServiceSwitcher(services=[a, b])
    calls = []

    @switcher.event_handler("on_service_switched")
    async def on_switch(sw, service):
        calls.append(("switcher", sw, service))

    @switcher.strategy.event_handler("on_service_switched")
    async def on_strategy_switch(strategy, service):
        calls.append(("strategy", strategy, service))

    await run_test(switcher, frames_to_send=[ManuallySwitchServiceFrame(service=b), SleepFrame(0.05)])
    assert ("switcher", switcher, b) in calls
    assert ("strategy", switcher.strategy, b) in calls


async def test_failover_moves_to_the_next_service_on_a_non_fatal_error():
    a, b = FakeService("a", own=True), FakeService("b", own=True)
    switcher = ServiceSwitcher(services=[a, b], strategy_type=ServiceSwitcherStrategyFailover)
    assert isinstance(switcher.strategy, ServiceSwitcherStrategyFailover)
    down, up = await run_test(
        switcher,
        frames_to_send=[TextFrame("fail"), SleepFrame(0.05), TextFrame("after"), SleepFrame(0.05)],
    )
    assert switcher.active_service is b
    assert texts(down) == ["b:after"]
    assert [type(f) for f in up] == [ErrorFrame]  # the error is reported, not swallowed


async def test_failover_wraps_around():
    a, b = FakeService("a"), FakeService("b")
    switcher = ServiceSwitcher(services=[a, b], strategy_type=ServiceSwitcherStrategyFailover)
    down, _ = await run_test(
        switcher, frames_to_send=[TextFrame("fail"), TextFrame("fail"), TextFrame("ok")]
    )
    assert switcher.active_service is a
    assert texts(down) == ["a:ok"]


async def test_manual_strategy_does_not_fail_over():
    a, b = FakeService("a"), FakeService("b")
    switcher = ServiceSwitcher(services=[a, b])
    await run_test(switcher, frames_to_send=[TextFrame("fail")])
    assert switcher.active_service is a


async def test_custom_strategy():
    class Alternate(ServiceSwitcherStrategy):
        async def handle_frame(self, frame, direction):
            nxt = self.services[(self.services.index(self.active_service) + 1) % len(self.services)]
            return await self.switch_to(nxt)

    a, b = FakeService("a"), FakeService("b")
    switcher = ServiceSwitcher(services=[a, b], strategy_type=Alternate)
    down, _ = await run_test(
        switcher,
        frames_to_send=[ManuallySwitchServiceFrame(service=a), TextFrame("1"), ManuallySwitchServiceFrame(service=a), TextFrame("2")],
    )
    assert texts(down) == ["b:1", "a:2"]


def test_constructor_validation():
    a = FakeService("a")
    with pytest.raises(ValueError):
        ServiceSwitcher(services=[])
    with pytest.raises(ValueError):
        ServiceSwitcher(services=[a, a])
    with pytest.raises(TypeError):
        ServiceSwitcher(services=[a], strategy_type=ServiceSwitcherStrategyManual([a]))
    assert isinstance(ServiceSwitcher(services=[FakeService("b")]).strategy, ServiceSwitcherStrategyManual)


async def test_switcher_inside_a_parallel_pipeline():
    a, b = FakeService("a"), FakeService("b")
    down, _ = await run_test(
        ParallelPipeline([ServiceSwitcher(services=[a, b])], [FakeService("c")]),
        frames_to_send=[TextFrame("1")],
    )
    assert sorted(texts(down)) == ["a:1", "c:1"]


# -- LLMSwitcher ------------------------------------------------------------------------


class FakeLLM(FakeService):
    def __init__(self, label):
        super().__init__(label)
        self.functions: list = []
        self.direct: list = []

    def register_function(self, function_name, handler, start_callback=None, *, cancel_on_interruption=True, timeout_secs=None):
        self.functions.append((function_name, handler, cancel_on_interruption, timeout_secs))

    def register_direct_function(self, handler, *, cancel_on_interruption=True, timeout_secs=None):
        self.direct.append((handler, cancel_on_interruption, timeout_secs))

    async def run_inference(self, context, **kwargs):
        return f"{self.label}:{context}:{kwargs.get('max_tokens')}"


async def test_llm_switcher_registers_functions_with_every_llm():
    one, two = FakeLLM("one"), FakeLLM("two")
    switcher = LLMSwitcher(llms=[one, two])

    async def handler(params):
        pass

    async def get_time():
        pass

    switcher.register_function("get_weather", handler, timeout_secs=3.0)
    switcher.register_function(None, handler, cancel_on_interruption=False)
    switcher.register_direct_function(get_time)
    for llm in (one, two):
        assert llm.functions == [("get_weather", handler, True, 3.0), (None, handler, False, None)]
        assert llm.direct == [(get_time, True, None)]
    assert switcher.llms == [one, two] and switcher.active_llm is one


async def test_llm_switcher_runs_inference_on_the_active_llm():
    one, two = FakeLLM("one"), FakeLLM("two")
    switcher = LLMSwitcher(llms=[one, two])
    assert await switcher.run_inference("ctx", max_tokens=5) == "one:ctx:5"
    down, _ = await run_test(switcher, frames_to_send=[ManuallySwitchServiceFrame(service=two), TextFrame("q")])
    assert texts(down) == ["two:q"]
    assert await switcher.run_inference("ctx") == "two:ctx:None"


async def test_register_function_start_callback_is_deprecated():
    one = FakeLLM("one")
    switcher = LLMSwitcher(llms=[one])
    with pytest.warns(DeprecationWarning):
        switcher.register_function("f", lambda p: None, start_callback=lambda: None)
    await asyncio.sleep(0)
