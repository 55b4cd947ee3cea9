"""User mute strategies: when is user input suppressed?"""

from voxpipe.turns.user_mute.base_user_mute_strategy import BaseUserMuteStrategy
from voxpipe.turns.user_mute.strategies import (
    AlwaysUserMuteStrategy,
    FirstSpeechUserMuteStrategy,
    FunctionCallUserMuteStrategy,
    MuteUntilFirstBotCompleteUserMuteStrategy,
)

__all__ = [
    "AlwaysUserMuteStrategy",
    "BaseUserMuteStrategy",
    "FirstSpeechUserMuteStrategy",
    "FunctionCallUserMuteStrategy",
    "MuteUntilFirstBotCompleteUserMuteStrategy",
]
