"""The two processors a :class:`~voxpipe.pipeline.task.PipelineTask` puts around its pipeline.

``TaskSource`` sits before the pipeline: frames the task queues downstream
enter here, and frames travelling upstream end here, where task frames
(``EndTaskFrame``, ``CancelTaskFrame``, ...) and errors are acted on.
``TaskSink`` sits after it: downstream frames end here, where the task learns
that the pipeline started or finished.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    CancelTaskFrame,
    EndFrame,
    EndTaskFrame,
    ErrorFrame,
    HeartbeatFrame,
    InterruptionFrame,
    InterruptionTaskFrame,
    StartFrame,
    StopFrame,
    StopTaskFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

if TYPE_CHECKING:
    from voxpipe.pipeline.task import PipelineTask

__all__ = ["TaskSink", "TaskSource"]

_DOWN = FrameDirection.DOWNSTREAM
_UP = FrameDirection.UPSTREAM


class TaskSource(FrameProcessor):
    """Head of a task's flow; acts on task frames and errors arriving upstream."""

    own_lane = True

    def __init__(self, task: PipelineTask, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task = task

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Forward downstream frames; handle the ones that reached the start upstream."""
        await super().process_frame(frame, direction)
        if direction is _DOWN:
            await self.push_frame(frame, direction)
            return
        task = self._task
        if task._up_filter and isinstance(frame, task._up_filter):
            await task._call_event_handler("on_frame_reached_upstream", frame)
        if isinstance(frame, (EndTaskFrame, StopTaskFrame, CancelTaskFrame, InterruptionTaskFrame, ErrorFrame)):
            await self._handle_task_frame(frame)
        elif task._idle_event is not None and isinstance(frame, task._idle_timeout_frames):
            task._activity()

    async def _handle_task_frame(self, frame: Frame) -> None:
        task = self._task
        if isinstance(frame, EndTaskFrame):
            await task.queue_frame(EndFrame(reason=frame.reason))
        elif isinstance(frame, StopTaskFrame):
            await task.queue_frame(StopFrame())
        elif isinstance(frame, CancelTaskFrame):
            task._schedule(task.cancel(reason=frame.reason), "cancel")
        elif isinstance(frame, InterruptionTaskFrame):
            await task.queue_frame(InterruptionFrame())
        elif isinstance(frame, ErrorFrame):
            await task._call_event_handler("on_pipeline_error", frame)
            if frame.fatal:
                task._schedule(task.cancel(reason=f"fatal error: {frame.error}"), "fatal-cancel")


class TaskSink(FrameProcessor):
    """Tail of a task's flow; tells the task the pipeline started or finished."""

    def __init__(self, task: PipelineTask, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task = task

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Handle frames that reached the end; forward upstream ones."""
        await super().process_frame(frame, direction)
        if direction is _UP:
            await self.push_frame(frame, direction)
            return
        task = self._task
        if task._down_filter and isinstance(frame, task._down_filter):
            await task._call_event_handler("on_frame_reached_downstream", frame)
        if isinstance(frame, StartFrame):
            await task._on_started(frame)
        elif isinstance(frame, (EndFrame, StopFrame, CancelFrame)):
            task._finish(frame)
        elif isinstance(frame, HeartbeatFrame):
            task._heartbeat_received(frame.timestamp)
        elif task._idle_event is not None and isinstance(frame, task._idle_timeout_frames):
            task._activity()
