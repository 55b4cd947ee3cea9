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

from voxpipe.processors.frameworks.rtvi._wire import (
    MESSAGE_LABEL,
    PROTOCOL_VERSION,
    RTVIAppendToContextData,
    RTVIClientMessage,
    RTVIClientReadyData,
    RTVIFunctionCallReportLevel,
    RTVILLMFunctionCallResultData,
    RTVIMessage,
    RTVIRawAudioData,
    RTVIRawClientMessageData,
    RTVISendTextData,
    RTVISendTextOptions,
    encode_message,
    to_message_dict,
)


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
