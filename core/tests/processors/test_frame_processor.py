"""FrameProcessor: ordering, the two lanes, interruption, pause/resume, errors, events, metrics."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from voxpipe.frames.frames import (
    DataFrame,
    EndFrame,
    ErrorFrame,
    FrameProcessorPauseFrame,
    FrameProcessorResumeFrame,
    FrameProcessorResumeUrgentFrame,
    InterruptionFrame,
    MetricsFrame,
    SystemFrame,
    TextFrame,
    UninterruptibleFrame,
    UserStartedSpeakingFrame,
)
from voxpipe.metrics.metrics import TTFBMetricsData
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.task import PipelineParams
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.testing import SleepFrame, drive
from voxpipe.tests.utils import run_test


class PassThrough(FrameProcessor):
    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)


class Recorder(PassThrough):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.seen: list = []

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        self.seen.append(frame)


class Slow(PassThrough):
    """Sleeps on every TextFrame: a processor waiting on I/O."""

    def __init__(self, delay: float, own: bool = False, **kw):
        super().__init__(**kw)
        self.delay = delay
        self.cancelled = 0
        if own:
            self.own_lane = True

    async def process_frame(self, frame, direction):
        if isinstance(frame, TextFrame):
            try:
                await asyncio.sleep(self.delay)
            except asyncio.CancelledError:
                self.cancelled += 1
                raise
        await super().process_frame(frame, direction)


@dataclass
class PreciousFrame(DataFrame, UninterruptibleFrame):
    label: str = ""


def texts(frames):
    return [f.text for f in frames if isinstance(f, TextFrame)]


async def test_data_frames_come_out_in_the_order_they_went_in():
    down, _ = await run_test(
        Pipeline([PassThrough(), PassThrough()]),
        frames_to_send=[TextFrame(str(i)) for i in range(50)],
    )
    assert texts(down) == [str(i) for i in range(50)]


async def test_process_frame_sees_data_frames_one_at_a_time():
    class Overlap(FrameProcessor):
        own_lane = True

        def __init__(self):
            super().__init__()
            self.active = 0
            self.max_active = 0

        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame):
                self.active += 1
                self.max_active = max(self.max_active, self.active)
                await asyncio.sleep(0.001)
                self.active -= 1
            await self.push_frame(frame, direction)

    overlap = Overlap()
    await run_test(overlap, frames_to_send=[TextFrame(str(i)) for i in range(20)])
    assert overlap.max_active == 1


async def test_system_frames_never_wait_behind_data_frames():
    """A system frame overtakes data frames stuck behind a slow processor."""
    slow = Slow(0.05)
    after = Recorder()
    await run_test(
        Pipeline([slow, after]),
        frames_to_send=[TextFrame("a"), TextFrame("b"), UserStartedSpeakingFrame()],
    )
    kinds = [type(f).__name__ for f in after.seen if isinstance(f, (TextFrame, UserStartedSpeakingFrame))]
    assert kinds[0] == "UserStartedSpeakingFrame"
    assert kinds[1:] == ["TextFrame", "TextFrame"]


async def test_an_own_lane_processor_does_not_hold_up_the_processors_before_it():
    before = Recorder()
    slow = Slow(0.2, own=True)
    frames = [TextFrame("a"), TextFrame("b"), TextFrame("c"), SleepFrame(0.05)]
    result = await drive(Pipeline([before, slow]), frames, timeout=5)
    # all three passed `before` while `slow` was still busy with the first
    assert texts(before.seen) == ["a", "b", "c"]
    assert texts(result.downstream) == ["a", "b", "c"]


@pytest.mark.parametrize("own", [False, True])
async def test_interruption_discards_queued_data_and_cancels_work_in_flight(own):
    slow = Slow(0.05, own=own)
    sink = Recorder()
    frames = [TextFrame(f"stale-{i}") for i in range(20)]
    frames += [SleepFrame(0.08), InterruptionFrame(), SleepFrame(0.05), TextFrame("fresh")]
    await run_test(Pipeline([PassThrough(), slow, sink]), frames_to_send=frames)
    got = texts(sink.seen)
    assert got[-1] == "fresh"
    stale = [t for t in got if t.startswith("stale")]
    assert len(stale) <= 2  # at most what got through before the interruption
    assert slow.cancelled == 1
    # nothing stale arrives after the interruption
    seen_types = [type(f) for f in sink.seen]
    interruption_at = seen_types.index(InterruptionFrame)
    assert all(not (isinstance(f, TextFrame) and f.text.startswith("stale")) for f in sink.seen[interruption_at:])


async def test_interruption_keeps_uninterruptible_frames():
    slow = Slow(0.05)
    sink = Recorder()
    frames = [TextFrame("stale"), PreciousFrame(label="keep"), TextFrame("stale2")]
    frames += [SleepFrame(0.02), InterruptionFrame()]
    await run_test(Pipeline([slow, sink]), frames_to_send=frames)
    precious = [f for f in sink.seen if isinstance(f, PreciousFrame)]
    assert [p.label for p in precious] == ["keep"]
    assert "stale2" not in texts(sink.seen)


async def test_interruption_does_not_cancel_an_uninterruptible_frame_in_flight():
    class SlowPrecious(PassThrough):
        async def process_frame(self, frame, direction):
            if isinstance(frame, PreciousFrame):
                await asyncio.sleep(0.05)
            await super().process_frame(frame, direction)

    sink = Recorder()
    await run_test(
        Pipeline([SlowPrecious(), sink]),
        frames_to_send=[PreciousFrame(label="x"), SleepFrame(0.01), InterruptionFrame()],
    )
    assert [f.label for f in sink.seen if isinstance(f, PreciousFrame)] == ["x"]


async def test_pause_buffers_frames_until_an_urgent_resume():
    target = Recorder()
    frames = [
        FrameProcessorPauseFrame(processor=target),
        TextFrame("a"),
        TextFrame("b"),
        SleepFrame(0.05),
    ]
    down, _ = await run_test(
        target,
        frames_to_send=frames + [FrameProcessorResumeUrgentFrame(processor=target), SleepFrame(0.02)],
    )
    # while paused nothing got through; after the urgent resume both did, in order
    assert texts(target.seen) == ["a", "b"]
    assert texts(down) == ["a", "b"]


async def test_a_plain_resume_frame_is_stuck_behind_the_frames_buffered_while_paused():
    target = Recorder()
    from voxpipe.pipeline.runner import PipelineRunner
    from voxpipe.pipeline.task import PipelineTask

    task = PipelineTask(Pipeline([target]), idle_timeout_secs=None)
    runner = asyncio.create_task(PipelineRunner(handle_sigint=False).run(task))
    started = asyncio.Event()
    task.add_event_handler("on_pipeline_started", lambda t, f: started.set())
    await asyncio.wait_for(started.wait(), 2)
    await task.queue_frames(
        [FrameProcessorPauseFrame(processor=target), TextFrame("a"), FrameProcessorResumeFrame(processor=target)]
    )
    await asyncio.sleep(0.05)
    assert target.is_paused
    assert texts(target.seen) == []
    await task.queue_frame(FrameProcessorResumeUrgentFrame(processor=target))
    await asyncio.sleep(0.05)
    assert not target.is_paused
    assert texts(target.seen) == ["a"]
    await task.cancel()
    await asyncio.wait_for(runner, 5)


async def test_an_exception_in_process_frame_becomes_an_upstream_error_and_on_error():
    class Broken(PassThrough):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame) and frame.text == "boom":
                raise RuntimeError("kaput")

    broken = Broken()
    errors = []
    broken.add_event_handler("on_error", lambda p, e: errors.append(e))
    down, up = await run_test(broken, frames_to_send=[TextFrame("boom"), TextFrame("ok")])
    # PassThrough forwarded "boom" before raising; the pipeline kept going for "ok"
    assert texts(down) == ["boom", "ok"]
    assert [type(f) for f in up] == [ErrorFrame]
    assert "kaput" in up[0].error and up[0].processor is broken
    assert isinstance(up[0].exception, RuntimeError)
    assert errors == [up[0]]


async def test_push_error_reports_upstream():
    class Complains(PassThrough):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame):
                await self.push_error("bad input", fatal=False)

    _, up = await run_test(Complains(), frames_to_send=[TextFrame("x")], expected_up_frames=[ErrorFrame])
    assert up[0].error == "bad input" and up[0].fatal is False


async def test_processor_events_fire_synchronously_around_process_and_push():
    proc = PassThrough()
    log = []
    for event in ("on_before_process_frame", "on_after_process_frame", "on_before_push_frame", "on_after_push_frame"):
        proc.add_event_handler(event, lambda p, f, e=event: log.append((e, type(f).__name__)))
    await run_test(proc, frames_to_send=[TextFrame("x")])
    text_events = [e for e, name in log if name == "TextFrame"]
    assert text_events == [
        "on_before_process_frame",
        "on_before_push_frame",
        "on_after_push_frame",
        "on_after_process_frame",
    ]


async def test_frames_before_start_are_dropped_by_a_processor():
    proc = Recorder()
    await proc._receive(TextFrame("early"), FrameDirection.DOWNSTREAM)
    assert proc.seen == []


async def test_broadcast_frame_sends_linked_siblings_both_ways():
    class Broadcaster(PassThrough):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame):
                await self.broadcast_frame(UserStartedSpeakingFrame)
                await self.broadcast_frame_instance(TextFrame("copy"))

    down, up = await run_test(Broadcaster(), frames_to_send=[TextFrame("go")])
    d = [f for f in down if isinstance(f, UserStartedSpeakingFrame)][0]
    u = [f for f in up if isinstance(f, UserStartedSpeakingFrame)][0]
    assert d.broadcast_sibling_id == u.id and u.broadcast_sibling_id == d.id and d.id != u.id
    copies_down = [f for f in down if isinstance(f, TextFrame) and f.text == "copy"]
    copies_up = [f for f in up if isinstance(f, TextFrame) and f.text == "copy"]
    assert len(copies_down) == len(copies_up) == 1
    assert copies_down[0].broadcast_sibling_id == copies_up[0].id


async def test_ttfb_metrics_are_pushed_when_enabled_and_only_initial_when_asked():
    class Service(PassThrough):
        def can_generate_metrics(self):
            return True

        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame):
                await self.start_ttfb_metrics()
                await asyncio.sleep(0.01)
                await self.stop_ttfb_metrics()

    params = PipelineParams(enable_metrics=True, send_initial_empty_metrics=False)
    down, _ = await run_test(Service(), frames_to_send=[TextFrame("a"), TextFrame("b")], pipeline_params=params)
    metrics = [f for f in down if isinstance(f, MetricsFrame)]
    assert len(metrics) == 2
    assert isinstance(metrics[0].data[0], TTFBMetricsData) and metrics[0].data[0].value >= 0.009

    params = PipelineParams(enable_metrics=True, report_only_initial_ttfb=True, send_initial_empty_metrics=False)
    down, _ = await run_test(Service(), frames_to_send=[TextFrame("a"), TextFrame("b")], pipeline_params=params)
    assert len([f for f in down if isinstance(f, MetricsFrame)]) == 1

    down, _ = await run_test(Service(), frames_to_send=[TextFrame("a")])
    assert not [f for f in down if isinstance(f, MetricsFrame)]


async def test_system_frame_subclass_runs_at_once_on_a_busy_lane():
    @dataclass
    class Ping(SystemFrame):
        pass

    slow = Slow(0.1)
    after = Recorder()
    await run_test(Pipeline([slow, after]), frames_to_send=[TextFrame("a"), SleepFrame(0.01), Ping()])
    order = [type(f).__name__ for f in after.seen if type(f).__name__ in ("Ping", "TextFrame")]
    assert order == ["Ping", "TextFrame"]


async def test_end_frame_reaches_every_processor_after_the_queued_data():
    a, b = Recorder(), Recorder()
    await run_test(Pipeline([a, Slow(0.01), b]), frames_to_send=[TextFrame("1"), TextFrame("2")], send_end_frame=True)
    kinds = [type(f).__name__ for f in b.seen if isinstance(f, (TextFrame, EndFrame))]
    assert kinds == ["TextFrame", "TextFrame", "EndFrame"]


async def test_processing_and_usage_metrics_when_enabled():
    from voxpipe.metrics.metrics import (
        LLMTokenUsage,
        LLMUsageMetricsData,
        ProcessingMetricsData,
        TTSUsageMetricsData,
    )

    class Service(PassThrough):
        def can_generate_metrics(self):
            return True

        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame):
                await self.start_processing_metrics()
                await self.stop_processing_metrics()
                await self.start_llm_usage_metrics(LLMTokenUsage(prompt_tokens=3, completion_tokens=4, total_tokens=7))
                await self.start_tts_usage_metrics(frame.text)

    params = PipelineParams(enable_metrics=True, enable_usage_metrics=True, send_initial_empty_metrics=False)
    down, _ = await run_test(Service(), frames_to_send=[TextFrame("hello")], pipeline_params=params)
    data = [d for f in down if isinstance(f, MetricsFrame) for d in f.data]
    kinds = {type(d) for d in data}
    assert kinds == {ProcessingMetricsData, LLMUsageMetricsData, TTSUsageMetricsData}
    assert [d.value for d in data if isinstance(d, TTSUsageMetricsData)] == [5]
    assert [d.value.total_tokens for d in data if isinstance(d, LLMUsageMetricsData)] == [7]
    # usage metrics stay off unless enabled
    params = PipelineParams(enable_metrics=True, send_initial_empty_metrics=False)
    down, _ = await run_test(Service(), frames_to_send=[TextFrame("hello")], pipeline_params=params)
    assert {type(d) for f in down if isinstance(f, MetricsFrame) for d in f.data} == {ProcessingMetricsData}


async def test_initial_empty_metrics_frame_is_sent_when_metrics_are_on():
    down, _ = await run_test(
        PassThrough(), frames_to_send=[], pipeline_params=PipelineParams(enable_metrics=True)
    )
    assert [type(f) for f in down] == [MetricsFrame]


async def test_push_interruption_task_frame_and_wait_returns_after_the_interruption_passed():
    from voxpipe.frames.frames import InterruptionFrame as IF

    class Interrupter(PassThrough):
        def __init__(self):
            super().__init__()
            self.results = []
            self.seen_interruption_before_return = None

        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame) and frame.text == "barge":
                self.results.append(await self.push_interruption_task_frame_and_wait(timeout=1))

    proc = Interrupter()
    sink = Recorder()
    await run_test(Pipeline([proc, sink]), frames_to_send=[TextFrame("barge")])
    assert proc.results == [True]
    assert any(isinstance(f, IF) for f in sink.seen)


async def test_push_interruption_task_frame_and_wait_times_out_outside_a_task():
    proc = PassThrough()
    proc._fp_started = True
    assert await proc.push_interruption_task_frame_and_wait(timeout=0.05) is False


async def test_an_interruption_holds_even_if_the_job_swallows_the_cancellation():
    """Code that swallows CancelledError (asyncio.wait_for can, on 3.11) still pushes nothing stale."""

    class Swallower(FrameProcessor):
        own_lane = True

        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame) and frame.text == "story":
                for i in range(30):
                    try:
                        await asyncio.sleep(0.01)
                    except asyncio.CancelledError:
                        pass  # what the wait_for race looks like from here
                    await self.push_frame(TextFrame(f"word{i}"))
            else:
                await self.push_frame(frame, direction)

    sink = Recorder()
    await run_test(
        Pipeline([Swallower(), sink]),
        frames_to_send=[TextFrame("story"), SleepFrame(0.05), InterruptionFrame(), SleepFrame(0.1), TextFrame("next")],
    )
    seen = [f.text if isinstance(f, TextFrame) else type(f).__name__ for f in sink.seen if isinstance(f, (TextFrame, InterruptionFrame))]
    cut = seen.index("InterruptionFrame")
    assert all(not str(x).startswith("word") for x in seen[cut:])
    assert seen[-1] == "next"  # the lane keeps working afterwards
