"""Lanes: the scheduler behind :class:`~voxpipe.processors.frame_processor.FrameProcessor`.

A *lane* is a run of processors that share one worker task. Data and control
frames inside a lane move by plain ``await`` — a processor pushing to the next
one calls it directly — so a processor that does no I/O costs about a function
call per frame. A processor that declares ``own_lane = True`` (services,
transports, anything doing slow I/O per frame) starts a new lane, so its slow
work does not hold up the processors before it.

Frames cross into a lane through its queues:

* ``entry`` — data/control frames arriving at the lane's head from another
  task (the upstream lane's worker, a user's ``queue_frame``, a timer);
* ``internal`` — data/control frames for any other processor of the lane that
  arrive from another task, travel upstream, or arrive while the lane has
  older internal work; ``internal`` always drains before ``entry``.

A frame is processed inline only when the current task *is* the lane's worker
and ``internal`` is empty, so each processor sees data/control frames one at a
time and in order, exactly as if it had its own queue.

System frames never enter these queues: they are processed at once in the
task that pushed them, so they never wait behind data.

An interruption reaching processor P of a lane drops the queued,
interruptible frames addressed to P or later processors of the lane, and, if
the worker is at that moment processing an interruptible frame at P or later,
cancels that work (the worker survives and moves on). Uninterruptible frames
are neither dropped nor cancelled. See ``docs/scheduler.md``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from voxpipe.frames._base import Frame, SystemFrame, UninterruptibleFrame

if TYPE_CHECKING:
    from voxpipe.processors.frame_processor import FrameProcessor

logger = logging.getLogger("voxpipe")

__all__ = ["Lane"]

try:  # the C implementation skips the Python wrapper's loop lookup
    from _asyncio import current_task as _c_current_task  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - pure-Python asyncio
    _c_current_task = asyncio.current_task  # type: ignore[assignment]

_current_task = asyncio.current_task


def _droppable(frame: Frame) -> bool:
    return not isinstance(frame, (UninterruptibleFrame, SystemFrame))


class Lane:
    """One worker task and its two queues; see the module docstring."""

    __slots__ = (
        "head",
        "task",
        "loop",
        "entry",
        "internal",
        "busy_index",
        "busy_frame",
        "_wakeup",
        "_interrupted",
        "_closed",
        "_size",
    )

    def __init__(self, head: FrameProcessor) -> None:
        self.head = head
        self.task: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.entry: deque[tuple[FrameProcessor, Frame, Any]] = deque()
        self.internal: deque[tuple[FrameProcessor, Frame, Any]] = deque()
        #: lane index of the processor the worker is running, -1 when idle
        self.busy_index = -1
        self.busy_frame: Frame | None = None
        self._wakeup: asyncio.Future[None] | None = None
        self._interrupted = False
        self._closed = False
        self._size = 1

    def join(self) -> int:
        """Reserve the next index in this lane for a joining processor."""
        index = self._size
        self._size += 1
        return index

    # -- queueing -------------------------------------------------------------

    def put_entry(self, processor: FrameProcessor, frame: Frame, direction: Any) -> None:
        """Queue a frame arriving at the lane head from another task."""
        if self._closed:
            logger.debug("%s: lane closed, dropping %s", self.head, frame)
            return
        self.entry.append((processor, frame, direction))
        self._kick()

    def put_internal(self, processor: FrameProcessor, frame: Frame, direction: Any) -> None:
        """Queue a frame for a processor of this lane, ahead of new entries."""
        if self._closed:
            logger.debug("%s: lane closed, dropping %s", self.head, frame)
            return
        self.internal.append((processor, frame, direction))
        self._kick()

    def extend_internal(self, items: list[tuple[FrameProcessor, Frame, Any]]) -> None:
        """Queue several frames (a resumed processor's buffer) in order."""
        if self._closed or not items:
            return
        self.internal.extend(items)
        self._kick()

    def is_worker(self) -> bool:
        """True when the running task is this lane's worker."""
        return self.task is not None and _c_current_task(self.loop) is self.task

    def _kick(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None:
            self._wakeup = None
            if not wakeup.done():
                wakeup.set_result(None)
        elif self.task is None:
            self._start()

    def _start(self) -> None:
        self.loop = asyncio.get_running_loop()
        manager = self.head._fp_task_manager
        coro = self._run()
        name = f"{self.head}::lane"
        if manager is not None:
            self.task = manager.create_task(coro, name)
        else:
            self.task = asyncio.get_running_loop().create_task(coro, name=name)

    # -- interruption and shutdown -------------------------------------------

    def interrupt(self, index: int) -> None:
        """Drop queued interruptible frames for processors ``>= index``; cancel work there."""
        for queue in (self.internal, self.entry):
            if queue:
                kept = [
                    item
                    for item in queue
                    if item[0]._fp_lane_index < index or not _droppable(item[1])
                ]
                if len(kept) != len(queue):
                    queue.clear()
                    queue.extend(kept)
        task = self.task
        if (
            task is not None
            and self.busy_index >= index
            and self.busy_frame is not None
            and _droppable(self.busy_frame)
            and _current_task() is not task
        ):
            self._interrupted = True
            task.cancel()

    def clear(self) -> None:
        """Drop every queued frame, interruptible or not (used on cancel)."""
        self.entry.clear()
        self.internal.clear()

    async def close(self, timeout: float = 1.0) -> None:
        """Stop the worker: drop what is queued, cancel it, wait up to ``timeout``."""
        self._closed = True
        self.clear()
        task, self.task = self.task, None
        if task is None or task.done() or task is _current_task():
            return
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            logger.warning("%s: worker ignored cancellation for %.1fs; abandoning it", self.head, timeout)

    def reopen(self) -> None:
        """Accept frames again after :meth:`close` (a processor restarted)."""
        self._closed = False

    def statistics(self) -> dict[str, int]:
        """A snapshot for debugging: queue sizes and where the worker is."""
        return {
            "entry": len(self.entry),
            "internal": len(self.internal),
            "busy_index": self.busy_index,
        }

    # -- the worker ------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        internal, entry = self.internal, self.entry
        while True:
            if internal:
                processor, frame, direction = internal.popleft()
            elif entry:
                processor, frame, direction = entry.popleft()
            else:
                self._wakeup = loop.create_future()
                try:
                    await self._wakeup
                finally:
                    self._wakeup = None
                continue
            try:
                await processor._deliver_queued(frame, direction)
            except asyncio.CancelledError:
                if not self._interrupted or self._closed:
                    raise
                self._settle_interruption()
            else:
                if self._interrupted:
                    # The job swallowed the cancellation (e.g. asyncio.wait_for's race
                    # on Python < 3.12) and ran to its end: settle it here so the next
                    # job is not cancelled by mistake.
                    self._settle_interruption()

    def _settle_interruption(self) -> None:
        self._interrupted = False
        uncancel = getattr(asyncio.current_task(), "uncancel", None)
        if uncancel is not None:
            uncancel()
        self.busy_index = -1
        self.busy_frame = None

    def interrupted_pending(self) -> bool:
        """True while an interruption has asked this lane's worker to drop its current job.

        The worker's code checks this when it pushes: code that swallowed the
        cancellation (``asyncio.wait_for`` on Python < 3.12 can) must still not
        push stale frames.
        """
        return self._interrupted
