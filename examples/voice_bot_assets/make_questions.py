"""Speak the five benchmark questions with Piper (the joe voice) into 16 kHz WAVs.

    python examples/voice_bot_assets/make_questions.py [OUT_DIR]

Writes ``q1.wav`` ... ``q5.wav`` (16-bit mono, 16 kHz, no leading/trailing
silence beyond Piper's own) into OUT_DIR (default: this folder). The same
questions time pipecat-ai 1.14.0 in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import numpy as np

QUESTIONS = [
    "What is the capital of France?",
    "How many days are in a week?",
    "Tell me a short joke.",
    "What color is the sky?",
    "Name a fruit that is yellow.",
]
RATE = 16000
HERE = Path(__file__).resolve().parent


def question_paths(folder: str | Path = HERE) -> list[Path]:
    """Where ``q1.wav`` ... ``q5.wav`` are (or would be) in ``folder``."""
    return [Path(folder) / f"q{i}.wav" for i in range(1, len(QUESTIONS) + 1)]


def synthesize(text: str) -> np.ndarray:
    """``text`` spoken by Piper's joe voice, as 16 kHz int16 samples."""
    import soxr
    from voxpipe.services.piper.tts import PiperTTSService, _load_voice  # noqa: PLC2701

    voice = _load_voice(PiperTTSService()._voice_source, Path.cwd(), False, False)
    chunks = [c.audio_int16_array for c in voice.synthesize(text)]
    audio = np.concatenate(chunks).astype(np.float32) / 32768.0
    audio = soxr.resample(audio, voice.config.sample_rate, RATE, quality="HQ")
    return (np.clip(audio, -1, 1) * 32767).astype("<i2")


def write(folder: str | Path = HERE, *, force: bool = False) -> list[Path]:
    """Write the five WAVs into ``folder`` (kept if present, unless ``force``)."""
    paths = question_paths(folder)
    Path(folder).mkdir(parents=True, exist_ok=True)
    for text, path in zip(QUESTIONS, paths, strict=True):
        if path.is_file() and not force:
            continue
        samples = synthesize(text)
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(samples.tobytes())
    return paths


if __name__ == "__main__":
    for p in write(sys.argv[1] if len(sys.argv) > 1 else HERE, force=True):
        print(p, p.stat().st_size, "bytes")
