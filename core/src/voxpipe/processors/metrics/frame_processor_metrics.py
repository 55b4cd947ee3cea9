"""``FrameProcessorMetrics``: TTFB, processing-time and usage measurements of one processor.

Each ``stop_*``/usage call returns a ``MetricsFrame`` for the processor to push
downstream, or None when nothing was being measured. Times are measured with
``time.monotonic`` and reported in seconds.
"""

from __future__ import annotations

import time
from typing import Any

from voxpipe.frames.frames import MetricsFrame
from voxpipe.metrics.metrics import (
    LLMTokenUsage,
    LLMUsageMetricsData,
    MetricsData,
    ProcessingMetricsData,
    TTFBMetricsData,
    TTSUsageMetricsData,
)

__all__ = ["FrameProcessorMetrics"]


class FrameProcessorMetrics:
    """Measures one processor; the processor decides whether metrics are enabled."""

    def __init__(self) -> None:
        self._processor = ""
        self._model: str | None = None
        self._ttfb_start: float | None = None
        self._processing_start: float | None = None
        self._ttfb_reported = False
        self._report_only_initial = False

    def set_processor_name(self, name: str) -> None:
        """Label future metrics with processor ``name``."""
        self._processor = name

    def set_model_name(self, model: str | None) -> None:
        """Label future metrics with ``model``."""
        self._model = model

    def set_core_metrics_data(self, data: MetricsData) -> None:
        """Take processor and model labels from ``data``."""
        self._processor = data.processor
        self._model = data.model

    @property
    def ttfb_ms(self) -> float | None:
        """Milliseconds since the TTFB measurement started, or None."""
        if self._ttfb_start is None:
            return None
        return (time.monotonic() - self._ttfb_start) * 1000

    def start_ttfb_metrics(self, report_only_initial_ttfb: bool, *, start_time: float | None = None) -> None:
        """Start a TTFB measurement (skipped after the first if only the initial one is wanted)."""
        self._report_only_initial = report_only_initial_ttfb
        if report_only_initial_ttfb and self._ttfb_reported:
            return
        self._ttfb_start = start_time if start_time is not None else time.monotonic()

    def stop_ttfb_metrics(self, *, end_time: float | None = None) -> MetricsFrame | None:
        """Finish the TTFB measurement; None if none was running."""
        if self._ttfb_start is None:
            return None
        value = (end_time if end_time is not None else time.monotonic()) - self._ttfb_start
        self._ttfb_start = None
        self._ttfb_reported = True
        return MetricsFrame(data=[TTFBMetricsData(processor=self._processor, model=self._model, value=value)])

    def start_processing_metrics(self, *, start_time: float | None = None) -> None:
        """Start a processing-time measurement."""
        self._processing_start = start_time if start_time is not None else time.monotonic()

    def stop_processing_metrics(self, *, end_time: float | None = None) -> MetricsFrame | None:
        """Finish the processing measurement; None if none was running."""
        if self._processing_start is None:
            return None
        value = (end_time if end_time is not None else time.monotonic()) - self._processing_start
        self._processing_start = None
        return MetricsFrame(
            data=[ProcessingMetricsData(processor=self._processor, model=self._model, value=value)]
        )

    def start_llm_usage_metrics(self, tokens: LLMTokenUsage) -> MetricsFrame:
        """A usage report for ``tokens``."""
        return MetricsFrame(
            data=[LLMUsageMetricsData(processor=self._processor, model=self._model, value=tokens)]
        )

    def start_tts_usage_metrics(self, text: str) -> MetricsFrame:
        """A usage report of ``len(text)`` characters."""
        return MetricsFrame(
            data=[TTSUsageMetricsData(processor=self._processor, model=self._model, value=len(text))]
        )

    def reset(self) -> Any:
        """Forget running measurements (e.g. after an interruption)."""
        self._ttfb_start = None
        self._processing_start = None
