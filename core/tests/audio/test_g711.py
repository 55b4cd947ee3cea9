"""G.711 μ-law / A-law codecs: reference values, round trips, and audioop parity."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from voxpipe.audio.utils import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import audioop
    except ImportError:  # Python 3.13+
        audioop = None

needs_audioop = pytest.mark.skipif(audioop is None, reason="stdlib audioop is gone (3.13+)")

ALL_PCM = np.arange(-32768, 32768, dtype="<i2").tobytes()
ALL_CODES = bytes(range(256))


def pcm(*values: int) -> bytes:
    return np.array(values, dtype="<i2").tobytes()


def samples(data: bytes) -> list[int]:
    return np.frombuffer(data, dtype="<i2").tolist()


# Hand-computed from the G.711 rules. μ-law: m = |x >> 2| (+33 bias), segment s is the
# first whose end (0x3F, 0x7F, ... 0x1FFF) holds m, step (m >> (s + 1)) & 15, code
# (s << 4 | step) inverted (^0xFF positive, ^0x7F negative).
@pytest.mark.parametrize(
    ("sample", "code"),
    [
        (0, 0xFF),  # m = 33: s 0, step 0
        (-1, 0x7E),  # -1 >> 2 = -1: m = 34, step 1, ^0x7F
        (100, 0xF2),  # m = 58: s 0, step 13
        (-100, 0x72),
        (1000, 0xCE),  # m = 283: s 3, step 1
        (-1000, 0x4E),
        (8000, 0xA0),  # m = 2033: s 5, step 15
        (32767, 0x80),  # clipped: the top code
        (-32768, 0x00),
    ],
)
def test_ulaw_encode_reference_values(sample: int, code: int) -> None:
    assert ulaw_encode(pcm(sample)) == bytes([code])


# A-law: m = x >> 3 (or -(x >> 3) - 1 when negative), segment ends 0x1F ... 0xFFF,
# step (m >> max(s, 1)) & 15, code (s << 4 | step) ^ 0xD5 positive, ^ 0x55 negative.
@pytest.mark.parametrize(
    ("sample", "code"),
    [
        (0, 0xD5),
        (-1, 0x55),  # m = 0, negative
        (1000, 0xFA),  # m = 125: s 2, step 15
        (-1000, 0x7A),  # m = 124: s 2, step 15
        (4000, 0x9A),  # m = 500: s 4, step 15
        (32767, 0xAA),  # m = 4095: s 7, step 15
        (-32768, 0x2A),
    ],
)
def test_alaw_encode_reference_values(sample: int, code: int) -> None:
    assert alaw_encode(pcm(sample)) == bytes([code])


@pytest.mark.parametrize(
    ("code", "sample"),
    [(0xFF, 0), (0x7F, 0), (0xCE, 988), (0x4E, -988), (0x80, 32124), (0x00, -32124)],
)
def test_ulaw_decode_reference_values(code: int, sample: int) -> None:
    # 0xCE: ~code = 0x31 -> ((1 << 3) + 132) << 3 = 1120, minus the bias 132.
    assert samples(ulaw_decode(bytes([code]))) == [sample]


@pytest.mark.parametrize(
    ("code", "sample"),
    [(0xD5, 8), (0x55, -8), (0xFA, 1008), (0x7A, -1008), (0xAA, 32256), (0x2A, -32256)],
)
def test_alaw_decode_reference_values(code: int, sample: int) -> None:
    # 0xFA: ^0x55 = 0xAF -> segment 2, (15 << 4) + 0x108 = 504, << 1 = 1008.
    assert samples(alaw_decode(bytes([code]))) == [sample]


def test_every_ulaw_code_round_trips() -> None:
    decoded = ulaw_decode(ALL_CODES)
    reencoded = ulaw_encode(decoded)
    # 0x7F is "negative zero": it decodes to 0, which encodes as the positive 0xFF.
    expected = bytes(0xFF if c == 0x7F else c for c in ALL_CODES)
    assert reencoded == expected
    assert ulaw_decode(reencoded) == decoded


def test_every_alaw_code_round_trips() -> None:
    assert alaw_encode(alaw_decode(ALL_CODES)) == ALL_CODES


def test_decoding_is_monotonic_within_each_sign() -> None:
    # Codes 0x80..0xFF are positive and decrease in magnitude as the code grows (μ-law).
    u = np.array(samples(ulaw_decode(bytes(range(0x80, 0x100)))))
    assert (np.diff(u) <= 0).all()


def test_encoding_error_is_bounded_by_the_segment_step() -> None:
    x = np.array(samples(ALL_PCM))
    for enc, dec in ((ulaw_encode, ulaw_decode), (alaw_encode, alaw_decode)):
        y = np.array(samples(dec(enc(ALL_PCM))))
        err = np.abs(y - x)
        # Largest step is 1024 (top segment); clipping of the μ-law extremes adds < 700.
        assert err.max() <= 1024 + 700
        # Relative error in the companded range stays small.
        big = np.abs(x) > 1024
        assert (err[big] / np.abs(x[big])).max() < 0.07


def test_sizes() -> None:
    assert len(ulaw_encode(pcm(1, 2, 3))) == 3
    assert len(alaw_decode(b"\x00\x01")) == 4
    assert ulaw_encode(b"") == b"" and alaw_decode(b"") == b""


@pytest.mark.parametrize("encode", [ulaw_encode, alaw_encode])
def test_odd_length_pcm_is_rejected(encode) -> None:
    with pytest.raises(ValueError, match="even number of bytes"):
        encode(b"\x00\x01\x02")


@needs_audioop
def test_bit_exact_with_audioop_for_every_sample_and_code() -> None:
    assert ulaw_encode(ALL_PCM) == audioop.lin2ulaw(ALL_PCM, 2)
    assert alaw_encode(ALL_PCM) == audioop.lin2alaw(ALL_PCM, 2)
    assert ulaw_decode(ALL_CODES) == audioop.ulaw2lin(ALL_CODES, 2)
    assert alaw_decode(ALL_CODES) == audioop.alaw2lin(ALL_CODES, 2)
