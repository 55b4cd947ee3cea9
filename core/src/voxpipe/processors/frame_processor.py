"""``FrameProcessor``: the unit every pipeline is built from.

Subclass it, override :meth:`FrameProcessor.process_frame`, call
``await super().process_frame(frame, direction)`` first and
``await self.push_frame(frame, direction)`` to pass frames on::

    class Upper(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TextFrame):
                frame = TextFrame(frame.text.upper())
            await self.push_frame(frame, direction)

Scheduling contract (see :mod:`voxpipe.processors._lane` and ``docs/scheduler.md``):

* data and control frames reach ``process_frame`` one at a time, in order;
* system frames are handled at once and never wait behind data/control frames;
* an ``InterruptionFrame`` discards queued data/control frames (except
  uninterruptible ones) and cancels the interruptible one in flight;
* a processor paused by ``FrameProcessorPauseFrame`` (or
  :meth:`pause_processing_frames`) buffers data/control frames until resumed;
* an exception raised by ``process_frame`` becomes an upstream ``ErrorFrame``
  and an ``on_error`` event; the pipeline keeps running.

Set the class attribute ``own_lane = True`` on processors whose
``process_frame`` waits on slow I/O so the processors before them keep flowing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from voxpipe.clocks.base_clock import BaseClock
from voxpipe.frames._base import Frame, SystemFrame, new_frame_identity
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    ErrorFrame,
    FrameProcessorPauseFrame,
    FrameProcessorPauseUrgentFrame,
    FrameProcessorResumeFrame,
    FrameProcessorResumeUrgentFrame,
    InterruptionFrame,
    StartFrame,
    StopFrame,
)
from voxpipe.observers.base_observer import FrameProcessed, FramePushed
from voxpipe.processors._lane import Lane, _c_current_task, _droppable
from voxpipe.processors.metrics.frame_processor_metrics import FrameProcessorMetrics
from voxpipe.utils.asyncio.task_manager import BaseTaskManager, cancel_and_wait
from voxpipe.utils.base_object import BaseObject, EventHandler

if TYPE_CHECKING:
    from voxpipe.observers.base_observer import BaseObserver

__all__ = ["FrameDirection", "FrameProcessor", "FrameProcessorSetup"]

logger = logging.getLogger("voxpipe")

_current_task = asyncio.current_task
_HOOK_EVENTS = frozenset(
    {"on_before_process_frame", "on_after_process_frame", "on_before_push_frame", "on_after_push_frame"}
)


class FrameDirection(Enum):
    """Which way a frame travels: toward the output or back toward the input."""

    DOWNSTREAM = 1
    UPSTREAM = 2


_DOWN = FrameDirection.DOWNSTREAM
_UP = FrameDirection.UPSTREAM


@dataclass
class FrameProcessorSetup:
    """What a pipeline task hands each processor before it starts.

    Attributes:
        clock: The task's clock.
        task_manager: Owner of every asyncio task the processor creates.
        observer: The task's observer fan-out, or None when no observer is attached.
        pipeline_worker: The object driving the pipeline (the task), if any.
    """

    clock: BaseClock
    task_manager: BaseTaskManager
    observer: BaseObserver | None = None
    pipeline_worker: Any = None


# Frame types the base class reacts to, resolved once per concrete type.
_BASE_KINDS: dict[type, int] = {}
_K_NONE, _K_START, _K_END, _K_CANCEL, _K_INTERRUPT, _K_PAUSE, _K_RESUME = range(7)


def _base_kind(cls: type) -> int:
    kind = _BASE_KINDS.get(cls)
    if kind is None:
        if issubclass(cls, StartFrame):
            kind = _K_START
        elif issubclass(cls, (EndFrame, StopFrame)):
            kind = _K_END
        elif issubclass(cls, CancelFrame):
            kind = _K_CANCEL
        elif issubclass(cls, InterruptionFrame):
            kind = _K_INTERRUPT
        elif issubclass(cls, (FrameProcessorPauseFrame, FrameProcessorPauseUrgentFrame)):
            kind = _K_PAUSE
        elif issubclass(cls, (FrameProcessorResumeFrame, FrameProcessorResumeUrgentFrame)):
            kind = _K_RESUME
        else:
            kind = _K_NONE
        _BASE_KINDS[cls] = kind
    return kind


class FrameProcessor(BaseObject):
    """Receives frames, acts on them and pushes frames on; see the module docstring.

    Args:
        name: Display name; defaults to ``ClassName#n``.
        metrics: Custom metrics collector; defaults to :class:`FrameProcessorMetrics`.
        **kwargs: Passed to :class:`BaseObject`.

    Events (all synchronous): ``on_error(processor, error_frame)``,
    ``on_before_process_frame(processor, frame)``, ``on_after_process_frame``,
    ``on_before_push_frame``, ``on_after_push_frame``.
    """

    #: Give this processor its own worker task (see the module docstring).
    own_lane: ClassVar[bool] = False

    def __init__(
        self,
        *,
        name: str | None = None,
        metrics: FrameProcessorMetrics | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self._prev: FrameProcessor | None = None
        self._next: FrameProcessor | None = None
        self._fp_lane: Lane | None = None
        self._fp_lane_index = 0
        self._fp_clock: BaseClock | None = None
        self._fp_task_manager: BaseTaskManager | None = None
        self._fp_observer: BaseObserver | None = None
        self._fp_pipeline_worker: Any = None
        self._fp_started = False
        self._fp_cancelling = False
        self._fp_paused = False
        self._fp_pause_buffer: list[tuple[FrameProcessor, Frame, FrameDirection]] = []
        self._fp_interruption_waiters: list[asyncio.Event] = []
        self._fp_hooked = False
        self._fp_fast = False  # started, not paused, not hooked: eligible for the inline hot path
        self._fp_allow_interruptions = True
        self._fp_enable_metrics = False
        self._fp_enable_usage_metrics = False
        self._fp_report_only_initial_ttfb = False
        self._fp_interruption_strategies: list[Any] = []
        self._fp_metrics = metrics or FrameProcessorMetrics()
        self._fp_metrics.set_processor_name(self.name)
        self._fp_tasks: set[asyncio.Task[Any]] = set()
        for event in ("on_error", *_HOOK_EVENTS):
            self._register_event_handler(event, sync=True)

    # -- identity and configuration -----------------------------------------------

    @property
    def next(self) -> FrameProcessor | None:
        """The processor downstream of this one."""
        return self._next

    @property
    def previous(self) -> FrameProcessor | None:
        """The processor upstream of this one."""
        return self._prev

    @property
    def clock(self) -> BaseClock:
        """The task clock (available after :meth:`setup`)."""
        if self._fp_clock is None:
            raise RuntimeError(f"{self} has no clock: it was not set up by a pipeline task")
        return self._fp_clock

    @property
    def task_manager(self) -> BaseTaskManager:
        """The task manager (available after :meth:`setup`)."""
        if self._fp_task_manager is None:
            raise RuntimeError(f"{self} has no task manager: it was not set up by a pipeline task")
        return self._fp_task_manager

    @property
    def interruptions_allowed(self) -> bool:
        """Whether the pipeline allows interruptions (from the ``StartFrame``)."""
        return self._fp_allow_interruptions

    @property
    def interruption_strategies(self) -> list[Any]:
        """Deprecated interruption strategies from the ``StartFrame``."""
        return self._fp_interruption_strategies

    @property
    def metrics_enabled(self) -> bool:
        """Whether TTFB and processing metrics are collected."""
        return self._fp_enable_metrics

    @property
    def usage_metrics_enabled(self) -> bool:
        """Whether usage metrics are collected."""
        return self._fp_enable_usage_metrics

    @property
    def report_only_initial_ttfb(self) -> bool:
        """Whether only the first TTFB measurement is reported."""
        return self._fp_report_only_initial_ttfb

    @property
    def started(self) -> bool:
        """Whether the ``StartFrame`` has reached this processor (and no cancel since)."""
        return self._fp_started

    @property
    def is_paused(self) -> bool:
        """Whether data and control frames are being buffered."""
        return self._fp_paused

    def can_generate_metrics(self) -> bool:
        """Whether this processor reports metrics; services override to return True."""
        return False

    def processors_with_metrics(self) -> list[FrameProcessor]:
        """Processors inside this one that report metrics (pipelines override)."""
        return []

    def entry_processors(self) -> list[FrameProcessor]:
        """Processors inside this one that frames enter first (pipelines override)."""
        return []

    def add_event_handler(self, event_name: str, handler: EventHandler) -> None:
        """Attach ``handler`` to ``event_name``; see :meth:`BaseObject.add_event_handler`."""
        super().add_event_handler(event_name, handler)
        self._refresh_hooked()

    def _refresh_hooked(self) -> None:
        self._fp_hooked = self._fp_observer is not None or any(
            self.has_event_handlers(e) for e in _HOOK_EVENTS
        )
        self._refresh_fast()

    def _refresh_fast(self) -> None:
        self._fp_fast = self._fp_started and not self._fp_paused and not self._fp_hooked

    # -- wiring and lifecycle ---------------------------------------------------

    def link(self, processor: FrameProcessor) -> None:
        """Make ``processor`` the next one downstream."""
        self._next = processor._link_target_down()
        processor._set_prev(self)

    def _link_target_down(self) -> FrameProcessor:
        """The processor that frames pushed into this one really reach (pipelines flatten)."""
        return self

    def _link_target_up(self) -> FrameProcessor:
        return self

    def _set_prev(self, processor: FrameProcessor) -> None:
        self._prev = processor

    async def setup(self, setup: FrameProcessorSetup) -> None:
        """Receive the task's clock, task manager and observer before starting."""
        self._fp_clock = setup.clock
        self._fp_task_manager = setup.task_manager
        self._fp_observer = setup.observer
        self._fp_pipeline_worker = setup.pipeline_worker
        self._refresh_hooked()
        self._ensure_lane()

    def _ensure_lane(self) -> Lane:
        lane = self._fp_lane
        if lane is None:
            prev = self._prev
            if self.own_lane or prev is None:
                lane = Lane(self)
                self._fp_lane_index = 0
            else:
                lane = prev._ensure_lane()
                self._fp_lane_index = lane.join()
            self._fp_lane = lane
        return lane

    async def cleanup(self) -> None:
        """Stop this processor's worker and tasks (bounded) and its event handlers."""
        await super().cleanup()
        lane = self._fp_lane
        if lane is not None and lane.head is self:
            await lane.close()
        for task in list(self._fp_tasks):
            await cancel_and_wait(task, 1.0)

    # -- tasks --------------------------------------------------------------------

    def create_task(self, coroutine: Coroutine[Any, Any, Any], name: str | None = None) -> asyncio.Task[Any]:
        """Start ``coroutine`` as a task owned by this processor (cancelled by :meth:`cleanup`)."""
        name = f"{self}::{name or getattr(coroutine, '__name__', 'task')}"
        if self._fp_task_manager is not None:
            task = self._fp_task_manager.create_task(coroutine, name)
        else:
            task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._fp_tasks.add(task)
        task.add_done_callback(self._fp_tasks.discard)
        return task

    async def cancel_task(self, task: asyncio.Task[Any], timeout: float | None = 1.0) -> None:
        """Cancel ``task`` and wait up to ``timeout`` seconds for it."""
        await cancel_and_wait(task, timeout)

    async def wait_for_task(self, task: asyncio.Task[Any], timeout: float | None = None) -> None:
        """Wait for ``task`` to finish, at most ``timeout`` seconds (then cancel it)."""
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            await cancel_and_wait(task, 1.0)

    # -- receiving ----------------------------------------------------------------

    async def queue_frame(
        self, frame: Frame, direction: FrameDirection = _DOWN, callback: Any = None
    ) -> None:
        """Hand ``frame`` to this processor as if its neighbour had pushed it.

        Data and control frames are queued in order behind this processor's
        pending frames; system frames are handled at once.
        """
        if isinstance(frame, SystemFrame):
            await self._receive(frame, direction)
            return
        if not self._fp_started:
            logger.warning("%s: dropping %s queued before the pipeline started", self, frame)
            return
        lane = self._ensure_lane()
        if lane.head is self and direction is _DOWN:
            lane.put_entry(self, frame, direction)
        else:
            lane.put_internal(self, frame, direction)

    async def _receive(self, frame: Frame, direction: FrameDirection) -> None:
        """Entry point for frames pushed by a neighbour (the scheduler's hot path)."""
        lane = self._fp_lane
        if lane is None:
            lane = self._ensure_lane()
        if isinstance(frame, SystemFrame):
            if lane.task is None or _c_current_task(lane.loop) is not lane.task:
                await self._deliver(frame, direction)
                return
        elif not self._fp_started:
            logger.debug("%s: dropping %s received before StartFrame", self, frame)
            return
        elif self._fp_paused:
            self._fp_pause_buffer.append((self, frame, direction))
            return
        elif (
            direction is not _DOWN
            or lane.internal
            or lane.task is None
            or _c_current_task(lane.loop) is not lane.task
        ):
            if lane.head is self and direction is _DOWN and not lane.is_worker():
                lane.put_entry(self, frame, direction)
            else:
                lane.put_internal(self, frame, direction)
            return
        # Inline on the lane worker: track where it is so an interruption can cancel it.
        saved_index, saved_frame = lane.busy_index, lane.busy_frame
        lane.busy_index = self._fp_lane_index
        lane.busy_frame = frame
        try:
            if self._fp_hooked or not self._fp_started:
                await self._deliver(frame, direction)
            else:
                try:
                    await self.process_frame(frame, direction)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    await self._process_failed(frame, exc)
        finally:
            lane.busy_index = saved_index
            lane.busy_frame = saved_frame

    async def _deliver_queued(self, frame: Frame, direction: FrameDirection) -> None:
        """Called by the lane worker for a frame taken from a queue."""
        if self._fp_paused and not isinstance(frame, SystemFrame):
            self._fp_pause_buffer.append((self, frame, direction))
            return
        lane = self._fp_lane
        assert lane is not None
        lane.busy_index = self._fp_lane_index
        lane.busy_frame = frame
        try:
            await self._deliver(frame, direction)
        finally:
            lane.busy_index = -1
            lane.busy_frame = None

    async def _deliver(self, frame: Frame, direction: FrameDirection) -> None:
        if not self._fp_started and not isinstance(frame, StartFrame):
            if not isinstance(frame, (CancelFrame, ErrorFrame)):
                logger.debug("%s: dropping %s received before StartFrame", self, frame)
                return
        if self._fp_hooked:
            await self._deliver_hooked(frame, direction)
            return
        try:
            await self.process_frame(frame, direction)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._process_failed(frame, exc)

    async def _deliver_hooked(self, frame: Frame, direction: FrameDirection) -> None:
        observer = self._fp_observer
        if observer is not None:
            ts = self._fp_clock.get_time() if self._fp_clock is not None else 0
            await observer.on_process_frame(FrameProcessed(self, frame, direction, ts))
        await self._call_event_handler("on_before_process_frame", frame)
        try:
            await self.process_frame(frame, direction)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._process_failed(frame, exc)
        await self._call_event_handler("on_after_process_frame", frame)

    async def _process_failed(self, frame: Frame, exc: Exception) -> None:
        logger.exception("%s: error processing %s", self, frame)
        await self.push_error(f"{self} failed processing {frame}: {exc}", exception=exc)

    # -- processing -------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Handle one frame; subclasses call this first, then push what they want.

        The base implementation keeps the processor's lifecycle in step with
        the pipeline (start, end, cancel), applies interruptions and pause /
        resume frames addressed to it. It pushes nothing.
        """
        kind = _BASE_KINDS.get(type(frame))
        if not kind:
            if kind is not None:
                return
            kind = _base_kind(type(frame))
            if not kind:
                return
        if kind == _K_START:
            self._on_start(frame)  # type: ignore[arg-type]
        elif kind == _K_INTERRUPT:
            await self._start_interruption()
        elif kind == _K_CANCEL:
            await self._on_cancel(frame)  # type: ignore[arg-type]
        elif kind == _K_PAUSE:
            if frame.processor is self:  # type: ignore[attr-defined]
                await self.pause_processing_frames()
        elif kind == _K_RESUME:
            if frame.processor is self:  # type: ignore[attr-defined]
                await self.resume_processing_frames()

    def _on_start(self, frame: StartFrame) -> None:
        self._fp_started = True
        self._refresh_fast()
        self._fp_cancelling = False
        self._fp_allow_interruptions = frame.allow_interruptions
        self._fp_enable_metrics = frame.enable_metrics
        self._fp_enable_usage_metrics = frame.enable_usage_metrics
        self._fp_report_only_initial_ttfb = frame.report_only_initial_ttfb
        self._fp_interruption_strategies = list(getattr(frame, "interruption_strategies", []) or [])
        if self._fp_lane is not None and self._fp_lane.head is self:
            self._fp_lane.reopen()

    async def _on_cancel(self, frame: CancelFrame) -> None:
        self._fp_cancelling = True
        self._fp_pause_buffer.clear()
        lane = self._fp_lane
        if lane is not None and lane.head is self:
            lane.clear()
            task = lane.task
            if task is not None and task is not _current_task() and lane.busy_index >= 0:
                lane.task = None
                task.cancel()

    async def push_interruption_task_frame_and_wait(self, *, timeout: float = 2.0) -> bool:
        """Ask the pipeline task to interrupt, and wait until the interruption reached this processor.

        The task answers an ``InterruptionTaskFrame`` by sending an
        ``InterruptionFrame`` from the start of the pipeline; this returns once
        that frame has passed through this processor.

        Returns:
            True when the interruption arrived within ``timeout`` seconds; False
            (logged) when it did not, e.g. the processor is not in a task.
        """
        from voxpipe.frames.frames import InterruptionTaskFrame

        waiter = asyncio.Event()
        self._fp_interruption_waiters.append(waiter)
        try:
            await self.push_frame(InterruptionTaskFrame(), _UP)
            try:
                await asyncio.wait_for(waiter.wait(), timeout)
            except asyncio.TimeoutError:
                logger.warning("%s: the interruption did not come back within %.1fs", self, timeout)
                return False
            return True
        finally:
            if waiter in self._fp_interruption_waiters:
                self._fp_interruption_waiters.remove(waiter)

    async def _start_interruption(self) -> None:
        """Drop queued interruptible frames and cancel interruptible work in flight."""
        if self._fp_interruption_waiters:
            for waiter in self._fp_interruption_waiters:
                waiter.set()
        if self._fp_pause_buffer:
            self._fp_pause_buffer = [item for item in self._fp_pause_buffer if not _droppable(item[1])]
        lane = self._fp_lane
        if lane is not None:
            lane.interrupt(self._fp_lane_index)

    # -- pause / resume -------------------------------------------------------------

    async def pause_processing_frames(self) -> None:
        """Buffer data and control frames until :meth:`resume_processing_frames`."""
        self._fp_paused = True
        self._fp_fast = False

    async def resume_processing_frames(self) -> None:
        """Process the frames buffered while paused, in order, then new ones."""
        if not self._fp_paused:
            return
        self._fp_paused = False
        self._refresh_fast()
        buffered, self._fp_pause_buffer = self._fp_pause_buffer, []
        if buffered:
            self._ensure_lane().extend_internal(buffered)

    # -- pushing ----------------------------------------------------------------------

    async def push_frame(self, frame: Frame, direction: FrameDirection = _DOWN) -> None:
        """Send ``frame`` to the next processor in ``direction``."""
        own = self._fp_lane
        if own is not None and own._interrupted and _droppable(frame) and own.is_worker():
            # An interruption is cancelling this job but the cancellation was lost
            # (asyncio.wait_for's race on Python < 3.12): deliver it again here
            # rather than push a stale frame.
            raise asyncio.CancelledError
        if self._fp_hooked:
            await self._push_hooked(frame, direction)
            return
        if direction is _DOWN:
            target = self._next
            if target is None:
                return
            # Hot path, inlined from _receive: a started, unhooked, unpaused target
            # on this lane's worker with no older internal work runs right here.
            lane = target._fp_lane
            if (
                target._fp_fast
                and lane is not None
                and not lane.internal
                and lane.task is not None
                and not isinstance(frame, SystemFrame)
                and _c_current_task(lane.loop) is lane.task
            ):
                saved_index, saved_frame = lane.busy_index, lane.busy_frame
                lane.busy_index = target._fp_lane_index
                lane.busy_frame = frame
                try:
                    await target.process_frame(frame, direction)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    await target._process_failed(frame, exc)
                finally:
                    lane.busy_index = saved_index
                    lane.busy_frame = saved_frame
                return
            await target._receive(frame, direction)
        else:
            target = self._prev
            if target is not None:
                await target._receive(frame, direction)

    async def _push_hooked(self, frame: Frame, direction: FrameDirection) -> None:
        target = self._next if direction is _DOWN else self._prev
        await self._call_event_handler("on_before_push_frame", frame)
        if target is not None:
            observer = self._fp_observer
            if observer is not None:
                ts = self._fp_clock.get_time() if self._fp_clock is not None else 0
                await observer.on_push_frame(FramePushed(self, target, frame, direction, ts))
            await target._receive(frame, direction)
        await self._call_event_handler("on_after_push_frame", frame)

    async def broadcast_frame(self, frame_cls: type[Frame], **kwargs: Any) -> None:
        """Create ``frame_cls(**kwargs)`` twice and push one each way, linked as siblings."""
        down = frame_cls(**kwargs)
        up = frame_cls(**kwargs)
        down.broadcast_sibling_id = up.id
        up.broadcast_sibling_id = down.id
        await self.push_frame(down, _DOWN)
        await self.push_frame(up, _UP)

    async def broadcast_frame_instance(self, frame: Frame) -> None:
        """Push shallow copies of ``frame`` both ways, each with a fresh ``id`` and ``name``."""
        down = _fresh_copy(frame)
        up = _fresh_copy(frame)
        down.broadcast_sibling_id = up.id
        up.broadcast_sibling_id = down.id
        await self.push_frame(down, _DOWN)
        await self.push_frame(up, _UP)

    async def push_error(
        self, error_msg: str, exception: Exception | None = None, fatal: bool = False
    ) -> None:
        """Report an error: fire ``on_error`` and push an ``ErrorFrame`` upstream."""
        await self.push_error_frame(ErrorFrame(error=error_msg, fatal=fatal, exception=exception))

    async def push_error_frame(self, error: ErrorFrame) -> None:
        """Fire ``on_error`` for ``error`` and push it upstream."""
        if error.processor is None:
            error.processor = self
        await self._call_event_handler("on_error", error)
        await self.push_frame(error, _UP)

    # -- metrics -----------------------------------------------------------------------

    async def start_ttfb_metrics(self, *, start_time: float | None = None) -> None:
        """Start measuring time to first byte (when metrics are enabled)."""
        if self.can_generate_metrics() and self._fp_enable_metrics:
            self._fp_metrics.start_ttfb_metrics(self._fp_report_only_initial_ttfb, start_time=start_time)

    async def stop_ttfb_metrics(self, *, end_time: float | None = None) -> None:
        """Stop the TTFB measurement and push a ``MetricsFrame``."""
        if self.can_generate_metrics() and self._fp_enable_metrics:
            frame = self._fp_metrics.stop_ttfb_metrics(end_time=end_time)
            if frame is not None:
                await self.push_frame(frame)

    async def start_processing_metrics(self, *, start_time: float | None = None) -> None:
        """Start measuring processing time (when metrics are enabled)."""
        if self.can_generate_metrics() and self._fp_enable_metrics:
            self._fp_metrics.start_processing_metrics(start_time=start_time)

    async def stop_processing_metrics(self, *, end_time: float | None = None) -> None:
        """Stop the processing measurement and push a ``MetricsFrame``."""
        if self.can_generate_metrics() and self._fp_enable_metrics:
            frame = self._fp_metrics.stop_processing_metrics(end_time=end_time)
            if frame is not None:
                await self.push_frame(frame)

    async def start_llm_usage_metrics(self, tokens: Any) -> None:
        """Report LLM token usage (when usage metrics are enabled)."""
        if self.can_generate_metrics() and self._fp_enable_usage_metrics:
            frame = self._fp_metrics.start_llm_usage_metrics(tokens)
            if frame is not None:
                await self.push_frame(frame)

    async def start_tts_usage_metrics(self, text: str) -> None:
        """Report TTS character usage (when usage metrics are enabled)."""
        if self.can_generate_metrics() and self._fp_enable_usage_metrics:
            frame = self._fp_metrics.start_tts_usage_metrics(text)
            if frame is not None:
                await self.push_frame(frame)

    def set_core_metrics_data(self, data: Any) -> None:
        """Replace the processor/model labels used in this processor's metrics."""
        self._fp_metrics.set_core_metrics_data(data)


def _fresh_copy(frame: Frame) -> Frame:
    """Shallow copy of ``frame`` with a new ``id`` and ``name``."""
    clone = object.__new__(type(frame))
    clone.__dict__.update(frame.__dict__)
    clone.id, clone.name = new_frame_identity(type(frame))
    clone.broadcast_sibling_id = None
    return clone
