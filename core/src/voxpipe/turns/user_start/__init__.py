"""User turn start strategies: when does the user's turn begin?"""

from voxpipe.turns.types import UserTurnStartedParams
from voxpipe.turns.user_start.base_user_turn_start_strategy import BaseUserTurnStartStrategy
from voxpipe.turns.user_start.external_user_turn_start_strategy import (
    ExternalUserTurnStartStrategy,
)
from voxpipe.turns.user_start.min_words_user_turn_start_strategy import (
    MinWordsUserTurnStartStrategy,
)
from voxpipe.turns.user_start.transcription_user_turn_start_strategy import (
    TranscriptionUserTurnStartStrategy,
)
from voxpipe.turns.user_start.vad_user_turn_start_strategy import VADUserTurnStartStrategy
from voxpipe.turns.user_start.wake_phrase_user_turn_start_strategy import (
    WakePhraseState,
    WakePhraseUserTurnStartStrategy,
)

__all__ = [
    "BaseUserTurnStartStrategy",
    "ExternalUserTurnStartStrategy",
    "MinWordsUserTurnStartStrategy",
    "TranscriptionUserTurnStartStrategy",
    "UserTurnStartedParams",
    "VADUserTurnStartStrategy",
    "WakePhraseState",
    "WakePhraseUserTurnStartStrategy",
]
