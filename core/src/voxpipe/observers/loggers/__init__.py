"""Observers that log pipeline activity through the stdlib ``voxpipe`` logger."""

from voxpipe.observers.loggers.debug_log_observer import DebugLogObserver, FrameEndpoint
from voxpipe.observers.loggers.llm_log_observer import LLMLogObserver
from voxpipe.observers.loggers.transcription_log_observer import TranscriptionLogObserver

__all__ = ["DebugLogObserver", "FrameEndpoint", "LLMLogObserver", "TranscriptionLogObserver"]
