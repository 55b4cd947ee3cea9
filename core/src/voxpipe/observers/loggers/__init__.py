"""Observers that log pipeline activity through the stdlib ``voxpipe`` logger."""

from voxpipe.observers.loggers.debug_log_observer import DebugLogObserver, FrameEndpoint

__all__ = ["DebugLogObserver", "FrameEndpoint"]
