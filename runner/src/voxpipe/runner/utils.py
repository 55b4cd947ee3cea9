"""Build the right transport for whatever the runner handed the bot.

A bot lists transport parameters per transport and lets the runner's
arguments pick::

    transport_params = {
        "webrtc": lambda: TransportParams(audio_in_enabled=True, audio_out_enabled=True),
        "daily": lambda: DailyParams(audio_in_enabled=True, audio_out_enabled=True),
    }

    async def bot(runner_args):
        transport = await create_transport(runner_args, transport_params)

Keys: ``"webrtc"``, ``"websocket"``, ``"file"``, ``"daily"``, ``"livekit"``,
``"twilio"``, ``"telnyx"``, ``"plivo"``, ``"exotel"``. Values are zero-argument
callables returning params (so a transport's params class is only imported
when that transport is used) or params objects. ``"websocket"`` and
``"file"`` fall back to the ``"webrtc"`` entry when absent, so a bot written for
the browser also runs over Pipecat's WebSocket clients and from WAV files.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

from voxpipe.runner.types import (
    DailyRunnerArguments,
    FileRunnerArguments,
    LiveKitRunnerArguments,
    RunnerArguments,
    SmallWebRTCRunnerArguments,
    WebSocketRunnerArguments,
)

__all__ = [
    "TRANSPORT_KEYS",
    "create_transport",
    "get_transport_client_id",
    "maybe_capture_participant_camera",
    "maybe_capture_participant_screen",
    "parse_telephony_websocket",
]

logger = logging.getLogger("voxpipe")

#: Every key ``transport_params`` may use.
TRANSPORT_KEYS = (
    "webrtc", "websocket", "file", "daily", "livekit", "twilio", "telnyx", "plivo", "exotel",
)  # fmt: skip

#: The plugin that provides each transport or serializer, and the module to import.
PLUGINS: dict[str, tuple[str, str]] = {
    "webrtc": ("voxpipe-webrtc", "voxpipe.transports.smallwebrtc.transport"),
    "websocket": ("voxpipe-websocket[fastapi]", "voxpipe.transports.websocket.fastapi"),
    "daily": ("voxpipe-daily", "voxpipe.transports.daily.transport"),
    "livekit": ("voxpipe-livekit", "voxpipe.transports.livekit.transport"),
    "twilio": ("voxpipe-twilio", "voxpipe.serializers.twilio"),
    "telnyx": ("voxpipe-telnyx", "voxpipe.serializers.telnyx"),
    "plivo": ("voxpipe-plivo", "voxpipe.serializers.plivo"),
    "exotel": ("voxpipe-exotel", "voxpipe.serializers.exotel"),
}

TELEPHONY = ("twilio", "telnyx", "plivo", "exotel")

ParamsSource = Callable[[], Any] | Any


def import_plugin_module(key: str) -> Any:
    """Import the module behind transport ``key``, naming the plugin to install if missing.

    Raises:
        ModuleNotFoundError: The plugin is not installed (the message says which).
    """
    distribution, module = PLUGINS[key]
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and not module.startswith(exc.name) and exc.name not in module:
            raise  # a dependency of an installed plugin is missing: show that
        raise ModuleNotFoundError(
            f"the {key} transport needs the {distribution.split('[')[0]} plugin: "
            f'pip install "{distribution}"',
            name=exc.name,
        ) from exc


def _check_keys(transport_params: Mapping[str, ParamsSource]) -> None:
    unknown = sorted(set(transport_params) - set(TRANSPORT_KEYS))
    if unknown:
        raise ValueError(
            f"unknown transport_params keys {unknown}; use some of {list(TRANSPORT_KEYS)}"
        )


def _params(
    transport_params: Mapping[str, ParamsSource], key: str, *, fallback: str | None = None
) -> Any:
    for candidate in (key, fallback):
        if candidate is not None and candidate in transport_params:
            source = transport_params[candidate]
            return source() if callable(source) else source
    wanted = repr(key) + (f" (or {fallback!r})" if fallback else "")
    raise ValueError(
        f"transport_params has no {wanted} entry for this session; "
        f"it has {sorted(transport_params)}"
    )


async def create_transport(
    runner_args: RunnerArguments, transport_params: Mapping[str, ParamsSource]
) -> Any:
    """Create the transport that ``runner_args`` calls for, with the bot's params for it.

    Args:
        runner_args: What the runner passed to ``bot()``.
        transport_params: Params per transport key (see the module docstring).

    Returns:
        A transport (``SmallWebRTCTransport``, ``FastAPIWebsocketTransport``,
        ``FileTransport`` ...), ready to put in a pipeline.

    Raises:
        ValueError: ``transport_params`` has an unknown key or lacks the one this
            session needs, or the runner arguments are of an unknown type.
        ModuleNotFoundError: The transport's plugin is not installed (the
            message names it).
    """
    _check_keys(transport_params)
    if isinstance(runner_args, SmallWebRTCRunnerArguments):
        params = _params(transport_params, "webrtc")
        module = import_plugin_module("webrtc")
        return module.SmallWebRTCTransport(
            webrtc_connection=runner_args.webrtc_connection, params=params
        )
    if isinstance(runner_args, FileRunnerArguments):
        from voxpipe.runner.file_transport import FileTransport

        return FileTransport(
            runner_args.input_path,
            runner_args.output_path,
            params=_params(transport_params, "file", fallback="webrtc"),
            speed=runner_args.speed,
            trailing_silence_secs=runner_args.trailing_silence_secs,
            end_quiet_secs=runner_args.end_quiet_secs,
            max_wait_secs=runner_args.max_wait_secs,
        )
    if isinstance(runner_args, WebSocketRunnerArguments):
        kind = runner_args.transport_type
        if kind is None:
            cli_kind = getattr(runner_args.cli_args, "transport", None)
            kind = "websocket" if cli_kind in ("websocket", "ws") else None
        if kind in ("websocket", "ws"):
            return _client_websocket(runner_args, transport_params)
        return await _telephony_websocket(runner_args, transport_params)
    if isinstance(runner_args, DailyRunnerArguments):
        params = _params(transport_params, "daily")
        module = import_plugin_module("daily")
        return module.DailyTransport(
            runner_args.room_url, runner_args.token, "Pipecat Bot", params=params
        )
    if isinstance(runner_args, LiveKitRunnerArguments):
        params = _params(transport_params, "livekit")
        module = import_plugin_module("livekit")
        return module.LiveKitTransport(
            url=runner_args.url,
            token=runner_args.token,
            room_name=runner_args.room_name,
            params=params,
        )
    raise ValueError(f"create_transport does not know {type(runner_args).__name__}")


def _websocket_params(params: Any, module: Any, **overrides: Any) -> Any:
    """``params`` as ``FastAPIWebsocketParams`` (plain ``TransportParams`` are converted)."""
    import msgspec

    cls = module.FastAPIWebsocketParams
    if not isinstance(params, cls):
        fields = {
            f.name: getattr(params, f.name)
            for f in msgspec.structs.fields(cls)
            if f.name in getattr(params, "__struct_fields__", ())
        }
        params = cls(**fields)
    return msgspec.structs.replace(params, **overrides) if overrides else params


def _client_websocket(
    runner_args: WebSocketRunnerArguments, transport_params: Mapping[str, ParamsSource]
) -> Any:
    module = import_plugin_module("websocket")
    params = _websocket_params(_params(transport_params, "websocket", fallback="webrtc"), module)
    if params.serializer is None:
        from voxpipe.serializers.protobuf import ProtobufFrameSerializer

        params = _websocket_params(params, module, serializer=ProtobufFrameSerializer())
    return module.FastAPIWebsocketTransport(websocket=runner_args.websocket, params=params)


async def _telephony_websocket(
    runner_args: WebSocketRunnerArguments, transport_params: Mapping[str, ParamsSource]
) -> Any:
    kind, call_data = await parse_telephony_websocket(runner_args.websocket)
    params = _params(transport_params, kind)
    serializers = import_plugin_module(kind)
    module = import_plugin_module("websocket")
    if kind == "twilio":
        serializer = serializers.TwilioFrameSerializer(
            stream_sid=call_data["stream_id"],
            call_sid=call_data["call_id"],
            account_sid=os.getenv("TWILIO_ACCOUNT_SID", ""),
            auth_token=os.getenv("TWILIO_AUTH_TOKEN", ""),
        )
    elif kind == "telnyx":
        serializer = serializers.TelnyxFrameSerializer(
            stream_id=call_data["stream_id"],
            call_control_id=call_data["call_control_id"],
            outbound_encoding=call_data["outbound_encoding"],
            inbound_encoding="PCMU",
            api_key=os.getenv("TELNYX_API_KEY", ""),
        )
    elif kind == "plivo":
        serializer = serializers.PlivoFrameSerializer(
            stream_id=call_data["stream_id"],
            call_id=call_data["call_id"],
            auth_id=os.getenv("PLIVO_AUTH_ID", ""),
            auth_token=os.getenv("PLIVO_AUTH_TOKEN", ""),
        )
    else:
        serializer = serializers.ExotelFrameSerializer(
            stream_sid=call_data["stream_id"], call_sid=call_data["call_id"]
        )
    params = _websocket_params(params, module, add_wav_header=False, serializer=serializer)
    return module.FastAPIWebsocketTransport(websocket=runner_args.websocket, params=params)


async def parse_telephony_websocket(websocket: Any, timeout: float = 10.0) -> tuple[str, dict]:
    """Read up to two text messages from a telephony media stream and name the provider.

    Args:
        websocket: An accepted FastAPI/Starlette ``WebSocket``.
        timeout: Seconds to wait for each message.

    Returns:
        ``(provider, call_data)``: provider is ``"twilio"``, ``"telnyx"``,
        ``"plivo"`` or ``"exotel"``; call_data holds the ids the serializer needs.

    Raises:
        ValueError: The socket closed first, or no message matched a provider.
    """
    import asyncio

    for _ in range(2):
        try:
            text = await asyncio.wait_for(websocket.receive_text(), timeout)
        except (asyncio.TimeoutError, RuntimeError) as exc:
            raise ValueError(f"no telephony start message: {exc or 'timed out'}") from exc
        except Exception as exc:  # the client disconnected
            raise ValueError(f"websocket closed before a start message: {exc}") from exc
        try:
            message = json.loads(text)
        except ValueError:
            continue
        found = _detect_provider(message if isinstance(message, dict) else {})
        if found is not None:
            return found
    raise ValueError("could not tell the telephony provider from the first two messages")


def _detect_provider(m: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    start = m.get("start") if isinstance(m.get("start"), dict) else {}
    if m.get("event") == "start" and start.get("streamSid") and start.get("callSid"):
        return "twilio", {
            "stream_id": start["streamSid"],
            "call_id": start["callSid"],
            "body": start.get("customParameters", {}),
        }
    if m.get("stream_id") and start.get("call_control_id"):
        return "telnyx", {
            "stream_id": m["stream_id"],
            "call_control_id": start["call_control_id"],
            "outbound_encoding": (start.get("media_format") or {}).get("encoding"),
            "from": start.get("from", ""),
            "to": start.get("to", ""),
        }
    if start.get("streamId") and start.get("callId"):
        return "plivo", {"stream_id": start["streamId"], "call_id": start["callId"]}
    if (
        m.get("event") == "start"
        and start.get("stream_sid")
        and start.get("call_sid")
        and start.get("account_sid")
    ):
        return "exotel", {
            "stream_id": start["stream_sid"],
            "call_id": start["call_sid"],
            "account_sid": start["account_sid"],
            "from": start.get("from", ""),
            "to": start.get("to", ""),
            "custom_parameters": start.get("custom_parameters", {}),
        }
    return None


def get_transport_client_id(transport: Any, client: Any) -> str:
    """The id of ``client`` as the transport names it (WebRTC pc_id, Daily participant id)."""
    pc_id = getattr(client, "pc_id", None)
    if pc_id is not None:
        return str(pc_id)
    if isinstance(client, Mapping) and "id" in client:
        return str(client["id"])
    logger.warning("get_transport_client_id: unknown client %r", type(client).__name__)
    return ""


async def maybe_capture_participant_camera(transport: Any, client: Any, framerate: int = 0) -> None:
    """Ask the transport for the client's camera, where it supports that (Daily, SmallWebRTC)."""
    capture = getattr(transport, "capture_participant_video", None)
    if capture is None:
        return
    if getattr(client, "pc_id", None) is not None:
        await capture(video_source="camera")
    else:
        await capture(get_transport_client_id(transport, client), framerate=framerate)


async def maybe_capture_participant_screen(transport: Any, client: Any, framerate: int = 0) -> None:
    """Ask the transport for the client's screen share, where it supports that."""
    capture = getattr(transport, "capture_participant_video", None)
    if capture is None:
        return
    if getattr(client, "pc_id", None) is not None:
        await capture(video_source="screenVideo")
    else:
        await capture(
            get_transport_client_id(transport, client),
            framerate=framerate,
            video_source="screenVideo",
        )
