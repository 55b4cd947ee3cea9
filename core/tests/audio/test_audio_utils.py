"""Mixing, interleaving, volume and the G.711 + resampling converters."""

from __future__ import annotations

import math

import numpy as np
import pytest
from voxpipe.audio.utils import (
    alaw_decode,
    alaw_to_pcm,
    calculate_audio_volume,
    create_default_resampler,
    create_file_resampler,
    exp_smoothing,
    interleave_stereo_audio,
    is_silence,
    mix_audio,
    normalize_value,
    pcm_to_alaw,
    pcm_to_ulaw,
    ulaw_decode,
    ulaw_encode,
    ulaw_to_pcm,
)


def pcm(*values: int) -> bytes:
    return np.array(values, dtype="<i2").tobytes()


def samples(data: bytes) -> list[int]:
    return np.frombuffer(data, dtype="<i2").tolist()


def sine(freq: float, rate: int, secs: float, amp: float) -> bytes:
    t = np.arange(int(rate * secs)) / rate
    return np.round(amp * np.sin(2 * np.pi * freq * t)).astype("<i2").tobytes()


# -- mixing -------------------------------------------------------------------


def test_mix_adds_samples() -> None:
    assert samples(mix_audio(pcm(1, -2, 300), pcm(10, 20, -300))) == [11, 18, 0]


def test_mix_clips_rather_than_wraps() -> None:
    mixed = samples(mix_audio(pcm(30000, -30000, 32767), pcm(10000, -10000, 1)))
    assert mixed == [32767, -32768, 32767]


def test_mix_pads_the_shorter_buffer_with_silence() -> None:
    assert samples(mix_audio(pcm(1, 2, 3), pcm(10))) == [11, 2, 3]
    assert samples(mix_audio(b"", pcm(5, 6))) == [5, 6]


def test_interleave_puts_left_then_right() -> None:
    assert samples(interleave_stereo_audio(pcm(1, 2, 3), pcm(-1, -2))) == [1, -1, 2, -2, 3, 0]


@pytest.mark.parametrize("func", [mix_audio, interleave_stereo_audio])
def test_odd_length_buffers_are_rejected(func) -> None:
    with pytest.raises(ValueError, match="even number of bytes"):
        func(b"\x00\x00\x00", pcm(1))


# -- volume -------------------------------------------------------------------


@pytest.mark.parametrize("rate", [8000, 16000, 24000, 48000])
def test_volume_of_silence_is_zero(rate: int) -> None:
    assert calculate_audio_volume(bytes(rate // 50 * 2), rate) == 0.0
    assert calculate_audio_volume(b"", rate) == 0.0


@pytest.mark.parametrize("rate", [8000, 16000, 24000, 48000])
def test_volume_of_full_scale_sine_is_near_one(rate: int) -> None:
    assert calculate_audio_volume(sine(440, rate, 0.032, 32767), rate) >= 0.95


def test_volume_grows_with_amplitude() -> None:
    volumes = [calculate_audio_volume(sine(440, 16000, 0.032, a), 16000) for a in (30, 300, 3000)]
    assert 0 < volumes[0] < volumes[1] < volumes[2] < 1
    # 10x amplitude = +20 dB = +0.2 on the [-20, 80] LUFS scale.
    assert volumes[2] - volumes[1] == pytest.approx(0.2, abs=0.01)


def test_volume_matches_bs1770_for_a_1khz_sine() -> None:
    # A 0 dBFS 1 kHz sine reads -3.01 LUFS on a ±1 scale (BS.1770's calibration
    # point, within ~0.1 dB of K-weighting gain at 1 kHz); at int16 scale add
    # 20·log10(32767) dB. The volume maps [-20, 80] to [0, 1].
    amp = 100.0
    expected_lufs = -3.01 + 20 * math.log10(amp)
    volume = calculate_audio_volume(sine(1000, 48000, 0.1, amp), 48000)
    assert volume * 100 - 20 == pytest.approx(expected_lufs, abs=0.3)


def test_volume_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="even number of bytes"):
        calculate_audio_volume(b"\x00", 16000)
    with pytest.raises(ValueError, match="sample_rate"):
        calculate_audio_volume(b"\x00\x00", 0)


def test_exp_smoothing() -> None:
    assert exp_smoothing(1.0, 0.0, 0.2) == pytest.approx(0.2)
    assert exp_smoothing(0.5, 0.5, 0.7) == 0.5
    assert exp_smoothing(1.0, 0.3, 1.0) == 1.0


def test_normalize_value_clamps() -> None:
    assert normalize_value(30, -20, 80) == 0.5
    assert normalize_value(-math.inf, -20, 80) == 0.0
    assert normalize_value(500, -20, 80) == 1.0
    with pytest.raises(ValueError):
        normalize_value(1, 5, 5)


def test_is_silence() -> None:
    assert is_silence(pcm(0, 10, -500))
    assert not is_silence(pcm(0, 501))
    assert is_silence(b"")


# -- converters -----------------------------------------------------------------


async def test_ulaw_converters_resample_and_encode() -> None:
    r = create_file_resampler()
    pipeline_audio = sine(440, 16000, 0.1, 8000)
    ulaw = await pcm_to_ulaw(pipeline_audio, 16000, 8000, r)
    assert abs(len(ulaw) - 800) <= 2  # one byte per 8 kHz sample
    back = await ulaw_to_pcm(ulaw, 8000, 16000, r)
    assert abs(len(back) // 2 - 1600) <= 4


async def test_alaw_converters_resample_and_encode() -> None:
    r = create_file_resampler()
    alaw = await pcm_to_alaw(sine(440, 16000, 0.1, 8000), 16000, 8000, r)
    assert abs(len(alaw) - 800) <= 2
    back = await alaw_to_pcm(alaw, 8000, 16000, r)
    assert abs(len(back) // 2 - 1600) <= 4


async def test_converters_at_equal_rates_only_change_the_encoding() -> None:
    r = create_file_resampler()
    audio = sine(440, 8000, 0.02, 8000)
    assert await pcm_to_ulaw(audio, 8000, 8000, r) == ulaw_encode(audio)
    assert await ulaw_to_pcm(b"\x01\x80", 8000, 8000, r) == ulaw_decode(b"\x01\x80")
    assert await alaw_to_pcm(b"\x01\x80", 8000, 8000, r) == alaw_decode(b"\x01\x80")


def test_create_default_resampler_is_deprecated() -> None:
    with pytest.warns(DeprecationWarning, match="create_stream_resampler"):
        create_default_resampler()


def _biquad(b: tuple, a: tuple, x: np.ndarray) -> np.ndarray:
    """Direct-form-I biquad from zero state: the time-domain reference."""
    b = [c / a[0] for c in b]
    a = [c / a[0] for c in a]
    y = np.zeros_like(x)
    x1 = x2 = y1 = y2 = 0.0
    for i, xi in enumerate(x):
        yi = b[0] * xi + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
        x2, x1, y2, y1 = x1, xi, y1, yi
        y[i] = yi
    return y


@pytest.mark.parametrize(("rate", "n"), [(8000, 256), (16000, 160), (16000, 512), (48000, 1536)])
def test_frequency_domain_loudness_matches_time_domain_k_weighting(rate: int, n: int) -> None:
    from voxpipe.audio._loudness import _highpass, _shelf, block_loudness

    rng = np.random.default_rng(rate + n)
    for x in (rng.normal(0, 3000, n), 3000 * np.sin(2 * np.pi * 300 * np.arange(n) / rate)):
        x = x.astype(np.int16).astype(np.float64)
        y = _biquad(*_highpass(rate), _biquad(*_shelf(rate), x))
        reference = -0.691 + 10 * math.log10(np.mean(y**2))
        assert block_loudness(x, rate) == pytest.approx(reference, abs=0.25)
