"""StartupTimingObserver: per-processor start durations from StartFrame propagation, and transport timing."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.frames.frames import BotConnectedFrame, ClientConnectedFrame, StartFrame
from voxpipe.observers.base_observer import FrameProcessed, FramePushed
from voxpipe.observers.startup_timing_observer import (
    StartupTimingObserver,
    StartupTimingReport,
    TransportTimingReport,
)
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.tests.utils import run_test

pytestmark = pytest.mark.timeout(60)

DOWN = FrameDirection.DOWNSTREAM


class SlowStart(FrameProcessor):
    def __init__(self, delay, **kw):
        super().__init__(**kw)
        self.delay = delay

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await asyncio.sleep(self.delay)
        await self.push_frame(frame, direction)


class Fast(SlowStart):
    def __init__(self, **kw):
        super().__init__(0.0, **kw)


def capture(observer):
    reports = {"startup": [], "transport": []}

    @observer.event_handler("on_startup_timing_report")
    def on_startup(obs, report):
        reports["startup"].append(report)

    @observer.event_handler("on_transport_timing_report")
    def on_transport(obs, report):
        reports["transport"].append(report)

    return reports


async def test_reports_each_processor_start_in_pipeline_order():
    obs = StartupTimingObserver()
    reports = capture(obs)
    slow, fast = SlowStart(0.1, name="slow"), Fast(name="fast")
    await run_test(Pipeline([slow, fast]), frames_to_send=[], observers=[obs])
    (report,) = reports["startup"]
    assert isinstance(report, StartupTimingReport)
    timings = [t for t in report.processor_timings if "Capture" not in t.processor_name]  # test harness
    names = [t.processor_name for t in timings]
    assert names == ["slow", "fast"]  # pipeline plumbing (task source/sink, Pipeline) is excluded
    slow_t, fast_t = timings
    assert 0.09 <= slow_t.duration_secs < 1.0
    assert fast_t.duration_secs < 0.05
    assert fast_t.start_offset_secs >= slow_t.start_offset_secs + 0.09
    assert report.total_duration_secs == pytest.approx(sum(t.duration_secs for t in report.processor_timings))
    assert report.start_time > 1e9  # a Unix timestamp


async def test_processor_types_filter():
    obs = StartupTimingObserver(processor_types=(SlowStart,))
    reports = capture(obs)
    await run_test(Pipeline([SlowStart(0.0, name="s"), FrameProcessorPass(name="p")]), frames_to_send=[], observers=[obs])
    assert [t.processor_name for t in reports["startup"][0].processor_timings] == ["s"]  # not "p", not the harness


class FrameProcessorPass(FrameProcessor):
    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)


async def test_transport_timing_with_injected_timestamps():
    obs = StartupTimingObserver()
    reports = capture(obs)
    a, b = FrameProcessorPass(name="a"), FrameProcessorPass(name="b")
    start = StartFrame()
    await obs.on_process_frame(FrameProcessed(a, start, DOWN, 0))
    await obs.on_push_frame(FramePushed(a, b, start, DOWN, 2_000_000))
    await obs.on_pipeline_started()
    await obs.on_push_frame(FramePushed(a, b, BotConnectedFrame(), DOWN, 500_000_000))
    client = ClientConnectedFrame()
    await obs.on_push_frame(FramePushed(a, b, client, DOWN, 1_500_000_000))
    await obs.on_push_frame(FramePushed(b, a, client, DOWN, 1_600_000_000))  # reported once
    await asyncio.sleep(0.01)
    (startup,) = reports["startup"]
    assert startup.processor_timings[0].duration_secs == pytest.approx(0.002)
    (transport,) = reports["transport"]
    assert isinstance(transport, TransportTimingReport)
    assert transport.bot_connected_secs == pytest.approx(0.5)
    assert transport.client_connected_secs == pytest.approx(1.5)


async def test_no_bot_connected_frame_means_none():
    obs = StartupTimingObserver()
    reports = capture(obs)
    a = FrameProcessorPass(name="a")
    await obs.on_process_frame(FrameProcessed(a, StartFrame(), DOWN, 0))
    await obs.on_push_frame(FramePushed(a, a, ClientConnectedFrame(), DOWN, 250_000_000))
    await asyncio.sleep(0.01)
    assert reports["transport"][0].bot_connected_secs is None
    assert reports["transport"][0].client_connected_secs == pytest.approx(0.25)
