"""``BaseAudioResampler``: the interface every audio resampler implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

__all__ = ["BaseAudioResampler"]


class BaseAudioResampler(ABC):
    """Converts 16-bit mono PCM from one sample rate to another.

    Implementations return the input unchanged when ``in_rate == out_rate``.
    A resampler may keep state between calls (a stream resampler does), so use
    one instance per audio stream.
    """

    @abstractmethod
    async def resample(self, audio: bytes, in_rate: int, out_rate: int) -> bytes:
        """Resample ``audio`` from ``in_rate`` to ``out_rate``.

        Args:
            audio: Signed 16-bit little-endian mono PCM.
            in_rate: Sample rate of ``audio`` in Hz.
            out_rate: Wanted sample rate in Hz.

        Returns:
            The resampled 16-bit PCM.

        Raises:
            ValueError: ``audio`` has an odd number of bytes, or a rate is not positive.
        """
