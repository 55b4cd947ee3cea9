"""The numpy log-mel features against a slow, loop-by-loop reference written from the recipe."""

import math

import numpy as np
import pytest

from voxpipe_smart_turn.features import log_mel_spectrogram, mel_filterbank


def _slow_mel(f_hz: float) -> float:
    # Slaney: 3 mels per 200 Hz below 1 kHz, then log steps of ln(6.4)/27.
    if f_hz < 1000.0:
        return 3.0 * f_hz / 200.0
    return 15.0 + math.log(f_hz / 1000.0) / (math.log(6.4) / 27.0)


def _slow_hz(mel: float) -> float:
    if mel < 15.0:
        return 200.0 * mel / 3.0
    return 1000.0 * math.exp((mel - 15.0) * math.log(6.4) / 27.0)


def _slow_filterbank(n_mels=80, n_fft=400, sr=16000):
    top = _slow_mel(sr / 2)
    edges = [_slow_hz(top * i / (n_mels + 1)) for i in range(n_mels + 2)]
    bank = np.zeros((n_mels, n_fft // 2 + 1))
    for m in range(n_mels):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        for k in range(n_fft // 2 + 1):
            f = k * sr / n_fft
            if lo <= f <= mid:
                w = (f - lo) / (mid - lo)
            elif mid < f <= hi:
                w = (hi - f) / (hi - mid)
            else:
                w = 0.0
            bank[m, k] = w * 2.0 / (hi - lo)
    return bank


def _slow_log_mel(x, normalize=True):
    x = np.asarray(x, dtype=np.float64)
    if normalize:
        x = (x - x.mean()) / math.sqrt(x.var() + 1e-7)
    n_fft, hop = 400, 160
    # reflect padding by hand: x[200], ..., x[1] | x | x[-2], ..., x[-201]
    padded = np.concatenate([x[1:201][::-1], x, x[-201:-1][::-1]])
    window = [0.5 - 0.5 * math.cos(2 * math.pi * n / n_fft) for n in range(n_fft)]
    n_frames = 1 + (len(padded) - n_fft) // hop - 1  # the last frame is dropped
    k = np.arange(n_fft // 2 + 1)[:, None]
    n = np.arange(n_fft)[None, :]
    cos_m, sin_m = np.cos(2 * np.pi * k * n / n_fft), np.sin(2 * np.pi * k * n / n_fft)
    power = np.zeros((n_fft // 2 + 1, n_frames))
    for t in range(n_frames):
        frame = padded[t * hop: t * hop + n_fft] * window
        re, im = cos_m @ frame, -(sin_m @ frame)
        power[:, t] = re * re + im * im
    mel = _slow_filterbank() @ power
    log_spec = np.log10(np.maximum(mel, 1e-10))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return (log_spec + 4.0) / 4.0


def test_filterbank_matches_reference():
    assert np.allclose(mel_filterbank(), _slow_filterbank(), atol=1e-7, rtol=1e-4)


@pytest.mark.parametrize("normalize", [True, False])
def test_log_mel_matches_reference(normalize):
    rng = np.random.default_rng(1)
    t = np.arange(8000) / 16000
    x = (0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(t.size)).astype(np.float32)
    x[:2000] = 0.0  # digital silence exercises the floor and the max-8 clamp
    fast, slow = log_mel_spectrogram(x, normalize=normalize), _slow_log_mel(x, normalize)
    assert fast.shape == slow.shape == (80, 50)
    assert np.max(np.abs(fast - slow)) < 2e-3


def test_eight_seconds_give_the_model_shape():
    features = log_mel_spectrogram(np.zeros(128000, np.float32) + 1e-3)
    assert features.shape == (80, 800) and features.dtype == np.float32


def test_too_short_is_refused():
    with pytest.raises(ValueError):
        log_mel_spectrogram(np.zeros(100, np.float32))
