"""Raw audio frames, TTS response boundaries, and audio filter/mixer controls.

Input audio is a system frame (user audio is never dropped by an
interruption); output audio is a data frame (bot audio is dropped when the
user interrupts). Both carry the :class:`~voxpipe.frames._base.AudioRawFrame`
fields ``audio``, ``sample_rate``, ``num_channels`` and the computed
``num_frames``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voxpipe.frames._base import AudioRawFrame, ControlFrame, DataFrame, SystemFrame, format_pts

__all__ = [
    "FilterControlFrame",
    "FilterEnableFrame",
    "FilterUpdateSettingsFrame",
    "InputAudioRawFrame",
    "MixerControlFrame",
    "MixerEnableFrame",
    "MixerUpdateSettingsFrame",
    "OutputAudioRawFrame",
    "SpeechOutputAudioRawFrame",
    "TTSAudioRawFrame",
    "TTSStartedFrame",
    "TTSStoppedFrame",
    "UserAudioRawFrame",
]


def _describe_audio(frame: Any, where: str, endpoint: str | None) -> str:
    return (
        f"{frame.name}(pts: {format_pts(frame.pts)}, {where}: {endpoint}, "
        f"size: {len(frame.audio)}, frames: {frame.num_frames}, "
        f"sample_rate: {frame.sample_rate}, channels: {frame.num_channels})"
    )


@dataclass
class InputAudioRawFrame(SystemFrame, AudioRawFrame):
    """A chunk of audio received by the input transport.

    ``transport_source`` names the track when the transport has several.
    """

    def __str__(self) -> str:
        return _describe_audio(self, "source", self.transport_source)


@dataclass
class UserAudioRawFrame(InputAudioRawFrame):
    """Input audio from one participant of a multi-user session.

    Attributes:
        user_id: Identifier of the participant who produced the audio.
    """

    user_id: str = ""


@dataclass
class OutputAudioRawFrame(DataFrame, AudioRawFrame):
    """A chunk of audio for the output transport to play.

    ``transport_destination`` selects the track when the transport has several.
    """

    def __str__(self) -> str:
        return _describe_audio(self, "destination", self.transport_destination)


@dataclass
class TTSAudioRawFrame(OutputAudioRawFrame):
    """Audio synthesized by a TTS service.

    Attributes:
        context_id: Identifier of the TTS context (utterance) that produced it.
    """

    context_id: str | None = None


@dataclass
class SpeechOutputAudioRawFrame(OutputAudioRawFrame):
    """Audio from a continuous speech stream that may also contain silence."""


@dataclass
class TTSStartedFrame(ControlFrame):
    """Marks the start of a TTS response; its ``TTSAudioRawFrame``s follow.

    Attributes:
        context_id: Identifier of the TTS context this response belongs to.
    """

    context_id: str | None = None


@dataclass
class TTSStoppedFrame(ControlFrame):
    """Marks the end of a TTS response.

    Attributes:
        context_id: Identifier of the TTS context this response belongs to.
    """

    context_id: str | None = None


@dataclass
class FilterControlFrame(ControlFrame):
    """Base of commands for the input transport's audio filter; subclass for custom ones."""


@dataclass
class FilterUpdateSettingsFrame(FilterControlFrame):
    """Change audio filter settings.

    Attributes:
        settings: Setting names mapped to their new values.
    """

    settings: dict[str, Any]


@dataclass
class FilterEnableFrame(FilterControlFrame):
    """Enable or disable the audio filter.

    Attributes:
        enable: True to enable the filter, False to bypass it.
    """

    enable: bool


@dataclass
class MixerControlFrame(ControlFrame):
    """Base of commands for the output transport's audio mixer."""


@dataclass
class MixerUpdateSettingsFrame(MixerControlFrame):
    """Change audio mixer settings (e.g. ``{"volume": 0.5}``).

    Attributes:
        settings: Setting names mapped to their new values.
    """

    settings: dict[str, Any]


@dataclass
class MixerEnableFrame(MixerControlFrame):
    """Enable or disable the audio mixer.

    Attributes:
        enable: True to mix in the mixer's sound, False to stop mixing.
    """

    enable: bool
