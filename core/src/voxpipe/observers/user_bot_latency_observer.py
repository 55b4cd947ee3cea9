"""``UserBotLatencyObserver``: how long the bot takes to answer, and where that time went.

Measured on frames as they move through the pipeline (task-clock times):

1. ``ClientConnectedFrame`` — the reference for the first bot speech;
2. ``VADUserStartedSpeakingFrame`` — a new measurement starts (the previous
   one is discarded if the bot never answered);
3. ``VADUserStoppedSpeakingFrame`` — the user stopped speaking, *minus* the
   VAD's ``stop_secs`` (the silence the VAD waited for before saying so);
4. ``BotStartedSpeakingFrame`` — the latency is the time since (3):
   ``on_latency_measured(observer, seconds)`` and
   ``on_latency_breakdown(observer, breakdown)`` fire, and the measurement
   resets. The first bot speech after (1) also fires, once,
   ``on_first_bot_speech_latency(observer, seconds)`` (plus a breakdown).

Meanwhile :class:`LatencyBreakdown` collects, from metrics frames
(which need ``PipelineParams(enable_metrics=True)``), each service's TTFB and
the first text-aggregation time; from function-call frames, each call's
duration; and from ``UserStoppedSpeakingFrame``, the user-turn time (VAD
silence, STT finalisation and turn-analyzer wait). Its times are Unix
timestamps in seconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    ClientConnectedFrame,
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
    MetricsFrame,
    UserStoppedSpeakingFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.metrics.metrics import TextAggregationMetricsData, TTFBMetricsData
from voxpipe.observers._util import FrameHistory
from voxpipe.observers.base_observer import BaseObserver, FramePushed

__all__ = [
    "FunctionCallMetrics",
    "LatencyBreakdown",
    "TTFBBreakdownMetrics",
    "TextAggregationBreakdownMetrics",
    "UserBotLatencyObserver",
]

_TRACKED = (
    ClientConnectedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
    UserStoppedSpeakingFrame,
    BotStartedSpeakingFrame,
    MetricsFrame,
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
)


@dataclass
class TTFBBreakdownMetrics:
    """One service's time to first byte.

    Attributes:
        processor: Name of the service.
        model: The model, if reported.
        start_time: Unix time the request started.
        duration_secs: The TTFB in seconds.
    """

    processor: str
    model: str | None
    start_time: float
    duration_secs: float


@dataclass
class TextAggregationBreakdownMetrics:
    """Time from the first LLM token to the first complete sentence.

    Attributes:
        processor: Name of the processor that aggregated.
        start_time: Unix time aggregation started.
        duration_secs: Seconds.
    """

    processor: str
    start_time: float
    duration_secs: float


@dataclass
class FunctionCallMetrics:
    """One function call's duration.

    Attributes:
        function_name: The function.
        tool_call_id: The LLM's id for the call.
        start_time: Unix time the call started.
        duration_secs: Seconds until its result.
    """

    function_name: str
    tool_call_id: str
    start_time: float
    duration_secs: float


@dataclass
class LatencyBreakdown:
    """What happened between the user stopping and the bot starting to speak.

    Attributes:
        ttfb: Each service's time to first byte.
        text_aggregation: The first text-aggregation measurement, if any.
        user_turn_start_time: Unix time the user really stopped speaking.
        user_turn_secs: Seconds from then until the user turn ended.
        function_calls: Function calls run during the cycle.
    """

    ttfb: list[TTFBBreakdownMetrics] = field(default_factory=list)
    text_aggregation: TextAggregationBreakdownMetrics | None = None
    user_turn_start_time: float | None = None
    user_turn_secs: float | None = None
    function_calls: list[FunctionCallMetrics] = field(default_factory=list)

    def chronological_events(self) -> list[str]:
        """Every measurement as a readable line, in order of start time."""
        events: list[tuple[float, str]] = []
        if self.user_turn_start_time is not None and self.user_turn_secs is not None:
            events.append((self.user_turn_start_time, f"User turn: {self.user_turn_secs:.3f}s"))
        for t in self.ttfb:
            model = f" ({t.model})" if t.model else ""
            events.append((t.start_time, f"{t.processor}{model}: TTFB {t.duration_secs:.3f}s"))
        if self.text_aggregation is not None:
            a = self.text_aggregation
            events.append((a.start_time, f"{a.processor}: text aggregation {a.duration_secs:.3f}s"))
        for c in self.function_calls:
            events.append((c.start_time, f"Function call {c.function_name}: {c.duration_secs:.3f}s"))
        events.sort(key=lambda e: e[0])
        return [line for _, line in events]


class UserBotLatencyObserver(BaseObserver):
    """Measures user-to-bot response latency (see the module docstring).

    Args:
        max_frames: How many frames to remember so each counts once.
        **kwargs: Passed to :class:`BaseObserver`.
    """

    def __init__(self, *, max_frames: int = 100, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._history = FrameHistory(max_frames)
        self._anchor: float | None = None  # Unix time of task-clock zero
        self._client_connected_ns: int | None = None
        self._first_speech_done = False
        self._user_stopped_ns: int | None = None
        self._calls: dict[str, tuple[str, int]] = {}
        self._breakdown = LatencyBreakdown()
        for event in ("on_latency_measured", "on_latency_breakdown", "on_first_bot_speech_latency"):
            self._register_event_handler(event)

    def _unix(self, ts_ns: int) -> float:
        return (self._anchor or 0.0) + ts_ns / 1e9

    async def on_push_frame(self, data: FramePushed) -> None:
        """Update the measurement on the frames listed in the module docstring."""
        frame = data.frame
        if not isinstance(frame, _TRACKED) or self._history.seen(frame):
            return
        ts = data.timestamp
        if self._anchor is None:
            self._anchor = time.time() - ts / 1e9
        if isinstance(frame, VADUserStartedSpeakingFrame):
            self._user_stopped_ns = None
            self._calls.clear()
            self._breakdown = LatencyBreakdown()
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self._user_stopped_ns = ts - int(frame.stop_secs * 1e9)
            self._breakdown.user_turn_start_time = self._unix(self._user_stopped_ns)
        elif isinstance(frame, UserStoppedSpeakingFrame):
            if self._user_stopped_ns is not None and self._breakdown.user_turn_secs is None:
                self._breakdown.user_turn_secs = max(0, ts - self._user_stopped_ns) / 1e9
        elif isinstance(frame, BotStartedSpeakingFrame):
            await self._bot_started(ts)
        elif isinstance(frame, ClientConnectedFrame):
            if self._client_connected_ns is None:
                self._client_connected_ns = ts
        elif isinstance(frame, MetricsFrame):
            self._collect_metrics(frame, ts)
        elif isinstance(frame, FunctionCallInProgressFrame):
            self._calls[frame.tool_call_id] = (frame.function_name, ts)
        elif isinstance(frame, FunctionCallResultFrame):
            started = self._calls.pop(frame.tool_call_id, None)
            if started is not None:
                name, start_ns = started
                self._breakdown.function_calls.append(
                    FunctionCallMetrics(name, frame.tool_call_id, self._unix(start_ns), (ts - start_ns) / 1e9)
                )

    def _collect_metrics(self, frame: MetricsFrame, ts: int) -> None:
        now = self._unix(ts)
        for data in frame.data:
            if isinstance(data, TTFBMetricsData):
                self._breakdown.ttfb.append(
                    TTFBBreakdownMetrics(data.processor, data.model, now - data.value, data.value)
                )
            elif isinstance(data, TextAggregationMetricsData) and self._breakdown.text_aggregation is None:
                self._breakdown.text_aggregation = TextAggregationBreakdownMetrics(
                    data.processor, now - data.value, data.value
                )

    async def _bot_started(self, ts: int) -> None:
        breakdown = self._breakdown
        emitted_breakdown = False
        if not self._first_speech_done and self._client_connected_ns is not None:
            self._first_speech_done = True
            latency = max(0, ts - self._client_connected_ns) / 1e9
            await self._call_event_handler("on_first_bot_speech_latency", latency)
            if self._user_stopped_ns is None:
                await self._call_event_handler("on_latency_breakdown", breakdown)
                emitted_breakdown = True
        if self._user_stopped_ns is not None:
            latency = max(0, ts - self._user_stopped_ns) / 1e9
            await self._call_event_handler("on_latency_measured", latency)
            if not emitted_breakdown:
                await self._call_event_handler("on_latency_breakdown", breakdown)
            emitted_breakdown = True
        if emitted_breakdown:
            self._user_stopped_ns = None
            self._calls.clear()
            self._breakdown = LatencyBreakdown()
