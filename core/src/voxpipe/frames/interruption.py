"""The interruption frame and its deprecated predecessors.

An :class:`InterruptionFrame` is a system frame: it overtakes queued work, and
each processor that receives it discards its queued data and control frames
(except uninterruptible ones) and cancels the one in flight before passing it
on.
"""

from __future__ import annotations

from dataclasses import dataclass

from voxpipe.frames._base import SystemFrame
from voxpipe.frames._deprecation import warn_deprecated

__all__ = [
    "InterruptionFrame",
    "StartInterruptionFrame",
    "StopInterruptionFrame",
]


@dataclass
class InterruptionFrame(SystemFrame):
    """Interrupt the pipeline: drop pending data and control frames everywhere.

    Usually triggered when the user starts speaking while the bot responds;
    any processor may push it.
    """


@dataclass
class StartInterruptionFrame(InterruptionFrame):
    """Deprecated name of :class:`InterruptionFrame`; warns when constructed.

    It is a subclass, so ``isinstance(frame, InterruptionFrame)`` holds and
    processors handle it as an interruption.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        warn_deprecated("StartInterruptionFrame is deprecated; use InterruptionFrame instead.")


@dataclass
class StopInterruptionFrame(SystemFrame):
    """Deprecated marker for the end of an interruption; warns when constructed.

    Nothing in the kernel emits it any more: the end of the user's turn is
    signalled by ``UserStoppedSpeakingFrame``.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        warn_deprecated(
            "StopInterruptionFrame is deprecated; watch UserStoppedSpeakingFrame instead."
        )
