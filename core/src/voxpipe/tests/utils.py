"""Test helpers with the contract of Pipecat's ``tests.utils``, so processor tests port by renaming imports.

* :func:`run_test` — drive a processor with frames and check the classes that
  came out each way;
* :class:`SleepFrame` — a pause marker for :func:`run_test`;
* :class:`HeartbeatsObserver` — calls back on heartbeats pushed by a processor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import HeartbeatFrame
from voxpipe.observers.base_observer import BaseObserver, FramePushed
from voxpipe.pipeline.task import PipelineParams
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.testing.harness import CaptureProcessor, SleepFrame, drive

__all__ = ["HeartbeatsObserver", "QueuedFrameProcessor", "SleepFrame", "run_test"]

#: The capture stage (Pipecat's name for it).
QueuedFrameProcessor = CaptureProcessor


class HeartbeatsObserver(BaseObserver):
    """Awaits ``heartbeat_callback(processor, frame)`` for heartbeats pushed by ``target``.

    Args:
        target: The processor whose pushes are watched.
        heartbeat_callback: Async callable receiving the processor and the heartbeat frame.
        **kwargs: Passed to :class:`BaseObserver`.
    """

    def __init__(
        self,
        *,
        target: FrameProcessor,
        heartbeat_callback: Callable[[FrameProcessor, HeartbeatFrame], Awaitable[None]],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._target = target
        self._callback = heartbeat_callback

    async def on_push_frame(self, data: FramePushed) -> None:
        """Call back when the target pushes a heartbeat."""
        if data.source is self._target and isinstance(data.frame, HeartbeatFrame):
            await self._callback(self._target, data.frame)


def _check(direction: str, received: list[Frame], expected: Sequence[type[Frame]]) -> None:
    names = [type(f).__name__ for f in received]
    wanted = [c.__name__ for c in expected]
    ok = len(received) == len(expected) and all(isinstance(f, c) for f, c in zip(received, expected, strict=True))
    if not ok:
        print(f"received {direction} frames: {names}")
        print(f"expected {direction} frames: {wanted}")
    assert ok, f"{direction} frames {names} do not match expected {wanted}"


async def run_test(
    processor: FrameProcessor,
    *,
    frames_to_send: Sequence[Frame],
    expected_down_frames: Sequence[type[Frame]] | None = None,
    expected_up_frames: Sequence[type[Frame]] | None = None,
    frames_to_send_direction: FrameDirection = FrameDirection.DOWNSTREAM,
    ignore_start: bool = True,
    observers: list[BaseObserver] | None = None,
    pipeline_params: PipelineParams | None = None,
    send_end_frame: bool = True,
    start_timeout: float = 1.0,
    enable_rtvi: bool = False,
) -> tuple[list[Frame], list[Frame]]:
    """Drive ``processor`` with ``frames_to_send``; return ``(downstream, upstream)`` frames.

    When ``expected_down_frames`` / ``expected_up_frames`` are given, the frames
    captured that way must match them one to one by ``isinstance``; a mismatch
    prints both lists and fails with an ``AssertionError``.
    """
    result = await drive(
        processor,
        frames_to_send,
        direction=frames_to_send_direction,
        send_end_frame=send_end_frame,
        ignore_start=ignore_start,
        observers=observers,
        params=pipeline_params,
        start_timeout=start_timeout,
        enable_rtvi=enable_rtvi,
    )
    if expected_down_frames is not None:
        _check("down", result.downstream, expected_down_frames)
    if expected_up_frames is not None:
        _check("up", result.upstream, expected_up_frames)
    return result.downstream, result.upstream
