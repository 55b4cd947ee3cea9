"""What the two voice-latency benchmarks share: the stages, percentiles and the table.

Imported by ``scripts/bench_voice_latency.py`` (voxpipe's venv) and
``scripts/bench_voice_latency_pipecat.py`` (pipecat's venv), so it imports
neither framework: only the standard library and numpy.
"""

from __future__ import annotations

import statistics
import wave
from pathlib import Path
from typing import Any

#: Stage names, in pipeline order, as keys of a result (ms after the end of speech).
STAGES = ["vad_stopped", "stt_final", "turn_stopped", "llm_first_token", "tts_first_audio", "bot_audio"]
#: How the table labels them.
SHORT = {"vad_stopped": "vad_stop", "stt_final": "stt", "turn_stopped": "turn",
         "llm_first_token": "llm_first", "tts_first_audio": "tts_first", "bot_audio": "bot_audio"}  # fmt: skip


def read_pcm16(path: Path) -> tuple[bytes, int]:
    """A 16-bit mono WAV's PCM and rate."""
    with wave.open(str(path), "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit mono")
        return w.readframes(w.getnframes()), w.getframerate()


def speech_end_secs(path: Path, threshold: float = 0.01) -> float:
    """Offset of the last sample above ``threshold`` (-40 dBFS) in the WAV."""
    import numpy as np

    pcm, rate = read_pcm16(path)
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    loud = np.flatnonzero(np.abs(samples) > threshold)
    return (int(loud[-1]) + 1) / rate if loud.size else 0.0


def pct(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and p90 per stage and of the latency, over the answered questions."""
    ok = [r for r in results if r["latency_ms"] == r["latency_ms"]]  # not NaN
    summary: dict[str, Any] = {"n": len(results), "answered": len(ok)}
    for stage in STAGES:
        values = [r[stage] for r in ok if r[stage] == r[stage]]
        summary[stage] = {"median": round(statistics.median(values), 1) if values else None,
                          "p90": round(pct(values, 90), 1) if values else None}  # fmt: skip
    lat = [r["latency_ms"] for r in ok]
    summary["median_ms"] = round(statistics.median(lat), 1) if lat else None
    summary["p90_ms"] = round(pct(lat, 90), 1) if lat else None
    return summary


def print_table(summary: dict[str, Any], title: str, note: str = "") -> None:
    """The per-stage table; ``note`` follows the latency line."""

    def cell(value: Any) -> str:
        return f"{value if value is not None else '-':>8}"

    print(f"\n{title}: {summary['answered']}/{summary['n']} answered")
    print(f"{'stage (ms after end of speech)':32} {'median':>8} {'p90':>8}")
    for stage in STAGES:
        print(f"{SHORT[stage]:32} {cell(summary[stage]['median'])} {cell(summary[stage]['p90'])}")
    print(f"{'latency':32} {cell(summary['median_ms'])} {cell(summary['p90_ms'])}   {note}".rstrip())
