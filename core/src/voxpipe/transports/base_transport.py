"""``BaseTransport`` and ``TransportParams``: what every transport shares.

A transport moves media and messages between the outside world (a browser over
WebRTC, a phone call over a websocket, a file) and a pipeline. It exposes two
processors, placed at the two ends of the pipeline::

    Pipeline([transport.input(), stt, user_aggregator, llm, tts, transport.output(), assistant_aggregator])

:class:`TransportParams` configures both halves. Transport plugins subclass it
with plain class syntax (it is a keyword-only :class:`msgspec.Struct`)::

    class MyParams(TransportParams):
        api_key: str = ""

Deprecated fields (``vad_analyzer``, ``turn_analyzer``, ``vad_enabled``,
``vad_audio_passthrough``, ``camera_*``) are accepted and warn; the
``camera_*`` ones are copied to their ``video_*`` successors.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from voxpipe.utils.base_object import BaseObject

if TYPE_CHECKING:
    from voxpipe.processors.frame_processor import FrameProcessor

__all__ = ["BaseTransport", "TransportParams"]

#: Deprecated ``camera_*`` fields and the ``video_*`` fields that replaced them.
_CAMERA_ALIASES = {
    "camera_in_enabled": "video_in_enabled",
    "camera_out_enabled": "video_out_enabled",
    "camera_out_is_live": "video_out_is_live",
    "camera_out_width": "video_out_width",
    "camera_out_height": "video_out_height",
    "camera_out_bitrate": "video_out_bitrate",
    "camera_out_framerate": "video_out_framerate",
    "camera_out_color_format": "video_out_color_format",
}


class TransportParams(msgspec.Struct, kw_only=True):
    """Configuration shared by every transport (input and output halves).

    Attributes:
        audio_out_enabled: Send audio to the remote side.
        audio_out_sample_rate: Output rate in Hz; None uses the ``StartFrame``'s
            ``audio_out_sample_rate`` (the pipeline's TTS rate).
        audio_out_channels: Output channel count.
        audio_out_bitrate: Output bitrate in bits per second (for encoders).
        audio_out_10ms_chunks: How many 10 ms chunks one write carries (4 = 40 ms).
            Larger values mean fewer writes and more latency.
        audio_out_mixer: A ``BaseAudioMixer`` for the default destination, or a
            mapping of destination name (None = default) to mixer.
        audio_out_destinations: Extra named audio outputs (custom tracks);
            frames pick one with ``transport_destination``.
        audio_out_end_silence_secs: Silence written after an ``EndFrame`` so the
            last words are not cut off; 0 disables it.
        audio_out_auto_silence: While the bot is speaking, fill gaps in the
            audio with silence so playback timing stays real; when False the
            transport waits for audio instead (no artificial gaps).
        audio_in_enabled: Receive audio from the remote side.
        audio_in_sample_rate: Input rate in Hz; None uses the ``StartFrame``'s
            ``audio_in_sample_rate``.
        audio_in_channels: Input channel count.
        audio_in_filter: A ``BaseAudioFilter`` applied to every input chunk.
        audio_in_stream_on_start: Stream input audio as soon as the transport
            starts; False waits for ``start_audio_in_streaming()`` (the RTVI
            processor calls it when the client says ``client-ready``).
        audio_in_passthrough: Push input audio downstream; False keeps it
            inside the transport.
        video_in_enabled: Receive video (images) from the remote side.
        video_out_enabled: Send video to the remote side.
        video_out_is_live: Send each image as it arrives (a live stream)
            instead of repeating the current image at ``video_out_framerate``.
        video_out_width: Output video width in pixels.
        video_out_height: Output video height in pixels.
        video_out_bitrate: Output video bitrate in bits per second.
        video_out_framerate: Output frames per second (also the sprite rate).
        video_out_color_format: Output color format, e.g. ``"RGB"``.
        video_out_codec: Preferred codec (``"VP8"``, ``"H264"``, ``"H265"``), or None.
        video_out_destinations: Extra named video outputs.
        vad_analyzer: Deprecated since 0.0.101: use ``VADProcessor`` or
            ``LLMUserAggregatorParams(vad_analyzer=...)``.
        turn_analyzer: Deprecated since 0.0.99: use user turn strategies.
        vad_enabled: Deprecated since 0.0.66.
        vad_audio_passthrough: Deprecated since 0.0.66: use ``audio_in_passthrough``.
    """

    audio_out_enabled: bool = False
    audio_out_sample_rate: int | None = None
    audio_out_channels: int = 1
    audio_out_bitrate: int = 96000
    audio_out_10ms_chunks: int = 4
    audio_out_mixer: Any = None
    audio_out_destinations: list[str] = []
    audio_out_end_silence_secs: float = 2
    audio_out_auto_silence: bool = True
    audio_in_enabled: bool = False
    audio_in_sample_rate: int | None = None
    audio_in_channels: int = 1
    audio_in_filter: Any = None
    audio_in_stream_on_start: bool = True
    audio_in_passthrough: bool = True
    video_in_enabled: bool = False
    video_out_enabled: bool = False
    video_out_is_live: bool = False
    video_out_width: int = 1024
    video_out_height: int = 768
    video_out_bitrate: int = 800000
    video_out_framerate: int = 30
    video_out_color_format: str = "RGB"
    video_out_codec: str | None = None
    video_out_destinations: list[str] = []
    # -- deprecated ---------------------------------------------------------------
    vad_analyzer: Any = None
    turn_analyzer: Any = None
    vad_enabled: bool | None = None
    vad_audio_passthrough: bool | None = None
    camera_in_enabled: bool | None = None
    camera_out_enabled: bool | None = None
    camera_out_is_live: bool | None = None
    camera_out_width: int | None = None
    camera_out_height: int | None = None
    camera_out_bitrate: int | None = None
    camera_out_framerate: int | None = None
    camera_out_color_format: str | None = None

    def __post_init__(self) -> None:
        if self.audio_out_10ms_chunks < 1:
            raise ValueError(
                f"audio_out_10ms_chunks must be at least 1, got {self.audio_out_10ms_chunks}"
            )
        if self.audio_out_end_silence_secs < 0:
            raise ValueError("audio_out_end_silence_secs must be 0 (disabled) or positive")
        if self.video_out_framerate <= 0:
            raise ValueError(
                f"video_out_framerate must be positive, got {self.video_out_framerate}"
            )
        if self.vad_analyzer is not None:
            _deprecated(
                "TransportParams(vad_analyzer=...) is deprecated since 0.0.101; use "
                "LLMUserAggregatorParams(vad_analyzer=...) or a VADProcessor after transport.input()"
            )
        if self.turn_analyzer is not None:
            _deprecated(
                "TransportParams(turn_analyzer=...) is deprecated since 0.0.99; use user turn "
                "strategies on the user aggregator"
            )
        if self.vad_enabled is not None:
            _deprecated(
                "TransportParams(vad_enabled=...) is deprecated since 0.0.66 and has no effect"
            )
        if self.vad_audio_passthrough is not None:
            _deprecated(
                "TransportParams(vad_audio_passthrough=...) is deprecated; use audio_in_passthrough"
            )
            self.audio_in_passthrough = bool(self.vad_audio_passthrough)
        for old, new in _CAMERA_ALIASES.items():
            value = getattr(self, old)
            if value is not None and _declared_here(type(self), old):
                _deprecated(f"TransportParams({old}=...) is deprecated; use {new}")
                setattr(self, new, value)

    # Pydantic-style helpers, for code written against the documented models.

    def model_dump(self) -> dict[str, Any]:
        """Return the fields as a dict (values are not copied)."""
        return {name: getattr(self, name) for name in self.__struct_fields__}

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> TransportParams:
        """Return a copy with the fields in ``update`` replaced."""
        return msgspec.structs.replace(self, **dict(update or {}))

    def mixer_for(self, destination: str | None) -> Any:
        """The audio mixer configured for ``destination`` (None = the default output)."""
        mixer = self.audio_out_mixer
        if isinstance(mixer, Mapping):
            return mixer.get(destination)
        return mixer if destination is None else None


def _declared_here(cls: type, field_name: str) -> bool:
    """True when ``field_name`` is still TransportParams' deprecated alias, not a subclass's own field."""
    for klass in cls.__mro__:
        if field_name in klass.__dict__.get("__annotations__", {}):
            return klass is TransportParams
    return True


def _deprecated(message: str) -> None:
    warnings.warn(message, DeprecationWarning, stacklevel=4)


class BaseTransport(BaseObject, ABC):
    """A transport: owner of an input processor and an output processor.

    Subclasses create their two processors lazily and return the same instance
    on every call. Events are registered by each transport
    (``on_client_connected`` ...); handlers receive the transport first.

    Args:
        name: Display name; defaults to ``ClassName#n``.
        input_name: Name given to the input processor.
        output_name: Name given to the output processor.
        **kwargs: Passed to :class:`~voxpipe.utils.base_object.BaseObject`.
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        input_name: str | None = None,
        output_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self._input_name = input_name
        self._output_name = output_name

    @abstractmethod
    def input(self) -> FrameProcessor:
        """The processor that brings media and messages into the pipeline (put it first)."""

    @abstractmethod
    def output(self) -> FrameProcessor:
        """The processor that sends the pipeline's media and messages out (put it near the end)."""
