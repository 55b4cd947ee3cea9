"""``PiperHTTPEmulator``: a loopback Piper HTTP server for the conformance case.

Written from Piper's HTTP API documentation (piper1-gpl ``docs/API_HTTP.md``):
``POST /`` with a JSON object — ``text`` (required), ``voice``, ``speaker``,
``speaker_id``, ``length_scale``, ``noise_scale``, ``noise_w_scale`` — answers a
WAV file; ``GET /voices`` lists the voices. piper-tts 1.8 serves synthesis at
``POST /synthesize`` and a web page at ``GET /``; ``routes="synthesize"`` emulates
that layout (``POST /`` then gets 405).

Instead of speech the emulator answers a 440 Hz tone at 22050 Hz, 60 ms per
character, so tests can check lengths and rates without a model.
"""

from __future__ import annotations

import io
import math
import struct
import wave

from voxpipe_conformance.emulators import Fault, HTTPEmulator, Response
from voxpipe_conformance.emulators.http import HTTPRequest

__all__ = ["PiperHTTPEmulator", "tone_wav"]

SAMPLE_RATE = 22050
VOICES = ("en_US-joe-medium", "en_US-ryan-high")


def tone_wav(seconds: float, sample_rate: int = SAMPLE_RATE, hz: float = 440.0) -> bytes:
    """A mono 16-bit WAV of a sine tone."""
    n = int(seconds * sample_rate)
    pcm = struct.pack(f"<{n}h", *(int(8000 * math.sin(2 * math.pi * hz * i / sample_rate)) for i in range(n)))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return buf.getvalue()


class PiperHTTPEmulator(HTTPEmulator):
    """The Piper HTTP server's synthesis and voice-list endpoints.

    Args:
        routes: ``"documented"`` (``POST /``) or ``"synthesize"`` (piper-tts 1.8:
            ``POST /synthesize``, ``POST /`` refused with 405).
    """

    def __init__(self, routes: str = "documented") -> None:
        super().__init__()
        self.routes = routes

    async def handle(self, request: HTTPRequest) -> Response:
        """Answer one request like the Piper server."""
        synth_path = "/" if self.routes == "documented" else "/synthesize"
        if request.method == "GET" and request.path == "/voices":
            return Response(200, {voice: {"audio": {"sample_rate": SAMPLE_RATE}} for voice in VOICES})
        if request.method == "POST" and request.path == synth_path:
            try:
                data = request.json()
            except ValueError:
                return Response(400, "request body is not JSON", content_type="text/plain")
            text = str((data or {}).get("text", "")).strip()
            if not text:
                return Response(500, "No text provided", content_type="text/plain")
            return Response(200, tone_wav(0.06 * len(text)), content_type="audio/wav")
        if request.path == "/" and self.routes != "documented":
            return Response(405, "Method Not Allowed", content_type="text/html")
        return Response(404, "Not Found", content_type="text/html")

    def error_payload(self, fault: Fault) -> str:
        """Flask's plain error page, as the Piper server sends it."""
        return f"<!doctype html>\n<title>{fault.code} Error</title>\n<h1>Error</h1>\n<p>{fault.reason}</p>\n"
