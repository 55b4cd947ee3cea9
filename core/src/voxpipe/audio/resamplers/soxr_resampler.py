"""``SOXRAudioResampler``: whole-buffer resampling with soxr.

Each call is independent: the buffer is treated as a complete signal, so it is the
right choice for files and one-off conversions, not for a chunked live stream
(chunk edges would click; use
:class:`~voxpipe.audio.resamplers.soxr_stream_resampler.SOXRStreamAudioResampler`).
"""

from __future__ import annotations

from typing import Any

import soxr

from voxpipe.audio.resamplers._common import check_quality, pcm16_samples
from voxpipe.audio.resamplers.base_audio_resampler import BaseAudioResampler

__all__ = ["SOXRAudioResampler"]


class SOXRAudioResampler(BaseAudioResampler):
    """Stateless resampler over complete buffers (``soxr.resample``).

    Args:
        quality: soxr quality recipe: ``"VHQ"`` (default), ``"HQ"``, ``"MQ"``,
            ``"LQ"`` or ``"QQ"``.
        **kwargs: Accepted and ignored, for forward compatibility.
    """

    def __init__(self, *, quality: str = "VHQ", **kwargs: Any) -> None:
        self._quality = check_quality(quality)

    async def resample(self, audio: bytes, in_rate: int, out_rate: int) -> bytes:
        """Resample the whole of ``audio``; identical rates return it untouched."""
        samples = pcm16_samples(audio, in_rate, out_rate)
        if in_rate == out_rate or samples.size == 0:
            return audio
        return soxr.resample(samples, in_rate, out_rate, quality=self._quality).tobytes()
