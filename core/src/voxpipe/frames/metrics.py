"""The metrics frame; the metrics data types live in :mod:`voxpipe.metrics.metrics`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from voxpipe.frames._base import SystemFrame

if TYPE_CHECKING:
    from voxpipe.metrics.metrics import MetricsData

__all__ = ["MetricsFrame"]


@dataclass
class MetricsFrame(SystemFrame):
    """Metrics measured by processors, emitted when metrics are enabled in the ``StartFrame``.

    Attributes:
        data: The measurements (TTFB, processing time, token usage ...).
    """

    data: list[MetricsData]
