"""DTMF tones as PCM, for transports that cannot send DTMF natively.

Each key is the sum of a low (row) and a high (column) sine, per ITU-T Q.23.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DTMF_FREQUENCIES", "dtmf_tone"]

#: Key → (low Hz, high Hz).
DTMF_FREQUENCIES: dict[str, tuple[int, int]] = {
    "1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "A": (697, 1633),
    "4": (770, 1209), "5": (770, 1336), "6": (770, 1477), "B": (770, 1633),
    "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "C": (852, 1633),
    "*": (941, 1209), "0": (941, 1336), "#": (941, 1477), "D": (941, 1633),
}  # fmt: skip


def dtmf_tone(
    key: str, sample_rate: int, *, tone_secs: float = 0.1, gap_secs: float = 0.05
) -> bytes:
    """16-bit mono PCM for one key press: the tone, then a short silence.

    Args:
        key: ``"0"``-``"9"``, ``"*"``, ``"#"`` (or ``"A"``-``"D"``).
        sample_rate: Output rate in Hz.
        tone_secs: Tone length.
        gap_secs: Silence after the tone, so consecutive presses are told apart.

    Raises:
        ValueError: ``key`` is not a DTMF key.
    """
    try:
        low, high = DTMF_FREQUENCIES[str(key).upper()]
    except KeyError:
        raise ValueError(f"{key!r} is not a DTMF key (0-9, *, #, A-D)") from None
    t = np.arange(int(sample_rate * tone_secs)) / sample_rate
    wave = 0.4 * (np.sin(2 * np.pi * low * t) + np.sin(2 * np.pi * high * t))
    tone = (wave * 16383).astype("<i2").tobytes()
    return tone + b"\x00\x00" * int(sample_rate * gap_secs)
