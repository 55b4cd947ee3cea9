"""Input checks shared by the soxr resamplers."""

from __future__ import annotations

import numpy as np

#: soxr quality recipes accepted by the resamplers.
QUALITIES = ("VHQ", "HQ", "MQ", "LQ", "QQ")


def check_quality(quality: str) -> str:
    if quality not in QUALITIES:
        raise ValueError(
            f"unknown soxr quality {quality!r}; expected one of {', '.join(QUALITIES)}"
        )
    return quality


def pcm16_samples(audio: bytes, in_rate: int, out_rate: int) -> np.ndarray:
    """Validate the arguments of ``resample`` and view ``audio`` as int16 samples."""
    if in_rate <= 0 or out_rate <= 0:
        raise ValueError(
            f"sample rates must be positive, got in_rate={in_rate}, out_rate={out_rate}"
        )
    if len(audio) % 2:
        raise ValueError(
            f"16-bit PCM must have an even number of bytes, got {len(audio)} "
            "(a sample was cut in half)"
        )
    return np.frombuffer(audio, dtype="<i2")
