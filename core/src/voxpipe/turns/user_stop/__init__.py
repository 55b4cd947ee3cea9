"""User turn stop strategies: when has the user finished and expects an answer?"""

from voxpipe.turns.types import UserTurnStoppedParams
from voxpipe.turns.user_stop.base_user_turn_stop_strategy import BaseUserTurnStopStrategy
from voxpipe.turns.user_stop.external_user_turn_stop_strategy import ExternalUserTurnStopStrategy
from voxpipe.turns.user_stop.speech_timeout_user_turn_stop_strategy import (
    SpeechTimeoutUserTurnStopStrategy,
)
from voxpipe.turns.user_stop.turn_analyzer_user_turn_stop_strategy import (
    TurnAnalyzerUserTurnStopStrategy,
)

__all__ = [
    "BaseUserTurnStopStrategy",
    "ExternalUserTurnStopStrategy",
    "SpeechTimeoutUserTurnStopStrategy",
    "TurnAnalyzerUserTurnStopStrategy",
    "UserTurnStoppedParams",
]
