"""``BaseInterruptionStrategy`` under its documented (deprecated) import path."""

from voxpipe.turns.interruptions import BaseInterruptionStrategy

__all__ = ["BaseInterruptionStrategy"]
