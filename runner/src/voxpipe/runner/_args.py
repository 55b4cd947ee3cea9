"""The runner's command-line flags, kept apart so ``voxpipe --help`` imports nothing else."""

from __future__ import annotations

import argparse

__all__ = ["TRANSPORTS", "add_runner_arguments"]

#: Values of ``-t/--transport``.
TRANSPORTS = (
    "webrtc", "websocket", "ws", "file", "daily", "livekit", "twilio", "telnyx", "plivo", "exotel",
)  # fmt: skip


def add_runner_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the runner's flags to ``parser`` (a bot's own parser keeps its arguments)."""
    g = parser.add_argument_group("voxpipe runner")
    g.add_argument("--host", default="localhost", help="host to serve on (default: localhost)")
    g.add_argument("--port", type=int, default=7860, help="port to serve on (default: 7860)")
    g.add_argument(
        "-t", "--transport", choices=TRANSPORTS, default="webrtc",
        help="how clients reach the bot (default: webrtc)",
    )  # fmt: skip
    g.add_argument("-x", "--proxy", help="public hostname for telephony webhooks (no scheme)")
    g.add_argument("-d", "--direct", action="store_true", help="join a Daily room directly (Daily)")
    g.add_argument("-f", "--folder", help="folder served at /files/ for downloads")
    g.add_argument("--dialin", action="store_true", help="Daily PSTN dial-in webhook (Daily)")
    g.add_argument("--esp32", action="store_true", help="SDP munging for ESP32 clients")
    g.add_argument(
        "--whatsapp", action="store_true", help="WhatsApp webhook routes (not served yet)"
    )
    g.add_argument(
        "-v", "--verbose", action="count", default=0, help="more logging (-vv: even more)"
    )
    f = parser.add_argument_group("file transport (-t file)")
    f.add_argument("--input", help="WAV the user says")
    f.add_argument("--output", help="WAV the bot's audio is recorded to")
    f.add_argument("--fast", action="store_true", help="stream the input 8x faster than real time")
    f.add_argument(
        "--trailing-silence", type=float, default=3.0, metavar="SECS",
        help="silence after the input so VAD/turn detection finish (default: 3)",
    )  # fmt: skip
    f.add_argument(
        "--end-quiet", type=float, default=1.0, metavar="SECS",
        help="bot quiet time that ends the run after it answered (default: 1)",
    )  # fmt: skip
    f.add_argument(
        "--max-wait", type=float, default=30.0, metavar="SECS",
        help="longest wait for the bot after the input (default: 30)",
    )  # fmt: skip
    return parser
