"""Whisper-style log-mel features in numpy: the input smart-turn v3 expects.

The recipe is the one Whisper published (and smart-turn was trained on): 16 kHz
audio, a 400-point STFT every 160 samples with a periodic Hann window and
reflect padding of 200 samples each side, the power spectrum, 80 triangular mel
filters on the Slaney mel scale with Slaney area normalisation, ``log10``
floored at ``1e-10``, the last STFT frame dropped, values clamped to
``max - 8`` and mapped by ``(x + 4) / 4``. Eight seconds give ``(80, 800)``.

Optionally (``normalize=True``, what smart-turn does) the waveform is first
scaled to zero mean and unit variance.

Written from that description; nothing here is copied from Whisper,
transformers or pipecat.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = [
    "HOP_LENGTH",
    "N_FFT",
    "N_MELS",
    "SAMPLE_RATE",
    "hz_to_mel",
    "log_mel_spectrogram",
    "mel_filterbank",
    "mel_to_hz",
]

SAMPLE_RATE = 16000
N_FFT = 400
HOP_LENGTH = 160
N_MELS = 80

# Slaney's mel scale: linear (200/3 Hz per mel) below 1 kHz, logarithmic above.
_F_SP = 200.0 / 3.0
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOG_STEP = np.log(6.4) / 27.0


def hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    """Frequencies in Hz to Slaney mels."""
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / _F_SP
    log_part = _MIN_LOG_MEL + np.log(np.maximum(hz, _MIN_LOG_HZ) / _MIN_LOG_HZ) / _LOG_STEP
    return np.where(hz >= _MIN_LOG_HZ, log_part, mel)


def mel_to_hz(mel: np.ndarray | float) -> np.ndarray:
    """Slaney mels to frequencies in Hz."""
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * _F_SP
    log_part = _MIN_LOG_HZ * np.exp(_LOG_STEP * (np.maximum(mel, _MIN_LOG_MEL) - _MIN_LOG_MEL))
    return np.where(mel >= _MIN_LOG_MEL, log_part, hz)


@lru_cache(maxsize=4)
def mel_filterbank(
    sample_rate: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS
) -> np.ndarray:
    """Triangular Slaney-normalised mel filters, shape ``(n_mels, n_fft // 2 + 1)``.

    Read-only: the array is cached and shared.
    """
    bins = np.linspace(0.0, sample_rate / 2.0, n_fft // 2 + 1)
    edges = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sample_rate / 2.0), n_mels + 2))
    lower, center, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins[None, :] - lower) / (center - lower)
    falling = (upper - bins[None, :]) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (upper - lower))  # equal area per filter (Slaney)
    weights = weights.astype(np.float32)
    weights.setflags(write=False)
    return weights


@lru_cache(maxsize=2)
def _hann(n: int) -> np.ndarray:
    window = (0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)).astype(np.float32)
    window.setflags(write=False)
    return window


def log_mel_spectrogram(audio: np.ndarray, *, normalize: bool = True) -> np.ndarray:
    """Whisper log-mel features of 16 kHz mono float audio.

    Args:
        audio: 1-D float samples in [-1, 1] at 16 kHz (at least 201 samples).
        normalize: Scale the waveform to zero mean, unit variance first.

    Returns:
        ``float32`` array of shape ``(80, len(audio) // 160)``.
    """
    x = np.asarray(audio, dtype=np.float32).reshape(-1)
    if x.size <= N_FFT // 2:
        raise ValueError(f"need more than {N_FFT // 2} samples, got {x.size}")
    if normalize:
        x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)
    padded = np.pad(x, N_FFT // 2, mode="reflect")
    n_frames = 1 + (padded.size - N_FFT) // HOP_LENGTH
    frames = np.lib.stride_tricks.as_strided(
        padded,
        shape=(n_frames, N_FFT),
        strides=(padded.strides[0] * HOP_LENGTH, padded.strides[0]),
        writeable=False,
    )[:-1]  # Whisper drops the last frame
    spectrum = np.fft.rfft(frames * _hann(N_FFT), axis=1)
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    mel = mel_filterbank() @ power.T
    log_spec = np.log10(np.maximum(mel, 1e-10))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).astype(np.float32)
