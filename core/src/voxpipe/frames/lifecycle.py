"""Pipeline lifecycle frames: start, end, stop, cancel, errors, heartbeats, pause/resume.

How each one is scheduled:

* :class:`StartFrame`, :class:`CancelFrame`, :class:`ErrorFrame` and the
  ``*UrgentFrame`` pause/resume frames are system frames: they overtake queued
  work and survive interruptions.
* :class:`EndFrame` and :class:`StopFrame` are control frames marked
  uninterruptible: they wait behind the frames queued ahead of them (so a
  pipeline drains before it ends) and an interruption never discards them.
* :class:`FrameProcessorPauseFrame` / :class:`FrameProcessorResumeFrame` and
  :class:`HeartbeatFrame` are ordinary control frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from voxpipe.frames._base import ControlFrame, SystemFrame, UninterruptibleFrame

if TYPE_CHECKING:
    from voxpipe.processors.frame_processor import FrameProcessor

__all__ = [
    "CancelFrame",
    "EndFrame",
    "ErrorFrame",
    "FatalErrorFrame",
    "FrameProcessorPauseFrame",
    "FrameProcessorPauseUrgentFrame",
    "FrameProcessorResumeFrame",
    "FrameProcessorResumeUrgentFrame",
    "HeartbeatFrame",
    "StartFrame",
    "StopFrame",
]


@dataclass
class StartFrame(SystemFrame):
    """The first frame of a pipeline; every processor sees it before any other frame.

    Processors read their run-wide configuration from it (sample rates,
    whether to collect metrics) when it arrives.

    Attributes:
        audio_in_sample_rate: Input audio sample rate in Hz.
        audio_out_sample_rate: Output audio sample rate in Hz.
        allow_interruptions: Whether user speech may interrupt the bot.
            Deprecated since 0.0.99: use user turn strategies instead.
        enable_metrics: Collect performance metrics (TTFB, processing time).
        enable_tracing: Emit tracing spans for the pipeline run.
        enable_usage_metrics: Collect usage metrics (tokens, characters).
        interruption_strategies: Interruption strategies for the pipeline.
            Deprecated since 0.0.99.
        report_only_initial_ttfb: Report time-to-first-byte only for the first
            response instead of every response.
        tracing_context: Tracing context linking spans to a parent trace.
    """

    audio_in_sample_rate: int = 16000
    audio_out_sample_rate: int = 24000
    allow_interruptions: bool = False
    enable_metrics: bool = False
    enable_tracing: bool = False
    enable_usage_metrics: bool = False
    interruption_strategies: list[Any] = field(default_factory=list)
    report_only_initial_ttfb: bool = False
    tracing_context: Any | None = None


@dataclass
class CancelFrame(SystemFrame):
    """Stop the pipeline now, skipping every queued data and control frame.

    Attributes:
        reason: Why the pipeline is cancelled, for logs; optional.
    """

    reason: Any | None = None

    def __str__(self) -> str:
        return f"{self.name}(reason: {self.reason})"


@dataclass
class EndFrame(ControlFrame, UninterruptibleFrame):
    """End the pipeline gracefully, after the frames queued ahead of it.

    Each processor handles it in order and then shuts down; an interruption
    never discards it.

    Attributes:
        reason: Why the pipeline ends, for logs; optional.
    """

    reason: Any | None = None

    def __str__(self) -> str:
        return f"{self.name}(reason: {self.reason})"


@dataclass
class StopFrame(ControlFrame, UninterruptibleFrame):
    """Stop frame flow after the queued frames but keep processors running.

    Unlike :class:`EndFrame`, processors keep their connections and state so
    the same processors can be reused by another pipeline run.
    """


@dataclass
class ErrorFrame(SystemFrame):
    """Report an error, usually pushed upstream so earlier processors can react.

    Attributes:
        error: Human-readable description of the error.
        fatal: True when the bot cannot continue and must shut down.
        processor: The processor that reported the error, if known.
        exception: The exception that was caught, if any.
    """

    error: str
    fatal: bool = False
    processor: FrameProcessor | None = None
    exception: Exception | None = None

    def __str__(self) -> str:
        return f"{self.name}(error: {self.error}, fatal: {self.fatal})"


@dataclass
class FatalErrorFrame(ErrorFrame):
    """An unrecoverable error: ``fatal`` is always True and is not a constructor argument."""

    fatal: bool = field(default=True, init=False)


@dataclass
class HeartbeatFrame(ControlFrame):
    """Sent through the pipeline periodically to detect stalls and measure latency.

    Attributes:
        timestamp: When the heartbeat was created, in nanoseconds of the task clock.
    """

    timestamp: int


@dataclass
class FrameProcessorPauseFrame(ControlFrame):
    """Pause a processor once it has handled the frames queued ahead of this one.

    While paused, the processor buffers incoming data and control frames;
    system frames still flow.

    Attributes:
        processor: The processor to pause.
    """

    processor: FrameProcessor


@dataclass
class FrameProcessorResumeFrame(ControlFrame):
    """Resume a paused processor and release its buffered frames in order.

    Being a control frame, it queues behind frames buffered during the pause
    and can therefore stay stuck; use :class:`FrameProcessorResumeUrgentFrame`
    to resume from outside.

    Attributes:
        processor: The processor to resume.
    """

    processor: FrameProcessor


@dataclass
class FrameProcessorPauseUrgentFrame(SystemFrame):
    """Pause a processor immediately, without waiting for its queue to drain.

    Attributes:
        processor: The processor to pause.
    """

    processor: FrameProcessor


@dataclass
class FrameProcessorResumeUrgentFrame(SystemFrame):
    """Resume a paused processor immediately; the right way to resume from outside.

    Attributes:
        processor: The processor to resume.
    """

    processor: FrameProcessor
