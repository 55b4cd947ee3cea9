"""``BaseAudioFilter``: the interface of input audio filters (noise suppression ...).

An input transport owns at most one filter (``TransportParams.audio_in_filter``).
It calls :meth:`~BaseAudioFilter.start` with the input sample rate when the
pipeline starts, :meth:`~BaseAudioFilter.filter` on every input audio chunk,
:meth:`~BaseAudioFilter.process_frame` for each
:class:`~voxpipe.frames.frames.FilterControlFrame` it receives (e.g.
``FilterEnableFrame(False)``), and :meth:`~BaseAudioFilter.stop` at shutdown.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voxpipe.frames.frames import FilterControlFrame

__all__ = ["BaseAudioFilter"]


class BaseAudioFilter(ABC):
    """Transforms a stream of 16-bit mono PCM input audio in place of the raw one."""

    @abstractmethod
    async def start(self, sample_rate: int) -> None:
        """Prepare for a stream at ``sample_rate`` Hz (load models, open sessions).

        Raises:
            ValueError: The filter cannot work at ``sample_rate``.
        """

    @abstractmethod
    async def stop(self) -> None:
        """Release what :meth:`start` acquired; the filter may be started again."""

    @abstractmethod
    async def process_frame(self, frame: FilterControlFrame) -> None:
        """Apply a control frame, e.g. ``FilterEnableFrame`` or ``FilterUpdateSettingsFrame``."""

    @abstractmethod
    async def filter(self, audio: bytes) -> bytes:
        """Filter the next chunk of audio.

        Args:
            audio: 16-bit mono PCM at the rate given to :meth:`start`.

        Returns:
            Filtered PCM at the same rate. A filter that buffers internally may
            return less (even nothing) now and the rest later; a disabled filter
            returns ``audio`` unchanged.
        """
