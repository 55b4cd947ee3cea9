"""G.711 μ-law and A-law codecs for 16-bit PCM, vectorised with numpy.

The stdlib ``audioop`` module is gone in Python 3.13, so the kernel carries its own
codecs. They follow the ITU-T G.711 segment/quantisation rules as the classic
reference implementation applies them to 16-bit samples, and are bit-exact with
``audioop.lin2ulaw``/``ulaw2lin``/``lin2alaw``/``alaw2lin`` (the tests check every
input value).

* μ-law works on 14-bit magnitudes (``sample >> 2``) with a bias of 33, clipped at
  8159, eight segments of 16 steps; codes are stored inverted.
* A-law works on 13-bit magnitudes (``sample >> 3``), eight segments of 16 steps,
  no bias; codes are stored with even bits inverted (``^ 0x55``).

Encoding is a lookup in a 65,536-entry table indexed by the sample's bit pattern,
decoding a lookup in a 256-entry table; both tables are built on first use.
"""

from __future__ import annotations

from functools import cache

import numpy as np

__all__ = ["alaw_decode", "alaw_encode", "ulaw_decode", "ulaw_encode"]

# Upper bound of each segment, in the codec's reduced-resolution magnitude.
_ULAW_SEG_END = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF], dtype=np.int32)
_ALAW_SEG_END = np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF], dtype=np.int32)
_ULAW_BIAS = 0x84  # bias in 16-bit units; 33 (= 0x84 >> 2) in 14-bit units
_ULAW_CLIP = 8159  # largest 14-bit magnitude before biasing


def _all_int16() -> np.ndarray:
    """Every int16 value, ordered by its unsigned bit pattern (index = ``x & 0xFFFF``)."""
    return np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.int16).astype(np.int32)


@cache
def _ulaw_encode_table() -> np.ndarray:
    pcm = _all_int16() >> 2  # 14-bit, arithmetic shift
    negative = pcm < 0
    mag = np.where(negative, -pcm, pcm)
    mag = np.minimum(mag, _ULAW_CLIP) + (_ULAW_BIAS >> 2)
    seg = np.searchsorted(_ULAW_SEG_END, mag, side="left")
    # The largest magnitudes (clip + bias = 0x2000) fall past the last segment and
    # take its top code.
    code = np.where(seg >= 8, 0x7F, (seg << 4) | ((mag >> (seg + 1)) & 0x0F))
    mask = np.where(negative, 0x7F, 0xFF)
    return (code ^ mask).astype(np.uint8)


@cache
def _ulaw_decode_table() -> np.ndarray:
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    t = (((u & 0x0F) << 3) + _ULAW_BIAS) << ((u & 0x70) >> 4)
    return np.where(u & 0x80, _ULAW_BIAS - t, t - _ULAW_BIAS).astype("<i2")


@cache
def _alaw_encode_table() -> np.ndarray:
    pcm = _all_int16() >> 3  # 13-bit, arithmetic shift
    negative = pcm < 0
    mag = np.where(negative, -pcm - 1, pcm)
    seg = np.searchsorted(_ALAW_SEG_END, mag, side="left")
    # mag <= 0xFFF always, so seg is at most 7.
    shift = np.where(seg < 2, 1, seg)
    code = (seg << 4) | ((mag >> shift) & 0x0F)
    mask = np.where(negative, 0x55, 0xD5)
    return (code ^ mask).astype(np.uint8)


@cache
def _alaw_decode_table() -> np.ndarray:
    a = np.arange(256, dtype=np.int32) ^ 0x55
    seg = (a & 0x70) >> 4
    t = (a & 0x0F) << 4
    t = np.where(seg == 0, t + 8, (t + 0x108) << np.maximum(seg - 1, 0))
    return np.where(a & 0x80, t, -t).astype("<i2")


def _pcm_indices(pcm: bytes) -> np.ndarray:
    if len(pcm) % 2:
        raise ValueError(
            f"16-bit PCM must have an even number of bytes, got {len(pcm)} "
            "(a sample was cut in half)"
        )
    return np.frombuffer(pcm, dtype="<u2")


def ulaw_encode(pcm: bytes) -> bytes:
    """Encode 16-bit little-endian PCM to G.711 μ-law, one byte per sample.

    Args:
        pcm: Signed 16-bit little-endian samples.

    Returns:
        The μ-law codes, ``len(pcm) // 2`` bytes.

    Raises:
        ValueError: ``pcm`` has an odd number of bytes.
    """
    return _ulaw_encode_table()[_pcm_indices(pcm)].tobytes()


def ulaw_decode(ulaw: bytes) -> bytes:
    """Decode G.711 μ-law to 16-bit little-endian PCM, two bytes per code."""
    return _ulaw_decode_table()[np.frombuffer(ulaw, dtype=np.uint8)].tobytes()


def alaw_encode(pcm: bytes) -> bytes:
    """Encode 16-bit little-endian PCM to G.711 A-law, one byte per sample.

    Args:
        pcm: Signed 16-bit little-endian samples.

    Returns:
        The A-law codes, ``len(pcm) // 2`` bytes.

    Raises:
        ValueError: ``pcm`` has an odd number of bytes.
    """
    return _alaw_encode_table()[_pcm_indices(pcm)].tobytes()


def alaw_decode(alaw: bytes) -> bytes:
    """Decode G.711 A-law to 16-bit little-endian PCM, two bytes per code."""
    return _alaw_decode_table()[np.frombuffer(alaw, dtype=np.uint8)].tobytes()
