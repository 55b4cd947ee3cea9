"""``StartupTimingObserver``: how long each processor took to start, and when clients connected.

A processor's start time is measured by following the ``StartFrame``: from
the moment the processor begins handling it to the moment it pushes it on.
Once the pipeline has started, ``on_startup_timing_report(observer, report)``
fires with a :class:`StartupTimingReport` (processors in the order the
``StartFrame`` reached them). When the first ``ClientConnectedFrame`` passes,
``on_transport_timing_report(observer, report)`` fires with a
:class:`TransportTimingReport` (``bot_connected_secs`` is set only by SFU
transports, which emit ``BotConnectedFrame`` when the bot joins the room).

The pipeline's own plumbing — ``Pipeline``, ``PipelineSource``/``Sink``, the
task's source and sink, parallel-pipeline and switcher edges — is never
measured. Both reports fire at most once per observer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from voxpipe.frames.frames import BotConnectedFrame, ClientConnectedFrame, StartFrame
from voxpipe.observers.base_observer import BaseObserver, FrameProcessed, FramePushed
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["ProcessorStartupTiming", "StartupTimingObserver", "StartupTimingReport", "TransportTimingReport"]

_INTERNAL_PREFIX = "voxpipe.pipeline."


@dataclass
class ProcessorStartupTiming:
    """One processor's start.

    Attributes:
        processor_name: The processor's name.
        start_offset_secs: Seconds from the pipeline's ``StartFrame`` to when
            this processor began starting.
        duration_secs: How long its start took.
    """

    processor_name: str
    start_offset_secs: float
    duration_secs: float


@dataclass
class StartupTimingReport:
    """Startup timing of the measured processors.

    Attributes:
        start_time: Unix time the first processor began starting.
        total_duration_secs: Sum of the measured processors' start durations.
        processor_timings: One entry per measured processor, in pipeline order.
    """

    start_time: float
    total_duration_secs: float
    processor_timings: list[ProcessorStartupTiming] = field(default_factory=list)


@dataclass
class TransportTimingReport:
    """When the bot and the first client connected, relative to the ``StartFrame``.

    Attributes:
        start_time: Unix time of the ``StartFrame``.
        bot_connected_secs: Seconds to ``BotConnectedFrame`` (SFU transports), else None.
        client_connected_secs: Seconds to the first ``ClientConnectedFrame``.
    """

    start_time: float
    bot_connected_secs: float | None
    client_connected_secs: float | None


class StartupTimingObserver(BaseObserver):
    """Measures processor start-up and transport connection times (see the module docstring).

    Args:
        processor_types: Measure only processors of these types; None measures
            every processor except the pipeline's plumbing.
        **kwargs: Passed to :class:`BaseObserver`.
    """

    def __init__(self, *, processor_types: tuple[type, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._types = processor_types
        self._anchor: float | None = None  # Unix time of task-clock zero
        self._start_ns: int | None = None
        self._began: dict[int, tuple[FrameProcessor, int]] = {}
        self._timings: list[ProcessorStartupTiming] = []
        self._reported = False
        self._bot_connected_ns: int | None = None
        self._transport_reported = False
        self._register_event_handler("on_startup_timing_report")
        self._register_event_handler("on_transport_timing_report")

    def _measured(self, processor: FrameProcessor) -> bool:
        if type(processor).__module__.startswith(_INTERNAL_PREFIX):
            return False
        return self._types is None or isinstance(processor, self._types)

    def _note_time(self, ts: int) -> None:
        if self._anchor is None:
            self._anchor = time.time() - ts / 1e9
        if self._start_ns is None:
            self._start_ns = ts

    async def on_process_frame(self, data: FrameProcessed) -> None:
        """A processor begins handling the ``StartFrame``: note when."""
        if self._reported or not isinstance(data.frame, StartFrame):
            return
        self._note_time(data.timestamp)
        if data.direction is FrameDirection.DOWNSTREAM and self._measured(data.processor):
            self._began.setdefault(id(data.processor), (data.processor, data.timestamp))

    async def on_push_frame(self, data: FramePushed) -> None:
        """A processor pushed the ``StartFrame`` on (its start is done), or a transport connected."""
        frame = data.frame
        if isinstance(frame, StartFrame):
            if not self._reported:
                self._note_time(data.timestamp)
                began = self._began.pop(id(data.source), None)
                if began is not None:
                    processor, start = began
                    offset = (start - (self._start_ns or start)) / 1e9
                    self._timings.append(
                        ProcessorStartupTiming(processor.name, offset, (data.timestamp - start) / 1e9)
                    )
        elif isinstance(frame, BotConnectedFrame):
            if self._bot_connected_ns is None:
                self._bot_connected_ns = data.timestamp
        elif isinstance(frame, ClientConnectedFrame) and not self._transport_reported:
            self._transport_reported = True
            start = self._start_ns or 0
            bot = self._bot_connected_ns
            report = TransportTimingReport(
                start_time=self._unix(start),
                bot_connected_secs=(bot - start) / 1e9 if bot is not None else None,
                client_connected_secs=(data.timestamp - start) / 1e9,
            )
            await self._call_event_handler("on_transport_timing_report", report)

    async def on_pipeline_started(self) -> None:
        """Report the start-up timings (once)."""
        if self._reported:
            return
        self._reported = True
        self._began.clear()
        timings = list(self._timings)
        first = min((t.start_offset_secs for t in timings), default=0.0)
        report = StartupTimingReport(
            start_time=self._unix(self._start_ns or 0) + first,
            total_duration_secs=sum(t.duration_secs for t in timings),
            processor_timings=timings,
        )
        await self._call_event_handler("on_startup_timing_report", report)

    def _unix(self, ts_ns: int) -> float:
        return (self._anchor if self._anchor is not None else time.time()) + ts_ns / 1e9
