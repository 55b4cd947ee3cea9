"""Local Whisper speech-to-text (``voxpipe-whisper``); the service is in :mod:`voxpipe.services.whisper.stt`."""

from __future__ import annotations

from typing import Any

__all__ = ["Model", "WhisperSTTService", "WhisperSTTSettings"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from voxpipe.services.whisper import stt

        return getattr(stt, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
