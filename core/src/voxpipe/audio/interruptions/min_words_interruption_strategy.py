"""``MinWordsInterruptionStrategy`` under its documented (deprecated) import path."""

from voxpipe.turns.interruptions import MinWordsInterruptionStrategy

__all__ = ["MinWordsInterruptionStrategy"]
