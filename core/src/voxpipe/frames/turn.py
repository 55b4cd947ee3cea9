"""User and bot speaking-state frames, user mute and idle settings.

All are system frames: speaking state must reach every processor
at once, even while data frames are queued or being discarded. The output
transport broadcasts the bot frames in both directions; the user aggregator
(turn controller) emits the user frames.
"""

from __future__ import annotations

from dataclasses import dataclass

from voxpipe.frames._base import SystemFrame
from voxpipe.frames._deprecation import warn_deprecated

__all__ = [
    "BotSpeakingFrame",
    "BotStartedSpeakingFrame",
    "BotStoppedSpeakingFrame",
    "UserIdleTimeoutUpdateFrame",
    "UserMuteStartedFrame",
    "UserMuteStoppedFrame",
    "UserSpeakingFrame",
    "UserStartedSpeakingFrame",
    "UserStoppedSpeakingFrame",
]


def _warn_if_emulated(frame: UserStartedSpeakingFrame | UserStoppedSpeakingFrame) -> None:
    if frame.emulated:
        warn_deprecated(
            f"{type(frame).__name__}(emulated=...) is deprecated since 0.0.99; "
            "user turn strategies decide when a turn starts and stops."
        )


@dataclass
class UserStartedSpeakingFrame(SystemFrame):
    """A user turn has begun; transcriptions are usually already flowing.

    Attributes:
        emulated: Whether the event was emulated rather than detected.
            Deprecated since 0.0.99; setting it warns.
    """

    emulated: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        _warn_if_emulated(self)


@dataclass
class UserStoppedSpeakingFrame(SystemFrame):
    """A user turn has ended; the bot's response is triggered separately.

    Attributes:
        emulated: Whether the event was emulated rather than detected.
            Deprecated since 0.0.99; setting it warns.
    """

    emulated: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        _warn_if_emulated(self)


@dataclass
class UserSpeakingFrame(SystemFrame):
    """Emitted repeatedly while the user speaks; keeps idle timers from firing."""


@dataclass
class UserMuteStartedFrame(SystemFrame):
    """Broadcast when a user mute strategy activates and user input starts being dropped."""


@dataclass
class UserMuteStoppedFrame(SystemFrame):
    """Broadcast when every user mute strategy has deactivated and user input flows again."""


@dataclass
class BotStartedSpeakingFrame(SystemFrame):
    """The output transport started playing bot audio; broadcast in both directions."""


@dataclass
class BotStoppedSpeakingFrame(SystemFrame):
    """The output transport finished playing bot audio; broadcast in both directions."""


@dataclass
class BotSpeakingFrame(SystemFrame):
    """Emitted repeatedly while the bot speaks; keeps idle timers from firing."""


@dataclass
class UserIdleTimeoutUpdateFrame(SystemFrame):
    """Change the user idle timeout at runtime.

    Attributes:
        timeout: New timeout in seconds; 0 disables idle detection.
    """

    timeout: float
