"""Service frames: runtime settings, STT mute, service metadata and switching.

Settings updates are control frames marked uninterruptible, so a settings
change queued before an interruption still applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from voxpipe.frames._base import ControlFrame, SystemFrame, UninterruptibleFrame

if TYPE_CHECKING:
    from voxpipe.processors.frame_processor import FrameProcessor
    from voxpipe.services.settings import ServiceSettings

__all__ = [
    "LLMUpdateSettingsFrame",
    "ManuallySwitchServiceFrame",
    "STTMetadataFrame",
    "STTMuteFrame",
    "STTUpdateSettingsFrame",
    "ServiceMetadataFrame",
    "ServiceSwitcherFrame",
    "ServiceSwitcherRequestMetadataFrame",
    "ServiceUpdateSettingsFrame",
    "TTSUpdateSettingsFrame",
]


@dataclass(init=False)
class ServiceUpdateSettingsFrame(ControlFrame, UninterruptibleFrame):
    """Change a service's settings at runtime.

    Extra keyword arguments are shorthand for ``settings`` entries, so
    ``STTUpdateSettingsFrame(language="fr")`` equals
    ``STTUpdateSettingsFrame(settings={"language": "fr"})``.

    Attributes:
        settings: Setting names mapped to their new values.
        delta: A typed settings object holding only the fields to change;
            wins over ``settings`` when both are given.
        service: The service to update; None means the first matching
            service in the pipeline.
    """

    settings: dict[str, Any] = field(default_factory=dict)
    delta: ServiceSettings | None = None
    service: FrameProcessor | None = None

    def __init__(
        self,
        settings: Mapping[str, Any] | None = None,
        delta: ServiceSettings | None = None,
        service: FrameProcessor | None = None,
        **extra_settings: Any,
    ) -> None:
        """Build the frame; see the class docstring for the arguments."""
        self.settings = {**(settings or {}), **extra_settings}
        self.delta = delta
        self.service = service
        self.__post_init__()


@dataclass(init=False)
class LLMUpdateSettingsFrame(ServiceUpdateSettingsFrame):
    """Change an LLM service's settings at runtime."""


@dataclass(init=False)
class TTSUpdateSettingsFrame(ServiceUpdateSettingsFrame):
    """Change a TTS service's settings at runtime."""


@dataclass(init=False)
class STTUpdateSettingsFrame(ServiceUpdateSettingsFrame):
    """Change an STT service's settings at runtime."""


@dataclass
class STTMuteFrame(SystemFrame):
    """Mute or unmute the STT service; while muted, audio is not sent to the provider.

    Attributes:
        mute: True to mute, False to unmute.
    """

    mute: bool


@dataclass
class ServiceMetadataFrame(SystemFrame):
    """Broadcast by a service at start to describe itself to other processors.

    Attributes:
        service_name: Name of the service that sent it.
    """

    service_name: str


@dataclass
class STTMetadataFrame(ServiceMetadataFrame):
    """An STT service's latency figures, used by turn detection to size its waits.

    Attributes:
        ttfs_p99_latency: P99 time, in seconds, from the end of speech to the
            final transcript.
    """

    ttfs_p99_latency: float


@dataclass
class ServiceSwitcherFrame(ControlFrame):
    """Base of frames that drive a ``ServiceSwitcher``."""


@dataclass
class ManuallySwitchServiceFrame(ServiceSwitcherFrame):
    """Make a ``ServiceSwitcher`` activate another of its services.

    Attributes:
        service: The service to switch to.
    """

    service: FrameProcessor


@dataclass
class ServiceSwitcherRequestMetadataFrame(ControlFrame):
    """Ask a service to send its metadata frame again (after a switch).

    Attributes:
        service: The service that should re-send its metadata.
    """

    service: FrameProcessor
