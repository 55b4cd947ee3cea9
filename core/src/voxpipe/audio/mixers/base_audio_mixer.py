"""``BaseAudioMixer``: the interface of output audio mixers (background sound ...).

An output transport owns a mixer per destination (``TransportParams.audio_out_mixer``).
It calls :meth:`~BaseAudioMixer.start` with the output sample rate when the
pipeline starts, :meth:`~BaseAudioMixer.mix` on every output audio chunk — also
while the bot is silent, so background sound keeps playing —,
:meth:`~BaseAudioMixer.process_frame` for each
:class:`~voxpipe.frames.frames.MixerControlFrame` (e.g. ``MixerEnableFrame(False)``),
and :meth:`~BaseAudioMixer.stop` at shutdown.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voxpipe.frames.frames import MixerControlFrame

__all__ = ["BaseAudioMixer"]


class BaseAudioMixer(ABC):
    """Mixes its own sound into the stream of 16-bit mono PCM output audio."""

    @abstractmethod
    async def start(self, sample_rate: int) -> None:
        """Prepare for a stream at ``sample_rate`` Hz (load and resample sounds)."""

    @abstractmethod
    async def stop(self) -> None:
        """Release what :meth:`start` acquired; the mixer may be started again."""

    @abstractmethod
    async def process_frame(self, frame: MixerControlFrame) -> None:
        """Apply a control frame, e.g. ``MixerEnableFrame`` or ``MixerUpdateSettingsFrame``."""

    @abstractmethod
    async def mix(self, audio: bytes) -> bytes:
        """Mix the mixer's sound into the next chunk of output audio.

        Args:
            audio: 16-bit mono PCM at the rate given to :meth:`start`.

        Returns:
            PCM of the same length and rate; ``audio`` unchanged when disabled.
        """
