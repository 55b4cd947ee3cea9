"""``PipelineTask``: runs one pipeline from ``StartFrame`` to a terminal frame.

The task wraps the pipeline between its own source and sink::

    TaskSource → pipeline → TaskSink

and owns everything the run needs: the clock, the task manager (every asyncio
task created during the run), observers, heartbeats and idle detection.

Ending a run:

* ``EndFrame`` (``stop_when_done()``, or ``EndTaskFrame`` pushed upstream):
  everything queued before it is processed, in order, then
  ``on_pipeline_finished(task, EndFrame)`` fires and processors are cleaned up;
* ``CancelFrame`` (``cancel()``, ``CancelTaskFrame``, a fatal ``ErrorFrame``,
  idle timeout): stops at once; a processor that ignores cancellation is
  abandoned after ``cancel_timeout_secs`` (logged), never waited on forever;
* ``StopFrame`` (``StopTaskFrame``): stops the flow; processors are not
  cleaned up, so they keep their state.

After ``run()`` returns no task created for the run is left alive.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import warnings
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from voxpipe.clocks.base_clock import BaseClock
from voxpipe.clocks.system_clock import SystemClock
from voxpipe.errors import ConfigurationError, PipelineError
from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotSpeakingFrame,
    CancelFrame,
    EndFrame,
    MetricsFrame,
    StartFrame,
    StopFrame,
    UserSpeakingFrame,
)
from voxpipe.observers.base_observer import BaseObserver
from voxpipe.pipeline._task_edges import TaskSink, TaskSource
from voxpipe.pipeline.base_task import BasePipelineTask, PipelineTaskParams
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.task_observer import TaskObserver
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor, FrameProcessorSetup
from voxpipe.utils.asyncio.task_manager import BaseTaskManager, TaskManager, TaskManagerParams

if TYPE_CHECKING:
    from voxpipe.processors.frameworks.rtvi import RTVIObserverParams, RTVIProcessor

__all__ = ["PipelineParams", "PipelineTask", "PipelineTaskParams"]

logger = logging.getLogger("voxpipe")


def _uuid4() -> str:
    """A random RFC 4122 version-4 UUID string (without importing :mod:`uuid`)."""
    b = bytearray(os.urandom(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_DEPRECATED_EVENTS = {
    "on_pipeline_ended": EndFrame,
    "on_pipeline_stopped": StopFrame,
    "on_pipeline_cancelled": CancelFrame,
}


@dataclass(kw_only=True)
class PipelineParams:
    """Configuration of a pipeline run; values reach processors through the ``StartFrame``.

    Attributes:
        allow_interruptions: Deprecated; configure user turn strategies instead.
        audio_in_sample_rate: Input sample rate for every service (Hz).
        audio_out_sample_rate: Output sample rate for every service (Hz).
        enable_heartbeats: Send heartbeat frames to detect stalls.
        heartbeats_period_secs: Seconds between heartbeats; a warning is logged
            when none arrives for 10x this period.
        enable_metrics: Collect TTFB and processing metrics.
        enable_usage_metrics: Collect usage metrics (tokens, characters).
        report_only_initial_ttfb: Report only each processor's first TTFB.
        send_initial_empty_metrics: Push an empty ``MetricsFrame`` at start
            (when metrics are enabled) so clients learn the processors.
        start_metadata: Metadata put on the ``StartFrame``.
        interruption_strategies: Deprecated; see user turn strategies.
        observers: Deprecated; pass ``observers`` to :class:`PipelineTask`.
    """

    allow_interruptions: bool = True
    audio_in_sample_rate: int = 16000
    audio_out_sample_rate: int = 24000
    enable_heartbeats: bool = False
    heartbeats_period_secs: float = 1.0
    enable_metrics: bool = False
    enable_usage_metrics: bool = False
    report_only_initial_ttfb: bool = False
    send_initial_empty_metrics: bool = True
    start_metadata: dict[str, Any] = field(default_factory=dict)
    interruption_strategies: list[Any] = field(default_factory=list)
    observers: list[BaseObserver] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.heartbeats_period_secs <= 0:
            raise ConfigurationError("heartbeats_period_secs must be positive")
        for name in ("audio_in_sample_rate", "audio_out_sample_rate"):
            if getattr(self, name) <= 0:
                raise ConfigurationError(f"{name} must be a positive sample rate in Hz")
        if self.interruption_strategies:
            warnings.warn(
                "PipelineParams(interruption_strategies=...) is deprecated; "
                "use user turn strategies on the user aggregator",
                DeprecationWarning,
                stacklevel=3,
            )
        if self.observers:
            warnings.warn(
                "PipelineParams(observers=...) is deprecated; pass observers to PipelineTask",
                DeprecationWarning,
                stacklevel=3,
            )


def _has_transport(pipeline: FrameProcessor) -> bool:
    """Whether ``pipeline`` holds a transport processor (never imports the transport modules)."""
    kinds = tuple(
        getattr(module, cls)
        for module, cls in (
            (sys.modules.get("voxpipe.transports.base_input"), "BaseInputTransport"),
            (sys.modules.get("voxpipe.transports.base_output"), "BaseOutputTransport"),
        )
        if module is not None
    )
    if not kinds:
        return False
    flat = getattr(pipeline, "flat_processors", None)
    processors = flat() if flat is not None else [pipeline]
    return any(isinstance(p, kinds) for p in [pipeline, *processors])


class PipelineTask(BasePipelineTask):
    """Runs a pipeline; see the module docstring for the lifecycle.

    Args:
        pipeline: The processor (usually a :class:`Pipeline`) to run.
        params: Run configuration.
        observers: Observers attached to this run.
        clock: Time source; a :class:`SystemClock` by default.
        task_manager: Owner of the run's asyncio tasks; a :class:`TaskManager` by default.
        check_dangling_tasks: Warn about tasks still alive after the run.
        idle_timeout_secs: Seconds without an activity frame before the task
            is considered idle; None disables idle detection.
        idle_timeout_frames: Frame types that count as activity.
        cancel_on_idle_timeout: Cancel the task after ``on_idle_timeout``.
        enable_tracing: OpenTelemetry tracing (needs a tracing plugin).
        enable_turn_tracking: Track conversation turns with a ``TurnTrackingObserver``
            (see :attr:`turn_tracking_observer`); attached when the pipeline has a
            transport, so transport-less pipelines pay no observer cost.
        conversation_id: Conversation id; a UUID by default.
        additional_span_attributes: Extra attributes for the conversation span.
        cancel_timeout_secs: How long ``cancel()`` waits for the ``CancelFrame``
            to get through before abandoning stuck processors.
        enable_rtvi: Put an ``RTVIProcessor`` at the head of the pipeline and
            attach an ``RTVIObserver`` (see :attr:`rtvi`). To keep transport-less
            pipelines cheap, this happens when the pipeline contains a transport,
            when ``rtvi_processor``/``rtvi_observer_params`` is given, or when
            :attr:`rtvi` is read before the run.
        rtvi_processor: The RTVI processor to use instead of a default one.
        rtvi_observer_params: Configuration of the RTVI observer.

    Events: ``on_pipeline_started(task, frame)``, ``on_pipeline_finished(task, frame)``,
    ``on_pipeline_error(task, frame)``, ``on_frame_reached_upstream(task, frame)``,
    ``on_frame_reached_downstream(task, frame)``, ``on_idle_timeout(task)``; deprecated
    ``on_pipeline_ended``/``on_pipeline_stopped``/``on_pipeline_cancelled``.
    """

    def __init__(
        self,
        pipeline: FrameProcessor,
        *,
        params: PipelineParams | None = None,
        observers: list[BaseObserver] | None = None,
        clock: BaseClock | None = None,
        task_manager: BaseTaskManager | None = None,
        check_dangling_tasks: bool = True,
        idle_timeout_secs: float | None = 300,
        idle_timeout_frames: tuple[type[Frame], ...] = (BotSpeakingFrame, UserSpeakingFrame),
        cancel_on_idle_timeout: bool = True,
        enable_tracing: bool = False,
        enable_turn_tracking: bool = True,
        conversation_id: str | None = None,
        additional_span_attributes: dict[str, Any] | None = None,
        cancel_timeout_secs: float = 5.0,
        enable_rtvi: bool = True,
        rtvi_processor: RTVIProcessor | None = None,
        rtvi_observer_params: RTVIObserverParams | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        if not isinstance(pipeline, FrameProcessor):
            raise TypeError(
                f"PipelineTask needs a FrameProcessor or Pipeline, got {type(pipeline).__name__}"
            )
        if enable_tracing:
            raise ConfigurationError(
                "enable_tracing=True needs OpenTelemetry support, which this voxpipe kernel does not "
                "bundle; leave it off"
            )
        if idle_timeout_secs is not None and idle_timeout_secs <= 0:
            raise ConfigurationError(
                "idle_timeout_secs must be positive, or None to disable idle detection"
            )
        self._params = params or PipelineParams()
        self._pipeline = pipeline
        self._observers = list(self._params.observers) + list(observers or [])
        self._clock = clock or SystemClock()
        self._task_manager = task_manager or TaskManager()
        self._check_dangling_tasks = check_dangling_tasks
        self._idle_timeout_secs = idle_timeout_secs
        self._idle_timeout_frames = tuple(idle_timeout_frames)
        self._cancel_on_idle_timeout = cancel_on_idle_timeout
        self._enable_turn_tracking = enable_turn_tracking
        self._conversation_id = conversation_id or _uuid4()
        self._additional_span_attributes = dict(additional_span_attributes or {})
        self._cancel_timeout_secs = cancel_timeout_secs

        self._source = TaskSource(self, name=f"{self.name}::Source")
        self._sink = TaskSink(self, name=f"{self.name}::Sink")
        self._flow = Pipeline([self._source, pipeline, self._sink])
        self._task_observer: TaskObserver | None = None
        self._turn_tracking_observer: Any = None
        if enable_turn_tracking and _has_transport(pipeline):
            self._setup_turn_tracking()
        self._enable_rtvi = enable_rtvi
        self._rtvi: RTVIProcessor | None = None
        if enable_rtvi and (
            rtvi_processor is not None
            or rtvi_observer_params is not None
            or _has_transport(pipeline)
        ):
            self._setup_rtvi(rtvi_processor, rtvi_observer_params)

        self._started = False
        self._running = False
        self._finished = False
        self._finished_event: asyncio.Event | None = None
        self._terminal_frame: Frame | None = None
        self._pending: list[tuple[Frame, FrameDirection]] = []
        self._up_filter: tuple[type[Frame], ...] = ()
        self._down_filter: tuple[type[Frame], ...] = ()
        self._last_heartbeat_ns: int | None = None
        self._idle_event: asyncio.Event | None = None
        self._cancel_started = False

        for event in ("on_pipeline_started", "on_pipeline_finished", "on_pipeline_error"):
            self._register_event_handler(event)
        self._register_event_handler("on_frame_reached_upstream")
        self._register_event_handler("on_frame_reached_downstream")
        self._register_event_handler("on_idle_timeout", sync=True)
        for event in _DEPRECATED_EVENTS:
            self._register_event_handler(event)

    # -- properties ----------------------------------------------------------------

    @property
    def params(self) -> PipelineParams:
        """The run configuration."""
        return self._params

    @property
    def pipeline(self) -> FrameProcessor:
        """The pipeline this task runs."""
        return self._pipeline

    @property
    def conversation_id(self) -> str:
        """The conversation id of this run."""
        return self._conversation_id

    @property
    def turn_tracking_enabled(self) -> bool:
        """Whether turn tracking was requested."""
        return self._enable_turn_tracking

    @property
    def turn_tracking_observer(self) -> Any:
        """The ``TurnTrackingObserver`` of this run, or None when turn tracking is off.

        Like RTVI, it is attached automatically when the pipeline has a
        transport; reading this property before the run attaches it otherwise.
        """
        if (
            self._turn_tracking_observer is None
            and self._enable_turn_tracking
            and not self._running
            and not self._finished
        ):
            self._setup_turn_tracking()
        return self._turn_tracking_observer

    def _setup_turn_tracking(self) -> None:
        from voxpipe.observers.turn_tracking_observer import TurnTrackingObserver

        self._turn_tracking_observer = TurnTrackingObserver()
        self._observers.append(self._turn_tracking_observer)

    @property
    def task_manager(self) -> BaseTaskManager:
        """The owner of this run's asyncio tasks."""
        return self._task_manager

    @property
    def observers(self) -> list[BaseObserver]:
        """The observers attached to this task."""
        return list(self._observers)

    @property
    def rtvi(self) -> RTVIProcessor | None:
        """The RTVI processor at the head of the pipeline; None when ``enable_rtvi=False``.

        Reading it before the run sets RTVI up if it was not already (a
        pipeline without a transport skips it until asked).
        """
        if self._rtvi is None and self._enable_rtvi and not self._running and not self._finished:
            self._setup_rtvi(None, None)
        return self._rtvi

    def _setup_rtvi(
        self, processor: RTVIProcessor | None, observer_params: RTVIObserverParams | None
    ) -> None:
        from voxpipe.processors.frameworks.rtvi import RTVIProcessor

        rtvi = processor or RTVIProcessor()
        self._rtvi = rtvi
        self._observers.append(rtvi.create_rtvi_observer(params=observer_params))

        async def _default_on_client_ready(rtvi: RTVIProcessor) -> None:
            await rtvi.set_bot_ready()

        rtvi.add_event_handler("on_client_ready", _default_on_client_ready)
        self._flow = Pipeline([self._source, rtvi, self._pipeline, self._sink])

    def has_finished(self) -> bool:
        """True once the run reached a terminal state and cleaned up."""
        return self._finished

    def add_event_handler(self, event_name: str, handler: Any) -> None:
        """Attach a handler; deprecated lifecycle events warn but still work."""
        if event_name in _DEPRECATED_EVENTS:
            warnings.warn(
                f"{event_name} is deprecated; use on_pipeline_finished and check the frame type",
                DeprecationWarning,
                stacklevel=3,
            )
        super().add_event_handler(event_name, handler)

    # -- filters ---------------------------------------------------------------------

    def set_reached_upstream_filter(self, types: tuple[type[Frame], ...]) -> None:
        """Fire ``on_frame_reached_upstream`` for frames of these types."""
        self._up_filter = tuple(types)

    def add_reached_upstream_filter(self, types: tuple[type[Frame], ...]) -> None:
        """Add frame types to the upstream filter."""
        self._up_filter = self._up_filter + tuple(types)

    def set_reached_downstream_filter(self, types: tuple[type[Frame], ...]) -> None:
        """Fire ``on_frame_reached_downstream`` for frames of these types."""
        self._down_filter = tuple(types)

    def add_reached_downstream_filter(self, types: tuple[type[Frame], ...]) -> None:
        """Add frame types to the downstream filter."""
        self._down_filter = self._down_filter + tuple(types)

    # -- observers ---------------------------------------------------------------------

    def add_observer(self, observer: BaseObserver) -> None:
        """Attach an observer, also while running."""
        self._observers.append(observer)
        if self._task_observer is not None:
            self._task_observer.add_observer(observer)
        elif self._running:
            self._install_observer()

    async def remove_observer(self, observer: BaseObserver) -> None:
        """Detach an observer."""
        if observer in self._observers:
            self._observers.remove(observer)
        if self._task_observer is not None:
            await self._task_observer.remove_observer(observer)

    def _install_observer(self) -> None:
        self._task_observer = TaskObserver(self._observers, self._task_manager)
        for p in self._all_processors():
            p._fp_observer = self._task_observer
            p._refresh_hooked()

    def _all_processors(self) -> list[FrameProcessor]:
        return self._flow.flat_processors()

    # -- queueing ----------------------------------------------------------------------

    async def queue_frame(
        self, frame: Frame, direction: FrameDirection = FrameDirection.DOWNSTREAM
    ) -> None:
        """Queue ``frame``: downstream frames enter at the start, upstream at the end."""
        if not isinstance(frame, Frame):
            raise TypeError(f"queue_frame needs a Frame, got {type(frame).__name__}")
        if self._finished:
            logger.debug("%s: finished, dropping %s", self, frame)
            return
        if not self._started:
            self._pending.append((frame, direction))
            return
        if direction is FrameDirection.DOWNSTREAM:
            await self._source.queue_frame(frame, direction)
        else:
            await self._sink.queue_frame(frame, direction)

    async def queue_frames(
        self,
        frames: Iterable[Frame] | AsyncIterable[Frame],
        direction: FrameDirection = FrameDirection.DOWNSTREAM,
    ) -> None:
        """Queue several frames in order; ``frames`` may be an async iterable."""
        if isinstance(frames, AsyncIterable):
            async for frame in frames:
                await self.queue_frame(frame, direction)
        else:
            for frame in frames:
                await self.queue_frame(frame, direction)

    async def stop_when_done(self) -> None:
        """End the run after everything queued so far (queues an ``EndFrame``)."""
        await self.queue_frame(EndFrame())

    async def cancel(self, *, reason: Any = None) -> None:
        """Stop the run now (a ``CancelFrame``); bounded by ``cancel_timeout_secs``."""
        if self._finished or self._cancel_started:
            return
        self._cancel_started = True
        if not self._started:
            self._finish(CancelFrame(reason=reason))
            return
        frame = CancelFrame(reason=reason)
        delivery = asyncio.get_running_loop().create_task(
            self._source.queue_frame(frame), name=f"{self}::cancel"
        )
        done, _ = await asyncio.wait({delivery}, timeout=self._cancel_timeout_secs)
        if not done:
            delivery.cancel()
            logger.warning(
                "%s: a processor did not let the CancelFrame through within %.1fs; abandoning it",
                self,
                self._cancel_timeout_secs,
            )
        self._finish(frame)

    # -- called by the task edges ---------------------------------------------------------

    def _finish(self, frame: Frame) -> None:
        if self._terminal_frame is None:
            self._terminal_frame = frame
        if self._finished_event is not None:
            self._finished_event.set()

    def _schedule(self, coro: Any, name: str) -> None:
        self._task_manager.create_task(coro, f"{self}::{name}")

    # -- running --------------------------------------------------------------------------

    async def run(self, params: PipelineTaskParams | None = None) -> None:
        """Run the pipeline until a terminal frame; normally called by ``PipelineRunner``."""
        if self._running or self._finished:
            raise PipelineError(
                f"{self} has already run; create a new PipelineTask for another run"
            )
        self._running = True
        loop = params.loop if params is not None else asyncio.get_running_loop()
        self._task_manager.setup(TaskManagerParams(loop=loop))
        self._finished_event = asyncio.Event()
        try:
            await self._start()
            await self._finished_event.wait()
        except asyncio.CancelledError:
            # The runner (or the caller) was cancelled: cancel the pipeline, then re-raise.
            await asyncio.shield(self._cancel_from_outside())
            raise
        finally:
            await asyncio.shield(self._shutdown())

    async def _cancel_from_outside(self) -> None:
        try:
            await self.cancel(reason="task cancelled")
        except Exception:
            logger.exception("%s: error while cancelling", self)

    async def _start(self) -> None:
        self._clock.start()
        if self._observers:
            self._install_observer()
        setup = FrameProcessorSetup(
            clock=self._clock,
            task_manager=self._task_manager,
            observer=self._task_observer,
            pipeline_worker=self,
        )
        await self._flow.setup(setup)
        p = self._params
        start = StartFrame(
            audio_in_sample_rate=p.audio_in_sample_rate,
            audio_out_sample_rate=p.audio_out_sample_rate,
            allow_interruptions=p.allow_interruptions,
            enable_metrics=p.enable_metrics,
            enable_usage_metrics=p.enable_usage_metrics,
            report_only_initial_ttfb=p.report_only_initial_ttfb,
            interruption_strategies=list(p.interruption_strategies),
        )
        start.metadata.update(p.start_metadata)
        await self._source.queue_frame(start)
        if p.enable_heartbeats:
            self._schedule(self._heartbeats(), "heartbeats")
        if self._idle_timeout_secs is not None:
            self._idle_event = asyncio.Event()
            self._schedule(self._idle_monitor(), "idle")

    async def _on_started(self, frame: StartFrame) -> None:
        """The StartFrame reached the sink: announce, then release frames queued before."""
        self._started = True
        if self._params.enable_metrics and self._params.send_initial_empty_metrics:
            await self._source.queue_frame(MetricsFrame(data=[]))
        await self._call_event_handler("on_pipeline_started", frame)
        if self._task_observer is not None:
            await self._task_observer.on_pipeline_started()
        pending, self._pending = self._pending, []
        for f, direction in pending:
            await self.queue_frame(f, direction)

    async def _shutdown(self) -> None:
        frame = self._terminal_frame or CancelFrame()
        cleanup = not isinstance(frame, StopFrame)
        try:
            await self._call_event_handler("on_pipeline_finished", frame)
            for event, cls in _DEPRECATED_EVENTS.items():
                if isinstance(frame, cls):
                    await self._call_event_handler(event, frame)
            if cleanup:
                await self._bounded(self._flow.cleanup(), "cleanup")
            else:
                for p in self._all_processors():
                    if p._fp_lane is not None and p._fp_lane.head is p:
                        await p._fp_lane.close()
            if self._task_observer is not None:
                await self._task_observer.stop()
            await self.wait_for_event_handlers()
        finally:
            leftovers = await self._task_manager.cancel_all(timeout=1.0)  # type: ignore[attr-defined]
            self._finished = True
            self._running = False
            if self._check_dangling_tasks:
                self._report_dangling(leftovers)

    async def _bounded(self, coro: Any, what: str) -> None:
        job = asyncio.get_running_loop().create_task(coro, name=f"{self}::{what}")
        done, _ = await asyncio.wait({job}, timeout=self._cancel_timeout_secs)
        if not done:
            job.cancel()
            logger.warning(
                "%s: %s did not finish within %.1fs; abandoned",
                self,
                what,
                self._cancel_timeout_secs,
            )
        elif job.exception() is not None:
            logger.error("%s: %s failed: %r", self, what, job.exception())

    def _report_dangling(self, leftovers: list[asyncio.Task[Any]]) -> None:
        current = asyncio.current_task()
        mine = [t for t in self._task_manager.current_tasks() if t is not current]
        for t in mine + leftovers:
            logger.warning(
                "%s: task %s is still running after the pipeline finished", self, t.get_name()
            )

    # -- heartbeats and idle detection -----------------------------------------------------

    async def _heartbeats(self) -> None:
        from voxpipe.frames.frames import HeartbeatFrame

        period = self._params.heartbeats_period_secs
        window = period * 10
        self._last_heartbeat_ns = self._clock.get_time()
        warned_at: int | None = None
        while not self._finished_event.is_set():  # type: ignore[union-attr]
            await self._source.queue_frame(HeartbeatFrame(timestamp=self._clock.get_time()))
            await asyncio.sleep(period)
            now = self._clock.get_time()
            last = self._last_heartbeat_ns or 0
            if (now - last) / 1e9 > window and warned_at != last:
                warned_at = last
                logger.warning(
                    "%s: heartbeat frame not received for more than %.1f seconds", self, window
                )

    def _heartbeat_received(self, timestamp: int) -> None:
        now = self._clock.get_time()
        self._last_heartbeat_ns = now
        logger.debug("%s: heartbeat went through in %.3f ms", self, (now - timestamp) / 1e6)

    def _activity(self) -> None:
        if self._idle_event is not None:
            self._idle_event.set()

    async def _idle_monitor(self) -> None:
        assert self._idle_event is not None and self._idle_timeout_secs is not None
        while True:
            self._idle_event.clear()
            try:
                await asyncio.wait_for(self._idle_event.wait(), self._idle_timeout_secs)
            except asyncio.TimeoutError:
                logger.info("%s: idle for %.1fs", self, self._idle_timeout_secs)
                await self._call_event_handler("on_idle_timeout")
                if self._cancel_on_idle_timeout:
                    self._schedule(self.cancel(reason="idle timeout"), "idle-cancel")
                    return
