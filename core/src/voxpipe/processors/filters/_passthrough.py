"""The frames every filter lets through so a pipeline can still start, run and end.

The filter pages say ``SystemFrame`` and ``EndFrame`` always pass "so as to not
block the pipeline". ``StopFrame`` ends a run just like ``EndFrame`` (the task
waits for it at the sink), so it passes too for the same reason.
"""

from __future__ import annotations

from voxpipe.frames._base import Frame, SystemFrame
from voxpipe.frames.frames import CancelFrame, EndFrame, StartFrame, StopFrame

__all__ = ["LIFECYCLE_FRAMES", "PROTECTED_FRAMES", "is_lifecycle", "is_protected"]

#: Frames that start or end a run; no filter ever drops them.
LIFECYCLE_FRAMES: tuple[type[Frame], ...] = (StartFrame, EndFrame, StopFrame, CancelFrame)

#: Frames the type-based filters always pass: every system frame plus the end frames.
PROTECTED_FRAMES: tuple[type[Frame], ...] = (SystemFrame, EndFrame, StopFrame)


def is_lifecycle(frame: Frame) -> bool:
    """Whether ``frame`` starts or ends a run (``Start``/``End``/``Stop``/``Cancel``)."""
    return isinstance(frame, LIFECYCLE_FRAMES)


def is_protected(frame: Frame) -> bool:
    """Whether ``frame`` is a system frame or an end frame, which filters always pass."""
    return isinstance(frame, PROTECTED_FRAMES)
