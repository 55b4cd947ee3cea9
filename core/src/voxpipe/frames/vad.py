"""Voice activity detection frames and runtime speech-control parameters.

The VAD frames are the raw, timed signals from the voice activity detector;
the higher-level ``UserStartedSpeakingFrame`` / ``UserStoppedSpeakingFrame``
are derived from them by the user turn strategies.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from voxpipe.frames._base import ControlFrame, SystemFrame

if TYPE_CHECKING:
    from voxpipe.audio.turn.base_turn_analyzer import BaseTurnParams
    from voxpipe.audio.vad.vad_analyzer import VADParams

__all__ = [
    "SpeechControlParamsFrame",
    "VADParamsUpdateFrame",
    "VADUserSpeechPausedFrame",
    "VADUserStartedSpeakingFrame",
    "VADUserStoppedSpeakingFrame",
]


@dataclass
class VADUserStartedSpeakingFrame(SystemFrame):
    """The VAD confirmed that speech started.

    Attributes:
        start_secs: The speech duration (VAD ``start_secs``) that had to elapse
            before speech was confirmed.
        timestamp: Wall-clock time (``time.time()``) when the frame was created.
    """

    start_secs: float = 0.0
    timestamp: float = field(default_factory=time.time)


@dataclass
class VADUserStoppedSpeakingFrame(SystemFrame):
    """The VAD confirmed that speech ended.

    Attributes:
        stop_secs: The silence duration (VAD ``stop_secs``) that had to elapse
            before the end of speech was confirmed.
        timestamp: Wall-clock time (``time.time()``) when the frame was created.
    """

    stop_secs: float = 0.0
    timestamp: float = field(default_factory=time.time)


@dataclass
class VADUserSpeechPausedFrame(SystemFrame):
    """The VAD has heard ``pause_secs`` of silence after speech: the user may be done.

    An early hint, before ``VADUserStoppedSpeakingFrame`` confirms the end
    (``stop_secs`` of silence): a segmented STT may start transcribing here. The
    user may also go on speaking; then, if the speech then ends, another pause
    frame comes before the stop frame. So every ``VADUserStoppedSpeakingFrame``
    from :class:`~voxpipe.audio.vad.vad_controller.VADController` is preceded
    by a pause frame in the same stretch of silence, and the last pause before
    a stop marks where the speech ended.

    Attributes:
        pause_secs: The silence heard so far.
        timestamp: Wall-clock time (``time.time()``) when the frame was created.
    """

    pause_secs: float = 0.0
    timestamp: float = field(default_factory=time.time)


@dataclass
class SpeechControlParamsFrame(SystemFrame):
    """Tell processors that VAD or turn-detection parameters changed.

    Attributes:
        vad_params: The VAD parameters now in effect, if they changed.
        turn_params: The turn analyzer parameters now in effect, if they changed.
    """

    vad_params: VADParams | None = None
    turn_params: BaseTurnParams | None = None


@dataclass
class VADParamsUpdateFrame(ControlFrame):
    """Replace the VAD parameters at runtime (queued in order).

    Attributes:
        params: The new VAD parameters.
    """

    params: VADParams
