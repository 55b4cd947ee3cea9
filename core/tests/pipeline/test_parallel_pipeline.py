"""ParallelPipeline: every branch sees every frame; the merged output keeps the documented order."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.frames.frames import StartFrame, TextFrame, UserStartedSpeakingFrame
from voxpipe.pipeline.parallel_pipeline import ParallelPipeline
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.tests.utils import run_test


class Tag(FrameProcessor):
    """Turns each TextFrame into a new one tagged with this branch's label."""

    def __init__(self, label: str, delay: float = 0.0, **kw):
        super().__init__(**kw)
        self.label = label
        self.delay = delay

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if isinstance(frame, TextFrame) and direction is FrameDirection.DOWNSTREAM:
            if self.delay:
                await asyncio.sleep(self.delay)
            await self.push_frame(TextFrame(f"{self.label}:{frame.text}"))
        else:
            await self.push_frame(frame, direction)


class Record(FrameProcessor):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.seen = []

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        self.seen.append(frame)
        await self.push_frame(frame, direction)


async def test_every_branch_gets_every_frame_and_outputs_merge():
    down, _ = await run_test(
        ParallelPipeline([Tag("a")], [Tag("b")]),
        frames_to_send=[TextFrame("1"), TextFrame("2")],
    )
    assert sorted(f.text for f in down if isinstance(f, TextFrame)) == ["a:1", "a:2", "b:1", "b:2"]


async def test_system_frames_and_passthrough_frames_leave_once():
    down, _ = await run_test(
        ParallelPipeline([Record()], [Record()], [Record()]),
        frames_to_send=[UserStartedSpeakingFrame(), TextFrame("same")],
    )
    assert [type(f) for f in down] == [UserStartedSpeakingFrame, TextFrame]


async def test_start_frame_leaves_once_before_anything_the_branches_produced():
    class Eager(FrameProcessor):
        """Emits a frame right after passing the StartFrame on, while the other branch has not started."""

        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            await self.push_frame(frame, direction)
            if isinstance(frame, StartFrame):
                await self.push_frame(TextFrame("hello from start"))

    down, _ = await run_test(ParallelPipeline([Eager()], [Record()]), frames_to_send=[], ignore_start=False)
    assert isinstance(down[0], StartFrame)
    assert [type(f) for f in down].count(StartFrame) == 1
    assert [f.text for f in down if isinstance(f, TextFrame)] == ["hello from start"]


async def test_end_frame_waits_for_every_branch_to_flush():
    after = Record()
    await run_test(
        Pipeline([ParallelPipeline([Tag("fast")], [Tag("slow", delay=0.05)]), after]),
        frames_to_send=[TextFrame("x")],
        send_end_frame=True,
    )
    kinds = [f.text if isinstance(f, TextFrame) else type(f).__name__ for f in after.seen]
    assert kinds.index("EndFrame") > kinds.index("slow:x")
    assert kinds.count("EndFrame") == 1


async def test_upstream_frames_go_up_every_branch_and_leave_once():
    head = Record()
    await run_test(
        Pipeline([head, ParallelPipeline([Record()], [Record()])]),
        frames_to_send=[TextFrame("up")],
        frames_to_send_direction=FrameDirection.UPSTREAM,
    )
    assert [f.text for f in head.seen if isinstance(f, TextFrame)] == ["up"]


async def test_cancel_reaches_every_branch():
    branches = [Record(), Record()]
    from voxpipe.pipeline.runner import PipelineRunner
    from voxpipe.pipeline.task import PipelineTask

    task = PipelineTask(Pipeline([ParallelPipeline([branches[0]], [branches[1]])]), idle_timeout_secs=None)
    run = asyncio.create_task(PipelineRunner(handle_sigint=False).run(task))
    await asyncio.sleep(0.05)
    await task.cancel()
    await asyncio.wait_for(run, 2)
    from voxpipe.frames.frames import CancelFrame

    assert all(any(isinstance(f, CancelFrame) for f in b.seen) for b in branches)


def test_needs_branches():
    with pytest.raises(ValueError):
        ParallelPipeline()
    with pytest.raises(TypeError):
        ParallelPipeline(Record())  # type: ignore[arg-type]
