"""``UserTurnStrategies``: the start and stop strategies a user aggregator runs.

Defaults: start on VAD or on a transcript; stop with the smart-turn model
(``TurnAnalyzerUserTurnStopStrategy(LocalSmartTurnAnalyzerV3())``) when its
plugin is installed and its model loads. The kernel ships no model, so without
the plugin the default stop strategy is ``SpeechTimeoutUserTurnStopStrategy()``
and an info line says so; when the plugin is installed but cannot load its
model, the same fallback applies with a warning naming the cause (see
``docs/conversation.md``).
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field

from voxpipe.turns.user_start import (
    BaseUserTurnStartStrategy,
    ExternalUserTurnStartStrategy,
    TranscriptionUserTurnStartStrategy,
    VADUserTurnStartStrategy,
)
from voxpipe.turns.user_stop import (
    BaseUserTurnStopStrategy,
    ExternalUserTurnStopStrategy,
    SpeechTimeoutUserTurnStopStrategy,
    TurnAnalyzerUserTurnStopStrategy,
)

__all__ = [
    "ExternalUserTurnStrategies",
    "UserTurnStrategies",
    "default_user_turn_start_strategies",
    "default_user_turn_stop_strategies",
]

logger = logging.getLogger("voxpipe")

_SMART_TURN_MODULE = "voxpipe.audio.turn.smart_turn.local_smart_turn_v3"
_warned_no_smart_turn = False


def default_user_turn_start_strategies() -> list[BaseUserTurnStartStrategy]:
    """``[VADUserTurnStartStrategy(), TranscriptionUserTurnStartStrategy()]``, fresh instances."""
    return [VADUserTurnStartStrategy(), TranscriptionUserTurnStartStrategy()]


def default_user_turn_stop_strategies() -> list[BaseUserTurnStopStrategy]:
    """Smart-turn when its plugin is installed, else a speech timeout; fresh instances."""
    global _warned_no_smart_turn
    try:
        module = importlib.import_module(_SMART_TURN_MODULE)
    except ImportError:
        if not _warned_no_smart_turn:
            _warned_no_smart_turn = True
            logger.info(
                "smart-turn is not installed (pip install voxpipe-smart-turn); "
                "user turns end with SpeechTimeoutUserTurnStopStrategy"
            )
        return [SpeechTimeoutUserTurnStopStrategy()]
    try:
        analyzer = module.LocalSmartTurnAnalyzerV3()
    except Exception as exc:  # installed but unusable (model not pulled, runtime missing)
        if not _warned_no_smart_turn:
            _warned_no_smart_turn = True
            logger.warning(
                "smart-turn is installed but cannot load (%s); user turns end with "
                "SpeechTimeoutUserTurnStopStrategy",
                exc,
            )
        return [SpeechTimeoutUserTurnStopStrategy()]
    return [TurnAnalyzerUserTurnStopStrategy(turn_analyzer=analyzer)]


@dataclass
class UserTurnStrategies:
    """Start and stop strategies, tried in order; the first to trigger wins.

    Attributes:
        start: Strategies that open a user turn.
        stop: Strategies that close it (and run the LLM).
    """

    start: list[BaseUserTurnStartStrategy] | None = None
    stop: list[BaseUserTurnStopStrategy] | None = None

    def __post_init__(self) -> None:
        if self.start is None:
            self.start = default_user_turn_start_strategies()
        if self.stop is None:
            self.stop = default_user_turn_stop_strategies()


@dataclass
class ExternalUserTurnStrategies(UserTurnStrategies):
    """Defer turns to an upstream source (``UserTurnProcessor``, an STT with turn detection)."""

    start: list[BaseUserTurnStartStrategy] | None = field(
        default_factory=lambda: list[BaseUserTurnStartStrategy]([ExternalUserTurnStartStrategy()])
    )
    stop: list[BaseUserTurnStopStrategy] | None = field(
        default_factory=lambda: list[BaseUserTurnStopStrategy]([ExternalUserTurnStopStrategy()])
    )
