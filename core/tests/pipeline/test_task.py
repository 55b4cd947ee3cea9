"""PipelineTask: lifecycle, terminal frames, errors, events, filters, heartbeats, idle detection."""

from __future__ import annotations

import asyncio
import logging

import pytest

from voxpipe.errors import ConfigurationError, PipelineError
from voxpipe.frames.frames import (
    BotSpeakingFrame,
    CancelFrame,
    CancelTaskFrame,
    EndFrame,
    EndTaskFrame,
    FatalErrorFrame,
    HeartbeatFrame,
    InterruptionFrame,
    InterruptionTaskFrame,
    StartFrame,
    StopFrame,
    StopTaskFrame,
    TextFrame,
)
from voxpipe.frames.frames import Frame
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor


class Recorder(FrameProcessor):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.seen: list[Frame] = []
        self.cleaned = False

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        self.seen.append(frame)
        await self.push_frame(frame, direction)

    async def cleanup(self):
        await super().cleanup()
        self.cleaned = True


class Slow(Recorder):
    own_lane = True

    async def process_frame(self, frame, direction):
        if isinstance(frame, TextFrame):
            await asyncio.sleep(0.02)
        await super().process_frame(frame, direction)


async def start(task: PipelineTask) -> asyncio.Task:
    started = asyncio.Event()
    task.add_event_handler("on_pipeline_started", lambda t, f: started.set())
    run = asyncio.create_task(PipelineRunner(handle_sigint=False, handle_sigterm=False).run(task))
    await asyncio.wait_for(started.wait(), 2)
    return run


def texts(frames):
    return [f.text for f in frames if isinstance(f, TextFrame)]


async def test_end_frame_drains_the_queue_in_order_then_finishes():
    rec = Recorder()
    task = PipelineTask(Pipeline([Slow(), rec]), idle_timeout_secs=None)
    finished = []
    task.add_event_handler("on_pipeline_finished", lambda t, f: finished.append(f))
    await task.queue_frames([TextFrame(str(i)) for i in range(5)])
    await task.stop_when_done()
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 5)
    assert texts(rec.seen) == ["0", "1", "2", "3", "4"]
    assert isinstance(rec.seen[-1], EndFrame)
    assert len(finished) == 1 and isinstance(finished[0], EndFrame)
    assert task.has_finished() and rec.cleaned


async def test_cancel_stops_at_once_without_processing_the_queue():
    rec = Recorder()
    task = PipelineTask(Pipeline([Slow(), rec]), idle_timeout_secs=None)
    run = await start(task)
    finished = []
    task.add_event_handler("on_pipeline_finished", lambda t, f: finished.append(f))
    await task.queue_frames([TextFrame(str(i)) for i in range(100)])
    await asyncio.sleep(0.05)
    await task.cancel()
    await asyncio.wait_for(run, 2)
    assert len(texts(rec.seen)) < 10
    assert isinstance(finished[0], CancelFrame)
    assert task.has_finished()


async def test_stop_frame_stops_the_flow_but_keeps_processors():
    rec = Recorder()
    task = PipelineTask(Pipeline([rec]), idle_timeout_secs=None)
    finished = []
    task.add_event_handler("on_pipeline_finished", lambda t, f: finished.append(f))
    await task.queue_frames([TextFrame("a"), StopFrame()])
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 2)
    assert isinstance(finished[0], StopFrame)
    assert not rec.cleaned


async def test_a_processor_that_ignores_cancellation_cannot_hang_cancel(caplog):
    class Stubborn(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, CancelFrame):
                for _ in range(4):
                    try:
                        await asyncio.sleep(0.25)
                    except asyncio.CancelledError:
                        continue  # refuses to die, for about a second
            await self.push_frame(frame, direction)

    task = PipelineTask(Pipeline([Stubborn()]), idle_timeout_secs=None, cancel_timeout_secs=0.2)
    run = await start(task)
    t0 = asyncio.get_running_loop().time()
    with caplog.at_level(logging.WARNING, logger="voxpipe"):
        await asyncio.wait_for(task.cancel(), 2)
        await asyncio.wait_for(run, 5)
    assert asyncio.get_running_loop().time() - t0 < 4
    assert "did not let the CancelFrame through" in caplog.text
    # the abandoned delivery ends by itself once the processor gives up refusing
    stragglers = [t for t in asyncio.all_tasks() if t.get_name().endswith("::cancel")]
    await asyncio.wait(stragglers, timeout=3)


async def test_error_frame_fires_on_pipeline_error_and_fatal_cancels():
    class Fails(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame):
                await self.push_error(f"bad {frame.text}", fatal=frame.text == "fatal")
            await self.push_frame(frame, direction)

    task = PipelineTask(Pipeline([Fails()]), idle_timeout_secs=None)
    errors, finished = [], []
    task.add_event_handler("on_pipeline_error", lambda t, f: errors.append(f))
    task.add_event_handler("on_pipeline_finished", lambda t, f: finished.append(f))
    await task.queue_frames([TextFrame("soft"), TextFrame("fatal")])
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 3)
    assert [e.error for e in errors] == ["bad soft", "bad fatal"]
    assert errors[1].fatal
    assert isinstance(finished[0], CancelFrame)


async def test_fatal_error_frame_class_cancels():
    task = PipelineTask(Pipeline([Recorder()]), idle_timeout_secs=None)
    run = await start(task)
    await task.queue_frame(FatalErrorFrame(error="boom"), FrameDirection.UPSTREAM)
    await asyncio.wait_for(run, 3)
    assert task.has_finished()


@pytest.mark.parametrize(
    "task_frame, terminal",
    [(EndTaskFrame(), EndFrame), (StopTaskFrame(), StopFrame), (CancelTaskFrame(), CancelFrame)],
)
async def test_task_frames_pushed_upstream_end_the_task(task_frame, terminal):
    class Ender(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            await self.push_frame(frame, direction)
            if isinstance(frame, TextFrame):
                await self.push_frame(task_frame, FrameDirection.UPSTREAM)

    task = PipelineTask(Pipeline([Ender()]), idle_timeout_secs=None)
    finished = []
    task.add_event_handler("on_pipeline_finished", lambda t, f: finished.append(f))
    await task.queue_frame(TextFrame("bye"))
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 3)
    assert isinstance(finished[0], terminal)


async def test_interruption_task_frame_sends_an_interruption_downstream():
    rec = Recorder()

    class Interrupter(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            await self.push_frame(frame, direction)
            if isinstance(frame, TextFrame):
                await self.push_frame(InterruptionTaskFrame(), FrameDirection.UPSTREAM)

    task = PipelineTask(Pipeline([Interrupter(), rec]), idle_timeout_secs=None)
    run = await start(task)
    await task.queue_frame(TextFrame("x"))
    await asyncio.sleep(0.05)
    await task.stop_when_done()
    await asyncio.wait_for(run, 2)
    assert any(isinstance(f, InterruptionFrame) for f in rec.seen)


async def test_params_reach_the_start_frame():
    rec = Recorder()
    params = PipelineParams(
        audio_in_sample_rate=8000,
        audio_out_sample_rate=22050,
        enable_metrics=True,
        enable_usage_metrics=True,
        report_only_initial_ttfb=True,
        start_metadata={"conversation": "c-1"},
    )
    task = PipelineTask(Pipeline([rec]), params=params, idle_timeout_secs=None)
    await task.stop_when_done()
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 2)
    start_frame = rec.seen[0]
    assert isinstance(start_frame, StartFrame)
    assert start_frame.audio_in_sample_rate == 8000 and start_frame.audio_out_sample_rate == 22050
    assert start_frame.enable_metrics and start_frame.enable_usage_metrics and start_frame.report_only_initial_ttfb
    assert start_frame.metadata["conversation"] == "c-1"
    assert rec.metrics_enabled and rec.usage_metrics_enabled


async def test_frames_queued_before_the_run_go_after_the_start_frame():
    rec = Recorder()
    task = PipelineTask(Pipeline([rec]), idle_timeout_secs=None)
    await task.queue_frames([TextFrame("early"), EndFrame()])
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 2)
    assert isinstance(rec.seen[0], StartFrame)
    assert texts(rec.seen) == ["early"]


async def test_queue_frames_accepts_async_iterables_and_upstream_direction():
    head = Recorder()
    task = PipelineTask(Pipeline([head, Recorder()]), idle_timeout_secs=None)
    run = await start(task)

    async def gen():
        for i in range(3):
            yield TextFrame(f"up{i}")

    await task.queue_frames(gen(), direction=FrameDirection.UPSTREAM)
    await asyncio.sleep(0.05)
    await task.stop_when_done()
    await asyncio.wait_for(run, 2)
    ups = [f.text for f in head.seen if isinstance(f, TextFrame)]
    assert ups == ["up0", "up1", "up2"]


async def test_reached_filters_fire_only_for_registered_types():
    class Bouncer(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            await self.push_frame(frame, direction)
            if isinstance(frame, TextFrame):
                await self.push_frame(TextFrame(f"up-{frame.text}"), FrameDirection.UPSTREAM)

    task = PipelineTask(Pipeline([Bouncer()]), idle_timeout_secs=None)
    down, up = [], []
    task.add_event_handler("on_frame_reached_downstream", lambda t, f: down.append(f))
    task.add_event_handler("on_frame_reached_upstream", lambda t, f: up.append(f))
    task.set_reached_downstream_filter((TextFrame,))
    task.add_reached_upstream_filter((TextFrame,))
    await task.queue_frames([TextFrame("a"), EndFrame()])
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 2)
    await asyncio.sleep(0.01)
    assert texts(down) == ["a"]
    assert texts(up) == ["up-a"]


async def test_no_reached_events_without_a_filter():
    task = PipelineTask(Pipeline([Recorder()]), idle_timeout_secs=None)
    down = []
    task.add_event_handler("on_frame_reached_downstream", lambda t, f: down.append(f))
    await task.queue_frames([TextFrame("a"), EndFrame()])
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 2)
    assert down == []


async def test_idle_timeout_fires_and_cancels_by_default():
    task = PipelineTask(Pipeline([Recorder()]), idle_timeout_secs=0.1)
    idle, finished = [], []
    task.add_event_handler("on_idle_timeout", lambda t: idle.append(t))
    task.add_event_handler("on_pipeline_finished", lambda t, f: finished.append(f))
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 3)
    assert idle == [task]
    assert isinstance(finished[0], CancelFrame)


async def test_activity_frames_keep_the_task_alive_and_no_cancel_when_disabled():
    task = PipelineTask(
        Pipeline([Recorder()]),
        idle_timeout_secs=0.15,
        idle_timeout_frames=(BotSpeakingFrame,),
        cancel_on_idle_timeout=False,
    )
    idle = []
    task.add_event_handler("on_idle_timeout", lambda t: idle.append(asyncio.get_running_loop().time()))
    run = await start(task)
    t0 = asyncio.get_running_loop().time()
    for _ in range(4):
        await task.queue_frame(BotSpeakingFrame())
        await asyncio.sleep(0.08)
    assert idle == []  # activity kept resetting the timer
    await asyncio.sleep(0.25)
    assert len(idle) >= 1 and idle[0] - t0 > 0.3
    assert not run.done()  # not cancelled
    await task.cancel()
    await asyncio.wait_for(run, 2)


async def test_heartbeats_flow_and_a_stall_is_warned_about(caplog):
    beats = []

    class Watch(Recorder):
        async def process_frame(self, frame, direction):
            if isinstance(frame, HeartbeatFrame):
                beats.append(frame)
            await super().process_frame(frame, direction)

    task = PipelineTask(
        Pipeline([Watch()]),
        params=PipelineParams(enable_heartbeats=True, heartbeats_period_secs=0.02),
        idle_timeout_secs=None,
    )
    run = await start(task)
    await asyncio.sleep(0.1)
    assert len(beats) >= 2

    class Staller(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame):
                await asyncio.sleep(0.5)
            await self.push_frame(frame, direction)

    await task.cancel()
    await asyncio.wait_for(run, 2)

    task = PipelineTask(
        Pipeline([Staller()]),
        params=PipelineParams(enable_heartbeats=True, heartbeats_period_secs=0.02),
        idle_timeout_secs=None,
    )
    run = await start(task)
    with caplog.at_level(logging.WARNING, logger="voxpipe"):
        await task.queue_frame(TextFrame("stall"))
        await asyncio.sleep(0.4)
    assert "heartbeat frame not received for more than 0.2 seconds" in caplog.text
    await task.cancel()
    await asyncio.wait_for(run, 2)


async def test_deprecated_lifecycle_events_warn_and_still_fire():
    task = PipelineTask(Pipeline([Recorder()]), idle_timeout_secs=None)
    ended = []
    with pytest.warns(DeprecationWarning, match="on_pipeline_ended"):
        task.add_event_handler("on_pipeline_ended", lambda t, f: ended.append(f))
    await task.stop_when_done()
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 2)
    await asyncio.sleep(0.01)
    assert len(ended) == 1 and isinstance(ended[0], EndFrame)


async def test_six_task_events_exist_and_unknown_ones_are_rejected():
    task = PipelineTask(Pipeline([Recorder()]))
    for event in (
        "on_pipeline_started",
        "on_pipeline_finished",
        "on_pipeline_error",
        "on_frame_reached_upstream",
        "on_frame_reached_downstream",
        "on_idle_timeout",
    ):
        task.add_event_handler(event, lambda *a: None)
    from voxpipe.errors import UnknownEventError

    with pytest.raises(UnknownEventError, match="on_pipeline_strated"):
        task.add_event_handler("on_pipeline_strated", lambda *a: None)


async def test_a_task_runs_once():
    task = PipelineTask(Pipeline([Recorder()]), idle_timeout_secs=None)
    await task.stop_when_done()
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 2)
    with pytest.raises(PipelineError, match="already run"):
        await task.run()


def test_bad_parameters_get_clear_errors():
    with pytest.raises(ConfigurationError):
        PipelineParams(heartbeats_period_secs=0)
    with pytest.raises(ConfigurationError):
        PipelineTask(Pipeline([]), idle_timeout_secs=-1)
    with pytest.raises(TypeError, match="FrameProcessor"):
        PipelineTask("not a pipeline")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="FrameProcessor"):
        Pipeline([object()])  # type: ignore[list-item]
    p = Recorder()
    with pytest.raises(ValueError, match="twice"):
        Pipeline([p, p])


async def test_deprecated_params_warn():
    with pytest.warns(DeprecationWarning, match="interruption_strategies"):
        PipelineParams(interruption_strategies=[object()])


async def test_cancelling_the_runner_task_cancels_the_pipeline_cleanly():
    rec = Recorder()
    task = PipelineTask(Pipeline([rec]), idle_timeout_secs=None)
    run = await start(task)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert task.has_finished() and rec.cleaned


async def test_turn_tracking_observer_on_request_and_absent_when_disabled():
    task = PipelineTask(Pipeline([Recorder()]), idle_timeout_secs=None)
    observer = task.turn_tracking_observer
    from voxpipe.observers.turn_tracking_observer import TurnTrackingObserver

    assert isinstance(observer, TurnTrackingObserver) and observer in task.observers
    await task.stop_when_done()
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 2)

    off = PipelineTask(Pipeline([Recorder()]), idle_timeout_secs=None, enable_turn_tracking=False)
    assert off.turn_tracking_observer is None and off.observers == []


async def test_a_transport_pipeline_gets_turn_tracking_automatically():
    from voxpipe.testing.loopback_transport import LoopbackTransport

    transport = LoopbackTransport()
    task = PipelineTask(Pipeline([transport.input(), transport.output()]), idle_timeout_secs=None)
    assert task._turn_tracking_observer is not None
