"""The turn analyzer interface: decide from audio whether the user finished their turn.

A turn analyzer (smart-turn, Krisp turn, ...) sees every input audio chunk
with the VAD's speech flag and answers at two moments:

* :meth:`BaseTurnAnalyzer.append_audio` — per chunk. A *streaming* analyzer
  may return ``COMPLETE`` here; a *batch* analyzer returns ``COMPLETE`` only
  when its own silence fallback (``params.stop_secs``) expires, else ``INCOMPLETE``.
* :meth:`BaseTurnAnalyzer.analyze_end_of_turn` — when the VAD reports a
  pause; a batch analyzer runs its model here.

``TurnAnalyzerUserTurnStopStrategy`` drives it; see ``docs/conversation.md``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import Enum

from voxpipe.metrics.metrics import MetricsData

__all__ = ["BaseTurnAnalyzer", "BaseTurnParams", "EndOfTurnState"]


class EndOfTurnState(Enum):
    """The analyzer's verdict."""

    COMPLETE = 1
    INCOMPLETE = 2


@dataclass
class BaseTurnParams:
    """Parameters every turn analyzer has; analyzers subclass with their own.

    Attributes:
        stop_secs: Silence after which a turn counts as complete whatever the
            model says (the fallback).
    """

    stop_secs: float = 3.0


class BaseTurnAnalyzer(ABC):
    """Base class of end-of-turn analyzers.

    Args:
        sample_rate: Input sample rate; None takes the pipeline's when
            :meth:`set_sample_rate` is called at start.
    """

    def __init__(self, *, sample_rate: int | None = None) -> None:
        self._init_sample_rate = sample_rate
        self._sample_rate = 0
        self._vad_start_secs = 0.0

    @property
    def sample_rate(self) -> int:
        """The sample rate in use (0 before :meth:`set_sample_rate`)."""
        return self._sample_rate

    def set_sample_rate(self, sample_rate: int) -> None:
        """Fix the sample rate; a rate given to the constructor wins."""
        self._sample_rate = self._init_sample_rate or sample_rate

    def update_vad_start_secs(self, vad_start_secs: float) -> None:
        """Tell the analyzer how much speech the VAD needed before it reported a start."""
        self._vad_start_secs = vad_start_secs

    @property
    @abstractmethod
    def speech_triggered(self) -> bool:
        """Whether speech has been seen since the last :meth:`clear`."""

    @property
    @abstractmethod
    def params(self) -> BaseTurnParams:
        """The analyzer's parameters (announced in ``SpeechControlParamsFrame``)."""

    @abstractmethod
    def append_audio(self, buffer: bytes, is_speech: bool) -> EndOfTurnState:
        """Add one chunk of 16-bit mono PCM and whether the VAD calls it speech."""

    @abstractmethod
    async def analyze_end_of_turn(self) -> tuple[EndOfTurnState, MetricsData | None]:
        """Judge the audio so far; returns the verdict and optional ``TurnMetricsData``."""

    def clear(self) -> None:  # noqa: B027 - optional hook
        """Forget the audio of the current turn (called when a turn ends)."""

    async def cleanup(self) -> None:  # noqa: B027 - optional hook
        """Release resources (models, executors)."""
