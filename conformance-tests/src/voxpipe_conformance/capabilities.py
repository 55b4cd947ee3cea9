"""Capability flags: what a service declares it can do, and which tests that opens.

A service lists its flags in its manifest (``ServiceSpec.capabilities``) or in
its :class:`~voxpipe_conformance.ConformanceCase`. A contract test that needs a
flag is decorated with :func:`requires`; when the case does not declare every
flag it needs, the test is *skipped* with the reason, never failed. This is
SQLAlchemy's "requirements" idea with the flags as plain strings, so a plugin
declares them without importing this package.

Flags with a known meaning are listed in :data:`KNOWN_CAPABILITIES`; unknown
flags are allowed (a plugin's own tests may use them) and reported by
``voxpipe conformance run`` as informational.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

__all__ = ["KNOWN_CAPABILITIES", "Capabilities", "requirements_of", "requires"]

KNOWN_CAPABILITIES: dict[str, str] = {
    "streaming": "results arrive incrementally (audio chunks, text tokens, partial transcripts)",
    "interim_results": "an STT pushes InterimTranscriptionFrame before the final TranscriptionFrame",
    "word_timestamps": "a TTS pushes TTSTextFrame words aligned with its audio",
    "function_calling": "an LLM turns tool calls into FunctionCallsStartedFrame / function calls",
    "websocket": "the service keeps one WebSocket connection to its provider",
    "http": "the service talks to its provider over HTTP (streaming or SSE)",
    "reconnect": "the service reconnects after the server drops the connection, within a budget",
    "connection_events": "the service fires on_connected / on_disconnected / on_connection_error",
    "settings_update": "the service applies *UpdateSettingsFrame deltas at runtime",
    "ttfb_metrics": "the service reports time-to-first-byte in a MetricsFrame",
    "usage_metrics": "the service reports usage (tokens, characters) in a MetricsFrame",
    "interruption": "an InterruptionFrame stops output in flight",
    "error_frames": "provider failures (bad message, error status, stall) become ErrorFrames",
    "segmented": "an STT transcribes whole utterances between VAD start/stop frames",
    "binary": "a serializer produces bytes rather than text",
}
"""Flags the built-in contracts understand, with what declaring each one promises."""

F = TypeVar("F", bound=Callable[..., Any])

_ATTR = "__voxpipe_requires__"


def requires(*flags: str) -> Callable[[F], F]:
    """Mark a contract test as needing every one of ``flags``.

    Args:
        *flags: Capability names; the test runs only when the case declares all.
    """

    def mark(fn: F) -> F:
        setattr(fn, _ATTR, tuple(getattr(fn, _ATTR, ())) + tuple(flags))
        return fn

    return mark


def requirements_of(fn: Callable[..., Any]) -> tuple[str, ...]:
    """The flags a test was marked with by :func:`requires` (empty when none)."""
    return tuple(getattr(fn, _ATTR, ()))


class Capabilities(frozenset):
    """An immutable set of capability flags with a readable ``missing`` helper.

    ``Capabilities("streaming", "reconnect")`` or ``Capabilities.of(["streaming"])``.
    """

    def __new__(cls, *flags: str) -> Capabilities:
        """Build from flag names given as arguments."""
        return super().__new__(cls, (str(f) for f in flags))

    @classmethod
    def of(cls, flags: Iterable[str] | None) -> Capabilities:
        """Build from any iterable of flag names (None gives the empty set)."""
        return cls(*(flags or ()))

    def missing(self, needed: Iterable[str]) -> list[str]:
        """The flags of ``needed`` that this set lacks, in the order given."""
        return [f for f in needed if f not in self]

    def unknown(self) -> list[str]:
        """Declared flags no built-in contract knows (informational)."""
        return sorted(f for f in self if f not in KNOWN_CAPABILITIES)

    def __repr__(self) -> str:
        return f"Capabilities({', '.join(repr(f) for f in sorted(self))})"
