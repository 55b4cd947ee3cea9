"""Observers see pushes and processing in order, on their own task; none attached costs nothing."""

from __future__ import annotations

import asyncio

from voxpipe.frames.frames import TextFrame
from voxpipe.observers.base_observer import BaseObserver, FrameProcessed, FramePushed
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineTask
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.tests.utils import run_test


class Pass(FrameProcessor):
    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)


class Collect(BaseObserver):
    def __init__(self):
        super().__init__()
        self.pushed: list[FramePushed] = []
        self.processed: list[FrameProcessed] = []
        self.started = 0

    async def on_push_frame(self, data):
        self.pushed.append(data)

    async def on_process_frame(self, data):
        self.processed.append(data)

    async def on_pipeline_started(self):
        self.started += 1


async def test_observer_sees_every_push_with_source_destination_and_time():
    a, b = Pass(name="A"), Pass(name="B")
    obs = Collect()
    await run_test(Pipeline([a, b]), frames_to_send=[TextFrame("x")], observers=[obs])
    hops = [(d.source.name, d.destination.name) for d in obs.pushed if isinstance(d.frame, TextFrame)]
    assert ("A", "B") in hops
    ab = [d for d in obs.pushed if isinstance(d.frame, TextFrame) and d.source is a][0]
    assert ab.direction is FrameDirection.DOWNSTREAM and ab.timestamp > 0
    assert any(p.processor is b and isinstance(p.frame, TextFrame) for p in obs.processed)
    assert obs.started == 1


async def test_a_slow_observer_does_not_slow_the_pipeline():
    class Sluggish(BaseObserver):
        async def on_push_frame(self, data):
            await asyncio.sleep(0.2)

    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await run_test(Pass(), frames_to_send=[TextFrame(str(i)) for i in range(20)], observers=[Sluggish()])
    # 20 frames x several pushes x 0.2 s would be tens of seconds if awaited inline;
    # the run ends after a bounded drain of the observer's queue instead
    assert loop.time() - t0 < 5


async def test_no_observer_means_no_observer_work():
    p = Pass()
    task = PipelineTask(Pipeline([p]), idle_timeout_secs=None)
    await task.stop_when_done()
    await asyncio.wait_for(PipelineRunner(handle_sigint=False).run(task), 2)
    assert p._fp_observer is None and p._fp_hooked is False and task._task_observer is None


async def test_observer_added_while_running_starts_receiving():
    p = Pass()
    obs = Collect()
    task = PipelineTask(Pipeline([p]), idle_timeout_secs=None)
    started = asyncio.Event()
    task.add_event_handler("on_pipeline_started", lambda t, f: started.set())
    run = asyncio.create_task(PipelineRunner(handle_sigint=False).run(task))
    await asyncio.wait_for(started.wait(), 2)
    task.add_observer(obs)
    await task.queue_frame(TextFrame("late"))
    await asyncio.sleep(0.05)
    await task.stop_when_done()
    await asyncio.wait_for(run, 2)
    assert any(isinstance(d.frame, TextFrame) for d in obs.pushed)
