"""What the development runner hands a bot: ``await bot(runner_args)``.

The runner picks the subclass from the transport it serves; a bot either
passes it to :func:`voxpipe.runner.utils.create_transport` or checks the type
itself::

    async def bot(runner_args: RunnerArguments):
        if isinstance(runner_args, SmallWebRTCRunnerArguments):
            ...

These are plain dataclasses so they import nothing heavy: the connection and
websocket objects are typed as ``Any``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DailyDialinRequest",
    "DailyRunnerArguments",
    "DialinSettings",
    "FileRunnerArguments",
    "LiveKitRunnerArguments",
    "RunnerArguments",
    "SmallWebRTCRunnerArguments",
    "WebSocketRunnerArguments",
]


@dataclass
class RunnerArguments:
    """What every session gets.

    Attributes:
        body: Data the client sent when starting the session (the ``body`` of
            ``POST /start``, or the offer's ``request_data``); ``{}`` if none.
        cli_args: The parsed command line (including a bot's own arguments
            when it passed a parser to ``main``); None outside the runner.
        handle_sigint: Whether the bot's ``PipelineRunner`` should handle
            Ctrl-C. False under the web server, which handles it; True when the
            bot runs alone (``-t file``).
        handle_sigterm: The same for SIGTERM.
        pipeline_idle_timeout_secs: Idle timeout a bot may pass to its task.
    """

    body: Any = field(default_factory=dict, kw_only=True)
    cli_args: argparse.Namespace | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        self.handle_sigint = False
        self.handle_sigterm = False
        self.pipeline_idle_timeout_secs = 300


@dataclass
class SmallWebRTCRunnerArguments(RunnerArguments):
    """A browser connected over WebRTC (``-t webrtc``).

    Attributes:
        webrtc_connection: The ``SmallWebRTCConnection`` for this peer.
    """

    webrtc_connection: Any


@dataclass
class WebSocketRunnerArguments(RunnerArguments):
    """A client connected to ``WS /ws`` (``-t websocket`` or a telephony provider).

    Attributes:
        websocket: The accepted FastAPI/Starlette ``WebSocket``.
        transport_type: ``"websocket"`` for Pipecat's JS/mobile clients
            (protobuf frames); None to detect the telephony provider from the
            first messages. The runner sets it from ``-t``.
    """

    websocket: Any
    transport_type: str | None = None


@dataclass
class DailyRunnerArguments(RunnerArguments):
    """A Daily room to join (``-t daily``, needs the ``voxpipe-daily`` plugin).

    Attributes:
        room_url: The room's URL.
        token: A meeting token, if the room needs one.
    """

    room_url: str
    token: str | None = None


@dataclass
class LiveKitRunnerArguments(RunnerArguments):
    """A LiveKit room to join (needs the ``voxpipe-livekit`` plugin).

    Attributes:
        room_name: The room's name.
        url: The LiveKit server URL.
        token: An access token.
    """

    room_name: str
    url: str
    token: str | None = None


@dataclass
class FileRunnerArguments(RunnerArguments):
    """A WAV file plays the user and another records the bot (``-t file``, voxpipe only).

    Attributes:
        input_path: The WAV the user "says" (any rate and channel count).
        output_path: Where the bot's audio is recorded.
        speed: Media seconds per real second (1 = real time; ``--fast`` sets more).
        trailing_silence_secs: Silence streamed after the input, so VAD and turn
            detection can finish.
        end_quiet_secs: How long the bot must stay quiet before the session ends.
        max_wait_secs: Longest wait for the bot to finish after the input ended.
    """

    input_path: str
    output_path: str
    speed: float = 1.0
    trailing_silence_secs: float = 3.0
    end_quiet_secs: float = 1.0
    max_wait_secs: float = 30.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.handle_sigint = True
        self.handle_sigterm = True


@dataclass
class DialinSettings:
    """Daily dial-in call details (from the dial-in webhook)."""

    call_id: str = ""
    call_domain: str = ""
    To: str | None = None  # noqa: N815 - the webhook's field name
    From: str | None = None  # noqa: N815
    sip_headers: dict[str, str] | None = None


@dataclass
class DailyDialinRequest:
    """What a dial-in bot gets as ``runner_args.body``."""

    dialin_settings: DialinSettings = field(default_factory=DialinSettings)
    daily_api_key: str = ""
    daily_api_url: str = "https://api.daily.co/v1"
