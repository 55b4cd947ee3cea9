r"""RTVI wire messages as :class:`msgspec.Struct`\\ s, and the one codec they share.

Every message is the envelope ``{"label": "rtvi-ai", "type": ..., "id"?: ..., "data"?: ...}``.
Server messages are tagged structs: the ``type`` key comes from the class's tag,
``id`` appears only on replies (it echoes the client's request ``id``), and
optional data fields left :data:`msgspec.UNSET` are omitted from the wire.
:func:`to_message_dict` turns one into the plain dict an
``OutputTransportMessage[Urgent]Frame`` carries; :func:`encode_message` gives JSON bytes.

Errors carry the text under both ``error`` (what the server has always sent)
and ``message`` (what the client SDKs document) so every client reads it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

__all__ = [
    "MESSAGE_LABEL",
    "PROTOCOL_VERSION",
    "RTVIAboutBot",
    "RTVIAppendToContextData",
    "RTVIBotLLMSearchResponseMessage",
    "RTVIBotLLMStartedMessage",
    "RTVIBotLLMStoppedMessage",
    "RTVIBotLLMTextMessage",
    "RTVIBotOutputMessage",
    "RTVIBotOutputMessageData",
    "RTVIBotReadyData",
    "RTVIBotReadyMessage",
    "RTVIBotStartedSpeakingMessage",
    "RTVIBotStoppedSpeakingMessage",
    "RTVIBotTTSAudioMessage",
    "RTVIBotTTSStartedMessage",
    "RTVIBotTTSStoppedMessage",
    "RTVIBotTTSTextMessage",
    "RTVIBotTranscriptionMessage",
    "RTVIBotAudioLevelMessage",
    "RTVIClientMessage",
    "RTVIClientReadyData",
    "RTVIError",
    "RTVIErrorData",
    "RTVIErrorResponse",
    "RTVIErrorResponseData",
    "RTVIFunctionCallReportLevel",
    "RTVILLMFunctionCallInProgressMessage",
    "RTVILLMFunctionCallMessage",
    "RTVILLMFunctionCallResultData",
    "RTVILLMFunctionCallStartedMessage",
    "RTVILLMFunctionCallStoppedMessage",
    "RTVIMessage",
    "RTVIMetricsMessage",
    "RTVIRawAudioData",
    "RTVIRawClientMessageData",
    "RTVIRawServerResponseData",
    "RTVISendTextData",
    "RTVISendTextOptions",
    "RTVIServerMessage",
    "RTVIServerResponse",
    "RTVIServerMessageBase",
    "RTVISystemLogMessage",
    "RTVIUserAudioLevelMessage",
    "RTVIUserLLMTextMessage",
    "RTVIUserMuteStartedMessage",
    "RTVIUserMuteStoppedMessage",
    "RTVIUserStartedSpeakingMessage",
    "RTVIUserStoppedSpeakingMessage",
    "RTVIUserTranscriptionMessage",
    "encode_message",
    "to_message_dict",
]

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


# -- server → client ------------------------------------------------------------------------


class RTVIServerMessageBase(msgspec.Struct, kw_only=True, tag_field="type"):
    """Base of server messages; subclasses set ``tag`` to the wire ``type``."""

    label: str = MESSAGE_LABEL

    @property
    def type(self) -> str:
        """The wire ``type`` of this message."""
        return str(self.__struct_config__.tag)


class _Reply(RTVIServerMessageBase, kw_only=True):
    id: str | UnsetType = UNSET


class RTVIAboutBot(msgspec.Struct, kw_only=True):
    """``bot-ready`` ``about``: the server library."""

    library: str
    library_version: str | UnsetType = UNSET


class RTVIBotReadyData(msgspec.Struct, kw_only=True):
    """``bot-ready`` data (``config`` only for pre-1.0 clients)."""

    version: str
    about: Any = UNSET
    config: list[Any] | UnsetType = UNSET


class RTVIBotReadyMessage(_Reply, kw_only=True, tag="bot-ready"):
    """The answer to ``client-ready``."""

    data: RTVIBotReadyData


class RTVIErrorData(msgspec.Struct, kw_only=True):
    """``error`` data; ``fatal`` errors make the client disconnect."""

    error: str
    message: str
    fatal: bool = False


class RTVIError(RTVIServerMessageBase, kw_only=True, tag="error"):
    """An error not tied to a request."""

    data: RTVIErrorData


class RTVIErrorResponseData(msgspec.Struct, kw_only=True):
    """``error-response`` data."""

    error: str
    message: str


class RTVIErrorResponse(_Reply, kw_only=True, tag="error-response"):
    """A failed answer to a client request (same ``id``)."""

    data: RTVIErrorResponseData


class RTVIRawServerResponseData(msgspec.Struct, kw_only=True):
    """``server-response`` data: ``t`` echoes the request type, ``d`` is the answer."""

    t: str
    d: Any = None


class RTVIServerResponse(_Reply, kw_only=True, tag="server-response"):
    """A successful answer to a ``client-message`` (same ``id``)."""

    data: RTVIRawServerResponseData


class RTVIServerMessage(RTVIServerMessageBase, kw_only=True, tag="server-message"):
    """An unsolicited app message; ``data`` is whatever the server sends."""

    data: Any = None


class _Text(msgspec.Struct, kw_only=True):
    text: str


class _Level(msgspec.Struct, kw_only=True):
    value: float


class RTVIUserStartedSpeakingMessage(
    RTVIServerMessageBase, kw_only=True, tag="user-started-speaking"
):
    """The user started speaking."""


class RTVIUserStoppedSpeakingMessage(
    RTVIServerMessageBase, kw_only=True, tag="user-stopped-speaking"
):
    """The user stopped speaking."""


class RTVIBotStartedSpeakingMessage(
    RTVIServerMessageBase, kw_only=True, tag="bot-started-speaking"
):
    """The bot started speaking."""


class RTVIBotStoppedSpeakingMessage(
    RTVIServerMessageBase, kw_only=True, tag="bot-stopped-speaking"
):
    """The bot stopped speaking."""


class RTVIUserMuteStartedMessage(RTVIServerMessageBase, kw_only=True, tag="user-mute-started"):
    """The user's input is muted."""


class RTVIUserMuteStoppedMessage(RTVIServerMessageBase, kw_only=True, tag="user-mute-stopped"):
    """The user's input is no longer muted."""


class RTVIUserTranscriptionMessageData(msgspec.Struct, kw_only=True):
    """``user-transcription`` data; ``final`` is False for interim results."""

    text: str
    user_id: str
    timestamp: str
    final: bool


class RTVIUserTranscriptionMessage(RTVIServerMessageBase, kw_only=True, tag="user-transcription"):
    """A transcription of the user's speech."""

    data: RTVIUserTranscriptionMessageData


class RTVIUserLLMTextMessage(RTVIServerMessageBase, kw_only=True, tag="user-llm-text"):
    """The user text the LLM is about to answer."""

    data: _Text


class RTVIBotLLMStartedMessage(RTVIServerMessageBase, kw_only=True, tag="bot-llm-started"):
    """The LLM started a response."""


class RTVIBotLLMStoppedMessage(RTVIServerMessageBase, kw_only=True, tag="bot-llm-stopped"):
    """The LLM finished a response."""


class RTVIBotLLMTextMessage(RTVIServerMessageBase, kw_only=True, tag="bot-llm-text"):
    """A streamed LLM token chunk."""

    data: _Text


class RTVIBotTranscriptionMessage(RTVIServerMessageBase, kw_only=True, tag="bot-transcription"):
    """Deprecated: one sentence of LLM output (use ``bot-output``)."""

    data: _Text


class RTVIBotOutputMessageData(msgspec.Struct, kw_only=True):
    """``bot-output`` data: what the bot said (``spoken``) or produced as text."""

    text: str
    spoken: bool
    aggregated_by: str


class RTVIBotOutputMessage(RTVIServerMessageBase, kw_only=True, tag="bot-output"):
    """Bot output text, in step with speech."""

    data: RTVIBotOutputMessageData


class RTVIBotTTSStartedMessage(RTVIServerMessageBase, kw_only=True, tag="bot-tts-started"):
    """TTS started a response."""


class RTVIBotTTSStoppedMessage(RTVIServerMessageBase, kw_only=True, tag="bot-tts-stopped"):
    """TTS finished a response."""


class RTVIBotTTSTextMessage(RTVIServerMessageBase, kw_only=True, tag="bot-tts-text"):
    """Text as it is spoken."""

    data: _Text


class RTVIAudioMessageData(msgspec.Struct, kw_only=True):
    """``bot-tts-audio`` data: base64 PCM."""

    audio: str
    sample_rate: int
    num_channels: int


class RTVIBotTTSAudioMessage(RTVIServerMessageBase, kw_only=True, tag="bot-tts-audio"):
    """TTS audio (defined by the protocol; the observer does not send it)."""

    data: RTVIAudioMessageData


class _FunctionCallData(msgspec.Struct, kw_only=True):
    tool_call_id: str | UnsetType = UNSET
    function_name: str | UnsetType = UNSET
    arguments: Any = UNSET
    cancelled: bool | UnsetType = UNSET
    result: Any = UNSET


class RTVILLMFunctionCallStartedMessage(
    RTVIServerMessageBase, kw_only=True, tag="llm-function-call-started"
):
    """A function call is about to run."""

    data: _FunctionCallData


class RTVILLMFunctionCallInProgressMessage(
    RTVIServerMessageBase, kw_only=True, tag="llm-function-call-in-progress"
):
    """A function call is running (clients with a handler for the name run it)."""

    data: _FunctionCallData


class RTVILLMFunctionCallStoppedMessage(
    RTVIServerMessageBase, kw_only=True, tag="llm-function-call-stopped"
):
    """A function call finished or was cancelled."""

    data: _FunctionCallData


class _LegacyFunctionCallData(msgspec.Struct, kw_only=True):
    function_name: str
    tool_call_id: str
    args: Any


class RTVILLMFunctionCallMessage(RTVIServerMessageBase, kw_only=True, tag="llm-function-call"):
    """Deprecated since 0.0.102: ask the client to run a function."""

    data: _LegacyFunctionCallData


class RTVIMetricsMessage(RTVIServerMessageBase, kw_only=True, tag="metrics"):
    """Metrics: ``{"ttfb": [...], "processing": [...], "tokens": [...], "characters": [...]}``."""

    data: dict[str, Any]


class RTVIUserAudioLevelMessage(RTVIServerMessageBase, kw_only=True, tag="user-audio-level"):
    """The user's audio level (0-1)."""

    data: _Level


class RTVIBotAudioLevelMessage(RTVIServerMessageBase, kw_only=True, tag="bot-audio-level"):
    """The bot's audio level (0-1)."""

    data: _Level


class RTVISystemLogMessage(RTVIServerMessageBase, kw_only=True, tag="system-log"):
    """A server log line."""

    data: _Text


class RTVIBotLLMSearchResponseMessage(
    RTVIServerMessageBase, kw_only=True, tag="bot-llm-search-response"
):
    """Search grounding results (sent by provider observers such as Google's)."""

    data: dict[str, Any]


# -- codec -------------------------------------------------------------------------------------


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def to_message_dict(
    message: RTVIServerMessageBase | dict[str, Any], *, exclude_none: bool = True
) -> dict[str, Any]:
    """The plain dict for ``message`` (UNSET fields left out; None values too when ``exclude_none``)."""
    data = message if isinstance(message, dict) else msgspec.to_builtins(message)
    return _drop_none(data) if exclude_none else data


def encode_message(message: RTVIServerMessageBase | dict[str, Any]) -> bytes:
    """JSON bytes for ``message`` with the shared encoder."""
    return _encoder.encode(message)
