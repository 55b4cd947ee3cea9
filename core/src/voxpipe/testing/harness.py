"""The harness behind :func:`voxpipe.testing.drive` and ``voxpipe.tests.utils.run_test``.

It builds ``[head capture] → processor → [tail capture]`` inside a
:class:`~voxpipe.pipeline.task.PipelineTask` (idle detection off), waits for the
pipeline to start, injects the frames (a :class:`SleepFrame` only pauses the
injector), optionally ends with an ``EndFrame``, and returns what each capture
stage saw. Every wait is bounded: a run that does not finish within
``timeout`` is cancelled and reported with what was captured so far.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from voxpipe.errors import PipelineError
from voxpipe.frames._base import Frame, SystemFrame
from voxpipe.frames.frames import EndFrame, StartFrame
from voxpipe.observers.base_observer import BaseObserver
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["CaptureProcessor", "DriveResult", "SleepFrame", "drive"]


@dataclass
class SleepFrame(SystemFrame):
    """A marker for the harness: wait ``sleep`` seconds before injecting the next frame.

    It is never sent into the pipeline.

    Attributes:
        sleep: Seconds to wait.
    """

    sleep: float = 0.2


class CaptureProcessor(FrameProcessor):
    """Records frames travelling one way and forwards everything inline.

    Args:
        direction: The direction to record.
    """

    def __init__(self, direction: FrameDirection, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._direction = direction
        self.frames: list[Frame] = []

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Record ``frame`` if it travels the watched way, then forward it."""
        await super().process_frame(frame, direction)
        if direction is self._direction:
            self.frames.append(frame)
        await self.push_frame(frame, direction)


@dataclass
class DriveResult:
    """What came out of a :func:`drive` run.

    Attributes:
        downstream: Frames that left the processor downstream, in order.
        upstream: Frames that left the processor upstream, in order.
        task: The pipeline task that ran.
    """

    downstream: list[Frame] = field(default_factory=list)
    upstream: list[Frame] = field(default_factory=list)
    task: PipelineTask | None = None


async def drive(
    processor: FrameProcessor,
    frames: Sequence[Frame],
    *,
    direction: FrameDirection = FrameDirection.DOWNSTREAM,
    send_end_frame: bool = True,
    ignore_start: bool = True,
    observers: list[BaseObserver] | None = None,
    params: PipelineParams | None = None,
    start_timeout: float = 1.0,
    timeout: float = 10.0,
    enable_rtvi: bool = False,
) -> DriveResult:
    """Run ``processor`` (or a pipeline) with ``frames`` and return what came out each way.

    Args:
        processor: The processor or pipeline under test.
        frames: Frames to inject in order; a :class:`SleepFrame` pauses instead.
        direction: Downstream frames enter before the processor, upstream ones after it.
        send_end_frame: Queue an ``EndFrame`` after the last frame and leave end
            frames out of the downstream capture. If False the frames (or the
            processor) must end the run themselves.
        ignore_start: Leave the ``StartFrame`` out of the downstream capture.
        observers: Observers for the task.
        params: Pipeline parameters (defaults: metrics and heartbeats off).
        start_timeout: Seconds to wait for the pipeline to start.
        timeout: Seconds the whole run may take.
        enable_rtvi: Let the task add its RTVI processor and observer.

    Raises:
        TimeoutError: The pipeline did not start in ``start_timeout`` or did not
            finish in ``timeout`` (the run is cancelled first).
    """
    head = CaptureProcessor(FrameDirection.UPSTREAM, name="HeadCapture")
    tail = CaptureProcessor(FrameDirection.DOWNSTREAM, name="TailCapture")
    task = PipelineTask(
        Pipeline([head, processor, tail]),
        params=params or PipelineParams(),
        observers=observers,
        idle_timeout_secs=None,
        cancel_on_idle_timeout=False,
        enable_turn_tracking=False,
        enable_rtvi=enable_rtvi,
    )
    started = asyncio.Event()

    @task.event_handler("on_pipeline_started")
    async def _on_started(_task: PipelineTask, _frame: StartFrame) -> None:
        started.set()

    runner = PipelineRunner(handle_sigint=False, handle_sigterm=False)
    run = asyncio.get_running_loop().create_task(runner.run(task), name="voxpipe-testing::run")
    try:
        await _wait_started(run, started, start_timeout)
        for frame in frames:
            if isinstance(frame, SleepFrame):
                await asyncio.sleep(frame.sleep)
            else:
                await task.queue_frame(frame, direction)
        if send_end_frame:
            await task.queue_frame(EndFrame())
        done, _ = await asyncio.wait({run}, timeout=timeout)
        if not done:
            await task.cancel(reason="test timeout")
            await asyncio.wait({run}, timeout=5.0)
            raise TimeoutError(
                f"pipeline did not finish within {timeout}s; captured downstream "
                f"{[f.name for f in tail.frames]}, upstream {[f.name for f in head.frames]}"
            )
        run.result()
    finally:
        if not run.done():
            run.cancel()
            await asyncio.wait({run}, timeout=5.0)

    down = tail.frames
    if ignore_start:
        down = [f for f in down if not isinstance(f, StartFrame)]
    if send_end_frame:
        down = [f for f in down if not isinstance(f, EndFrame)]
    return DriveResult(downstream=down, upstream=list(head.frames), task=task)


async def _wait_started(run: asyncio.Task[Any], started: asyncio.Event, timeout: float) -> None:
    waiter = asyncio.get_running_loop().create_task(started.wait())
    try:
        await asyncio.wait({run, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if started.is_set():
        return
    if run.done():
        run.result()
        raise PipelineError("the pipeline finished before it started")
    raise TimeoutError(f"pipeline did not start within {timeout}s")
