"""Audio helpers: resampler factories, mixing, G.711 codecs, volume.

All PCM here is signed 16-bit little-endian; a buffer with an odd number of bytes
raises :class:`ValueError`. Mixing and interleaving work on mono buffers.

The async converters (:func:`ulaw_to_pcm`, :func:`pcm_to_ulaw`, :func:`alaw_to_pcm`,
:func:`pcm_to_alaw`) combine a codec with a resampler, as telephony serializers
need; the sync codecs (:func:`ulaw_encode` ...) only change the encoding.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from voxpipe.audio._g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from voxpipe.audio._loudness import block_loudness

if TYPE_CHECKING:
    from voxpipe.audio.resamplers.base_audio_resampler import BaseAudioResampler

__all__ = [
    "alaw_decode",
    "alaw_encode",
    "alaw_to_pcm",
    "calculate_audio_volume",
    "create_default_resampler",
    "create_file_resampler",
    "create_stream_resampler",
    "exp_smoothing",
    "interleave_stereo_audio",
    "is_silence",
    "mix_audio",
    "normalize_value",
    "pcm_to_alaw",
    "pcm_to_ulaw",
    "ulaw_decode",
    "ulaw_encode",
    "ulaw_to_pcm",
]

#: Loudness (LUFS at int16 scale) mapped to volume 0.0 and 1.0 by :func:`calculate_audio_volume`.
VOLUME_LOUDNESS_RANGE = (-20.0, 80.0)


def _samples(audio: bytes, what: str = "audio") -> np.ndarray:
    if len(audio) % 2:
        raise ValueError(
            f"{what}: 16-bit PCM must have an even number of bytes, got {len(audio)} "
            "(a sample was cut in half)"
        )
    return np.frombuffer(audio, dtype="<i2")


# -- resamplers ---------------------------------------------------------------


def create_stream_resampler(**kwargs: Any) -> BaseAudioResampler:
    """A new resampler for one live stream, fed chunk by chunk (soxr, stateful).

    Args:
        **kwargs: Passed to
            :class:`~voxpipe.audio.resamplers.soxr_stream_resampler.SOXRStreamAudioResampler`.
    """
    from voxpipe.audio.resamplers.soxr_stream_resampler import SOXRStreamAudioResampler

    return SOXRStreamAudioResampler(**kwargs)


def create_file_resampler(**kwargs: Any) -> BaseAudioResampler:
    """A new resampler for complete buffers such as files (soxr, stateless).

    Args:
        **kwargs: Passed to :class:`~voxpipe.audio.resamplers.soxr_resampler.SOXRAudioResampler`.
    """
    from voxpipe.audio.resamplers.soxr_resampler import SOXRAudioResampler

    return SOXRAudioResampler(**kwargs)


def create_default_resampler(**kwargs: Any) -> BaseAudioResampler:
    """Deprecated: use :func:`create_stream_resampler` or :func:`create_file_resampler`."""
    warnings.warn(
        "create_default_resampler() is deprecated; use create_stream_resampler() for "
        "live audio or create_file_resampler() for complete buffers",
        DeprecationWarning,
        stacklevel=2,
    )
    return create_file_resampler(**kwargs)


# -- mixing -------------------------------------------------------------------


def _pad_pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = max(a.size, b.size)
    if a.size < n:
        a = np.concatenate((a, np.zeros(n - a.size, dtype=a.dtype)))
    if b.size < n:
        b = np.concatenate((b, np.zeros(n - b.size, dtype=b.dtype)))
    return a, b


def mix_audio(audio1: bytes, audio2: bytes) -> bytes:
    """Mix two mono buffers sample by sample, clipping to the int16 range.

    The shorter buffer is padded with silence, so the result is as long as the
    longer one. Sums beyond full scale clip (never wrap around).

    Raises:
        ValueError: Either buffer has an odd number of bytes.
    """
    a, b = _pad_pair(_samples(audio1, "audio1"), _samples(audio2, "audio2"))
    mixed = a.astype(np.int32) + b.astype(np.int32)
    return np.clip(mixed, -32768, 32767).astype("<i2").tobytes()


def interleave_stereo_audio(left_audio: bytes, right_audio: bytes) -> bytes:
    """Interleave two mono buffers into one stereo buffer (``L R L R ...``).

    The shorter channel is padded with silence.

    Raises:
        ValueError: Either buffer has an odd number of bytes.
    """
    left, right = _pad_pair(
        _samples(left_audio, "left_audio"), _samples(right_audio, "right_audio")
    )
    return np.column_stack((left, right)).astype("<i2").tobytes()


# -- volume -------------------------------------------------------------------


def normalize_value(value: float, min_value: float, max_value: float) -> float:
    """Map ``value`` linearly from ``[min_value, max_value]`` to ``[0, 1]``, clamped."""
    if max_value <= min_value:
        raise ValueError(f"max_value ({max_value}) must be greater than min_value ({min_value})")
    normalized = (value - min_value) / (max_value - min_value)
    if math.isnan(normalized):
        return 0.0
    return min(1.0, max(0.0, normalized))


def calculate_audio_volume(audio: bytes, sample_rate: int) -> float:
    """Perceived volume of a mono chunk, from 0.0 (silence) to 1.0 (loud).

    The chunk's K-weighted loudness (BS.1770, one block, absolute gate at
    -70 LUFS, int16 sample scale) is mapped from ``VOLUME_LOUDNESS_RANGE`` to
    ``[0, 1]``: digital silence is 0.0, a full-scale sine 1.0, speech at a
    normal level lands in the middle. VAD analyzers compare it (smoothed with
    :func:`exp_smoothing`) with ``VADParams.min_volume``.

    Args:
        audio: Mono 16-bit PCM.
        sample_rate: Its sample rate in Hz.

    Raises:
        ValueError: ``audio`` has an odd number of bytes or ``sample_rate`` is not positive.
    """
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, got {sample_rate}")
    loudness = block_loudness(_samples(audio), sample_rate)
    return normalize_value(loudness, *VOLUME_LOUDNESS_RANGE)


def exp_smoothing(value: float, prev_value: float, factor: float) -> float:
    """Exponential smoothing: ``prev_value + factor * (value - prev_value)``.

    Args:
        value: The new measurement.
        prev_value: The previous smoothed value.
        factor: Weight of the new measurement, from 0 (ignore it) to 1 (take it as is).
    """
    return prev_value + factor * (value - prev_value)


def is_silence(pcm_bytes: bytes, silence_threshold: int = 500) -> bool:
    """True when no sample's magnitude exceeds ``silence_threshold`` (int16 units)."""
    samples = _samples(pcm_bytes)
    if samples.size == 0:
        return True
    return int(np.abs(samples.astype(np.int32)).max()) <= silence_threshold


# -- G.711 with resampling ------------------------------------------------------


async def ulaw_to_pcm(
    ulaw_bytes: bytes, in_rate: int, out_rate: int, resampler: BaseAudioResampler
) -> bytes:
    """Decode μ-law audio at ``in_rate`` to 16-bit PCM at ``out_rate``."""
    return await resampler.resample(ulaw_decode(ulaw_bytes), in_rate, out_rate)


async def pcm_to_ulaw(
    pcm_bytes: bytes, in_rate: int, out_rate: int, resampler: BaseAudioResampler
) -> bytes:
    """Resample 16-bit PCM from ``in_rate`` to ``out_rate`` and encode it to μ-law.

    Raises:
        ValueError: ``pcm_bytes`` has an odd number of bytes.
    """
    return ulaw_encode(await resampler.resample(pcm_bytes, in_rate, out_rate))


async def alaw_to_pcm(
    alaw_bytes: bytes, in_rate: int, out_rate: int, resampler: BaseAudioResampler
) -> bytes:
    """Decode A-law audio at ``in_rate`` to 16-bit PCM at ``out_rate``."""
    return await resampler.resample(alaw_decode(alaw_bytes), in_rate, out_rate)


async def pcm_to_alaw(
    pcm_bytes: bytes, in_rate: int, out_rate: int, resampler: BaseAudioResampler
) -> bytes:
    """Resample 16-bit PCM from ``in_rate`` to ``out_rate`` and encode it to A-law.

    Raises:
        ValueError: ``pcm_bytes`` has an odd number of bytes.
    """
    return alaw_encode(await resampler.resample(pcm_bytes, in_rate, out_rate))
