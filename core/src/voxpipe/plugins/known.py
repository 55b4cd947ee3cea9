"""First-party service ids and the distributions that provide them.

The kernel ships no services, but it knows which first-party distribution to
suggest when code asks for a service that is not installed
(``deepgram_stt`` -> ``pip install voxpipe-deepgram``). Third-party plugins are
not listed here: nothing in the kernel has to change for them to work.

When a first-party plugin adds a service id, add it here too.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["KNOWN_SERVICES", "KnownService", "distribution_for", "known_distributions"]


class KnownService(NamedTuple):
    """Where a first-party service id comes from."""

    distribution: str
    kind: str


def _table(distribution: str, **ids: str) -> dict[str, KnownService]:
    return {service_id: KnownService(distribution, kind) for service_id, kind in ids.items()}


KNOWN_SERVICES: dict[str, KnownService] = {
    # The embedded default: local models, no keys, no network.
    **_table("voxpipe-silero", silero_vad="vad"),
    **_table("voxpipe-smart-turn", smart_turn_v3="turn"),
    **_table("voxpipe-whisper", whisper_stt="stt"),
    **_table("voxpipe-piper", piper_tts="tts", piper_http_tts="tts"),
    **_table("voxpipe-llamacpp", llamacpp_llm="llm"),
    **_table("voxpipe-soundfile", soundfile_mixer="other"),
    # Transports and serializers.
    **_table(
        "voxpipe-websocket",
        websocket_server_transport="transport",
        websocket_client_transport="transport",
        fastapi_websocket_transport="transport",
        protobuf_serializer="serializer",
    ),
    **_table("voxpipe-webrtc", smallwebrtc_transport="transport"),
    **_table("voxpipe-daily", daily_transport="transport"),
    **_table("voxpipe-livekit", livekit_transport="transport"),
    **_table("voxpipe-twilio", twilio_serializer="serializer"),
    **_table("voxpipe-telnyx", telnyx_serializer="serializer"),
    **_table("voxpipe-plivo", plivo_serializer="serializer"),
    **_table("voxpipe-exotel", exotel_serializer="serializer"),
    # Cloud providers.
    **_table("voxpipe-deepgram", deepgram_stt="stt", deepgram_tts="tts"),
    **_table("voxpipe-cartesia", cartesia_tts="tts", cartesia_stt="stt"),
    **_table(
        "voxpipe-openai",
        openai_llm="llm",
        openai_stt="stt",
        openai_tts="tts",
        openai_realtime="s2s",
    ),
    **_table("voxpipe-elevenlabs", elevenlabs_tts="tts"),
    **_table("voxpipe-anthropic", anthropic_llm="llm"),
    **_table("voxpipe-google", google_llm="llm", google_stt="stt", google_tts="tts"),
    **_table("voxpipe-assemblyai", assemblyai_stt="stt"),
    **_table("voxpipe-azure", azure_stt="stt", azure_tts="tts"),
    **_table("voxpipe-groq", groq_llm="llm"),
    **_table("voxpipe-ollama", ollama_llm="llm"),
}


def distribution_for(service_id: str) -> str | None:
    """Return the first-party distribution that provides ``service_id``, if any."""
    known = KNOWN_SERVICES.get(service_id)
    return known.distribution if known else None


def known_distributions(kind: str | None = None) -> dict[str, list[str]]:
    """Map each first-party distribution to its service ids, optionally of one kind only."""
    result: dict[str, list[str]] = {}
    for service_id, known in KNOWN_SERVICES.items():
        if kind is None or known.kind == kind:
            result.setdefault(known.distribution, []).append(service_id)
    return result
