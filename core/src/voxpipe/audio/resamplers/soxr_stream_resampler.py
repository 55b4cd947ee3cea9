"""``SOXRStreamAudioResampler``: low-latency, stateful resampling of a live stream.

Consecutive chunks are resampled as one continuous signal (no clicks at chunk
edges). The filter's delay means each call returns slightly less audio than an
exact ratio would, and the shortfall comes out with later chunks; call
:meth:`SOXRStreamAudioResampler.flush` to drain it at the end of a stream.

After a pause longer than ``clear_after_secs`` the filter state is cleared, so
the tail of one utterance is not smeared into the next.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import soxr

from voxpipe.audio.resamplers._common import check_quality, pcm16_samples
from voxpipe.audio.resamplers.base_audio_resampler import BaseAudioResampler

__all__ = ["SOXRStreamAudioResampler"]

#: Default pause, in seconds, after which the stream state is cleared.
CLEAR_STREAM_AFTER_SECS = 0.2


class SOXRStreamAudioResampler(BaseAudioResampler):
    """Chunk-by-chunk resampler of one 16-bit mono stream (``soxr.ResampleStream``).

    The underlying stream is created on first use and recreated whenever the
    rates change. Use one instance per stream.

    Args:
        quality: soxr quality recipe: ``"VHQ"`` (default), ``"HQ"``, ``"MQ"``,
            ``"LQ"`` or ``"QQ"`` (lowest latency).
        clear_after_secs: Clear the filter state when no chunk arrived for this
            long; ``None`` never clears automatically.
        **kwargs: Accepted and ignored, for forward compatibility.
    """

    def __init__(
        self,
        *,
        quality: str = "VHQ",
        clear_after_secs: float | None = CLEAR_STREAM_AFTER_SECS,
        **kwargs: Any,
    ) -> None:
        self._quality = check_quality(quality)
        self._clear_after_secs = clear_after_secs
        self._stream: soxr.ResampleStream | None = None
        self._rates: tuple[int, int] = (0, 0)
        self._last_at = 0.0

    async def resample(self, audio: bytes, in_rate: int, out_rate: int) -> bytes:
        """Resample the next chunk of the stream; identical rates return it untouched."""
        samples = pcm16_samples(audio, in_rate, out_rate)
        if in_rate == out_rate:
            return audio
        now = time.monotonic()
        if self._stream is None or self._rates != (in_rate, out_rate):
            self._stream = soxr.ResampleStream(
                in_rate, out_rate, 1, dtype="int16", quality=self._quality
            )
            self._rates = (in_rate, out_rate)
        elif self._clear_after_secs is not None and now - self._last_at > self._clear_after_secs:
            self._stream.clear()
        self._last_at = now
        return self._stream.resample_chunk(samples).tobytes()

    def flush(self) -> bytes:
        """End the stream: return the audio still held in the filter and reset.

        Returns:
            The remaining resampled PCM (empty when nothing is pending).
        """
        if self._stream is None:
            return b""
        tail = self._stream.resample_chunk(np.zeros(0, dtype=np.int16), last=True).tobytes()
        self._stream.clear()
        return tail

    def clear(self) -> None:
        """Drop the filter state (and any pending audio) without producing output."""
        if self._stream is not None:
            self._stream.clear()
