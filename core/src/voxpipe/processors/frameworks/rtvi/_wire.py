"""RTVI wire basics: constants, the shared JSON codec, and the client → server payloads.

Re-exported by :mod:`voxpipe.processors.frameworks.rtvi.models`; import from there.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

#: The RTVI protocol version this server speaks (the one client-js 1.x sends).
PROTOCOL_VERSION = "1.2.0"
#: The ``label`` of every RTVI message; other messages are not RTVI.
MESSAGE_LABEL = "rtvi-ai"

_encoder = msgspec.json.Encoder()
json_decoder = msgspec.json.Decoder()


class RTVIFunctionCallReportLevel(str, Enum):
    """How much of a function call the ``llm-function-call-*`` messages reveal.

    ``DISABLED``: no messages; ``NONE``: ``tool_call_id`` only; ``NAME``: plus
    ``function_name``; ``FULL``: plus ``arguments`` and ``result``.
    """

    DISABLED = "disabled"
    NONE = "none"
    NAME = "name"
    FULL = "full"


# -- client → server ---------------------------------------------------------------------


class RTVIMessage(msgspec.Struct, kw_only=True):
    """A message from the client: the envelope, with ``data`` still untyped.

    Attributes:
        type: The message type, e.g. ``"client-ready"``.
        id: The client's message id; replies echo it.
        label: Always ``"rtvi-ai"``.
        data: The payload, validated per type by the processor.
    """

    type: str
    id: str
    label: str = MESSAGE_LABEL
    data: Any = None


class RTVIClientReadyData(msgspec.Struct, kw_only=True):
    """``client-ready`` data: the client's protocol version and library details."""

    version: str | UnsetType = UNSET
    about: dict[str, Any] | UnsetType = UNSET


class RTVIRawClientMessageData(msgspec.Struct, kw_only=True):
    """``client-message`` data: ``t`` is the app's message type, ``d`` its payload."""

    t: str
    d: Any = None


class RTVISendTextOptions(msgspec.Struct, kw_only=True):
    """``send-text`` options: interrupt and run the LLM now; answer with audio."""

    run_immediately: bool = True
    audio_response: bool = True


class RTVISendTextData(msgspec.Struct, kw_only=True):
    """``send-text`` data: text typed by the user."""

    content: str
    options: RTVISendTextOptions | None = None


class RTVILLMFunctionCallResultData(msgspec.Struct, kw_only=True):
    """``llm-function-call-result`` data: the result of a call the client ran."""

    function_name: str
    tool_call_id: str
    result: Any
    arguments: dict[str, Any] = {}


class RTVIAppendToContextData(msgspec.Struct, kw_only=True):
    """Deprecated ``append-to-context`` data."""

    role: str
    content: Any
    run_immediately: bool = False


class RTVIRawAudioData(msgspec.Struct, kw_only=True, rename="camel"):
    """``raw-audio`` / ``raw-audio-batch`` data: base64 PCM from the client."""

    sample_rate: int
    num_channels: int = 1
    base64_audio: str | UnsetType = UNSET
    base64_audio_batch: list[str] | UnsetType = UNSET


class RTVIClientMessage(msgspec.Struct, kw_only=True):
    """A ``client-message`` as handed to ``on_client_message`` handlers.

    Attributes:
        msg_id: The client's message id (replies echo it).
        type: The app's message type (``t``).
        data: The app's payload (``d``).
    """

    msg_id: str
    type: str
    data: Any = None


# -- codec -------------------------------------------------------------------------------------


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def to_message_dict(
    message: msgspec.Struct | dict[str, Any], *, exclude_none: bool = True
) -> dict[str, Any]:
    """The plain dict for ``message`` (UNSET fields left out; None values too when ``exclude_none``)."""
    data = message if isinstance(message, dict) else msgspec.to_builtins(message)
    return _drop_none(data) if exclude_none else data


def encode_message(message: msgspec.Struct | dict[str, Any]) -> bytes:
    """JSON bytes for ``message`` with the shared encoder."""
    return _encoder.encode(message)
