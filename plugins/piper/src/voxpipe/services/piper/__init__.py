"""Piper text-to-speech (``voxpipe-piper``, GPL-3.0-or-later); the services are in :mod:`voxpipe.services.piper.tts`."""

from __future__ import annotations

from typing import Any

__all__ = ["PiperHttpTTSService", "PiperTTSService", "PiperTTSSettings"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from voxpipe.services.piper import tts

        return getattr(tts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
