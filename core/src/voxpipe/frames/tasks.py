"""Task frames: requests a processor sends to its pipeline task.

A processor has no handle on the task that runs it, so it pushes one of these
(usually upstream); the task turns it into the matching pipeline frame and
pushes that downstream from the start of the pipeline:

========================= ====================== =========================
request                   becomes                kind of the request
========================= ====================== =========================
:class:`EndTaskFrame`     ``EndFrame``           control, uninterruptible
:class:`StopTaskFrame`    ``StopFrame``          control, uninterruptible
:class:`CancelTaskFrame`  ``CancelFrame``        system
:class:`InterruptionTaskFrame` ``InterruptionFrame`` system
========================= ====================== =========================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voxpipe.frames._base import ControlFrame, SystemFrame, UninterruptibleFrame

__all__ = [
    "CancelTaskFrame",
    "EndTaskFrame",
    "InterruptionTaskFrame",
    "StopTaskFrame",
    "TaskFrame",
    "TaskSystemFrame",
]


@dataclass
class TaskFrame(ControlFrame):
    """Base of the in-order task requests; the pipeline task consumes them."""


@dataclass
class TaskSystemFrame(SystemFrame):
    """Base of the system-priority task requests; the pipeline task consumes them."""


@dataclass
class EndTaskFrame(TaskFrame, UninterruptibleFrame):
    """Ask the pipeline task to end gracefully (it pushes an ``EndFrame``).

    Attributes:
        reason: Why the pipeline should end, passed on to the ``EndFrame``.
    """

    reason: Any | None = None

    def __str__(self) -> str:
        return f"{self.name}(reason: {self.reason})"


@dataclass
class StopTaskFrame(TaskFrame, UninterruptibleFrame):
    """Ask the pipeline task to stop while keeping processors alive (it pushes a ``StopFrame``)."""


@dataclass
class CancelTaskFrame(TaskSystemFrame):
    """Ask the pipeline task to cancel at once (it pushes a ``CancelFrame``).

    Attributes:
        reason: Why the pipeline should be cancelled, passed on to the ``CancelFrame``.
    """

    reason: Any | None = None

    def __str__(self) -> str:
        return f"{self.name}(reason: {self.reason})"


@dataclass
class InterruptionTaskFrame(TaskSystemFrame):
    """Ask the pipeline task to interrupt the pipeline (it pushes an ``InterruptionFrame``)."""
