"""voxpipe.tests.utils keeps the contract of Pipecat's test helper (spec/test-helpers.md)."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.frames.frames import EndFrame, HeartbeatFrame, StartFrame, TextFrame
from voxpipe.pipeline.task import PipelineParams
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.testing import drive
from voxpipe.tests.utils import HeartbeatsObserver, SleepFrame, run_test


class Pass(FrameProcessor):
    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)


async def test_expected_frames_match_by_isinstance_in_order():
    down, up = await run_test(
        Pass(), frames_to_send=[TextFrame("a"), TextFrame("b")], expected_down_frames=[TextFrame, TextFrame]
    )
    assert [f.text for f in down] == ["a", "b"] and up == []


async def test_a_mismatch_prints_both_lists_and_fails(capsys):
    with pytest.raises(AssertionError):
        await run_test(Pass(), frames_to_send=[TextFrame("a")], expected_down_frames=[EndFrame])
    out = capsys.readouterr().out
    assert "received down frames: ['TextFrame']" in out
    assert "expected down frames: ['EndFrame']" in out


async def test_upstream_injection_enters_after_the_processor_and_is_captured_at_the_head():
    down, up = await run_test(
        Pass(),
        frames_to_send=[TextFrame("up")],
        frames_to_send_direction=FrameDirection.UPSTREAM,
        expected_up_frames=[TextFrame],
    )
    assert up[0].text == "up"


async def test_ignore_start_false_keeps_the_start_frame_and_send_end_false_keeps_end_frames():
    down, _ = await run_test(
        Pass(), frames_to_send=[TextFrame("x"), EndFrame()], ignore_start=False, send_end_frame=False
    )
    assert [type(f) for f in down] == [StartFrame, TextFrame, EndFrame]


async def test_sleep_frames_only_pause_the_injector():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    down, _ = await run_test(Pass(), frames_to_send=[SleepFrame(sleep=0.1), TextFrame("late")])
    assert loop.time() - t0 >= 0.1
    assert [type(f) for f in down] == [TextFrame]
    assert SleepFrame().sleep == 0.2


async def test_heartbeats_observer_calls_back_for_the_target():
    target = Pass()
    beats = []

    async def on_beat(processor, frame):
        beats.append((processor, frame))

    await run_test(
        target,
        frames_to_send=[SleepFrame(sleep=0.15)],
        observers=[HeartbeatsObserver(target=target, heartbeat_callback=on_beat)],
        pipeline_params=PipelineParams(enable_heartbeats=True, heartbeats_period_secs=0.02),
    )
    assert beats and all(p is target and isinstance(f, HeartbeatFrame) for p, f in beats)


async def test_drive_times_out_with_what_it_captured():
    class Stall(Pass):
        async def process_frame(self, frame, direction):
            if isinstance(frame, EndFrame):
                await asyncio.sleep(10)
            await super().process_frame(frame, direction)

    with pytest.raises(TimeoutError, match="TextFrame"):
        await drive(Stall(), [TextFrame("x")], timeout=0.2)


async def test_start_timeout_is_enforced():
    class SlowStart(Pass):
        async def process_frame(self, frame, direction):
            if isinstance(frame, StartFrame):
                await asyncio.sleep(0.5)
            await super().process_frame(frame, direction)

    with pytest.raises(TimeoutError, match="did not start"):
        await run_test(SlowStart(), frames_to_send=[], start_timeout=0.05)
