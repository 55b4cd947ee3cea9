r"""``RTVIProcessor``: the server end of the RTVI protocol.

It sits at the head of the pipeline (``PipelineTask`` puts it there) and
receives the client's messages as ``InputTransportMessageFrame``\\ s, which
the input transport broadcasts. It answers by pushing
``OutputTransportMessageUrgentFrame``\\ s downstream to the output transport.

Client → server messages it handles:

==========================  ===================================================
``client-ready``            start input audio, fire ``on_client_ready``; the
                            task's default handler answers ``bot-ready``
``client-message``          push ``RTVIClientMessageFrame``, fire ``on_client_message``
``send-text``               interrupt (``run_immediately``), append the text as a
                            user message, optionally without speech
``llm-function-call-result``  push ``FunctionCallResultFrame``
``disconnect-bot``          push ``EndTaskFrame`` upstream (the bot leaves)
``append-to-context``       deprecated: push ``LLMMessagesAppendFrame``
``raw-audio[-batch]``       feed base64 PCM to the input transport
``action``, ``describe-*``, deprecated actions/services API (see ``_legacy``)
``get-config``, ``update-config``
==========================  ===================================================

Bad input never ends the session: text that is not JSON, or an ``rtvi-ai``
message without ``type``/``id``, gets an ``error`` message; an unknown type an
``error-response`` ("Unsupported type ..."); a known type with bad data an
``error-response`` ("Invalid message: ..."). Messages whose ``label`` is not
``rtvi-ai`` are not RTVI and are ignored. ``ErrorFrame``\\ s reaching the
processor upstream are reported to the client as ``error`` messages.

Events: ``on_client_ready(rtvi)``, ``on_client_message(rtvi, RTVIClientMessage)``,
``on_bot_started(rtvi)`` (when the pipeline started).
"""

from __future__ import annotations

import base64
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import UNSET

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    EndTaskFrame,
    ErrorFrame,
    FunctionCallResultFrame,
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterruptionTaskFrame,
    LLMConfigureOutputFrame,
    LLMMessagesAppendFrame,
    OutputTransportMessageUrgentFrame,
    RTVIClientMessageFrame,
    StartFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.processors.frameworks.rtvi import _legacy
from voxpipe.processors.frameworks.rtvi._wire import json_decoder
from voxpipe.processors.frameworks.rtvi.models import (
    MESSAGE_LABEL,
    PROTOCOL_VERSION,
    RTVIAppendToContextData,
    RTVIBotReadyData,
    RTVIBotReadyMessage,
    RTVIClientMessage,
    RTVIClientReadyData,
    RTVIError,
    RTVIErrorData,
    RTVIErrorResponse,
    RTVIErrorResponseData,
    RTVILLMFunctionCallMessage,
    RTVILLMFunctionCallResultData,
    RTVIMessage,
    RTVIRawAudioData,
    RTVIRawClientMessageData,
    RTVIRawServerResponseData,
    RTVISendTextData,
    RTVISendTextOptions,
    RTVIServerMessage,
    RTVIServerMessageBase,
    RTVIServerResponse,
    to_message_dict,
)
from voxpipe.transports.base_input import BaseInputTransport

if TYPE_CHECKING:
    from voxpipe.processors.frameworks.rtvi.observer import RTVIObserver, RTVIObserverParams

__all__ = ["RTVIProcessor"]

logger = logging.getLogger("voxpipe")

_DOWN = FrameDirection.DOWNSTREAM
_UP = FrameDirection.UPSTREAM


def _library_about() -> dict[str, str]:
    from voxpipe import __version__

    return {"library": "voxpipe", "library_version": __version__}


def _version_tuple(version: Any) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in str(version).split(".")[:3])
    except ValueError:
        return None


class RTVIProcessor(FrameProcessor, _legacy.LegacyRegistry):
    """Handles RTVI client messages and sends server messages; see the module docstring.

    Args:
        transport: Deprecated: the transport whose input receives client audio.
            The processor finds input transports downstream by itself.
        **kwargs: Passed to :class:`FrameProcessor` (e.g. ``name``).
    """

    def __init__(self, *, transport: Any = None, **kwargs: Any) -> None:
        kwargs.pop("config", None)  # deprecated RTVIConfig: services configure themselves now
        super().__init__(**kwargs)
        _legacy.LegacyRegistry.__init__(self)
        self._transport = transport
        self._client_ready = False
        self._bot_ready = False
        self._client_ready_id: str | None = None
        self._bot_ready_for: str | None = None
        self._client_version: tuple[int, ...] | None = None
        self._client_about: dict[str, Any] | None = None
        self._handlers: dict[str, Callable[[RTVIMessage], Awaitable[None]]] = {
            "client-ready": self._on_client_ready,
            "client-message": self._on_client_message,
            "send-text": self._on_send_text,
            "llm-function-call-result": self._on_function_call_result,
            "disconnect-bot": self._on_disconnect_bot,
            "append-to-context": self._on_append_to_context,
            "raw-audio": self._on_raw_audio,
            "raw-audio-batch": self._on_raw_audio,
            **self._legacy_handlers(),
        }
        self._register_event_handler("on_client_ready")
        self._register_event_handler("on_client_message")
        self._register_event_handler("on_bot_started")

    # -- state ----------------------------------------------------------------------------

    @property
    def client_ready(self) -> bool:
        """Whether the client sent ``client-ready``."""
        return self._client_ready

    @property
    def bot_ready(self) -> bool:
        """Whether ``bot-ready`` was sent."""
        return self._bot_ready

    @property
    def client_version(self) -> tuple[int, ...] | None:
        """The client's protocol version from ``client-ready``, if it sent one."""
        return self._client_version

    @property
    def client_about(self) -> dict[str, Any] | None:
        """The client's ``about`` from ``client-ready`` (library, platform ...)."""
        return self._client_about

    def create_rtvi_observer(
        self, *, params: RTVIObserverParams | None = None, **kwargs: Any
    ) -> RTVIObserver:
        """The observer that turns pipeline frames into messages for this processor.

        Subclasses (e.g. a provider's RTVI processor) return their own observer type.
        """
        from voxpipe.processors.frameworks.rtvi.observer import RTVIObserver

        return RTVIObserver(self, params=params, **kwargs)

    # -- sending ------------------------------------------------------------------------------

    async def push_transport_message(
        self, model: RTVIServerMessageBase | dict[str, Any], exclude_none: bool = True
    ) -> None:
        """Send ``model`` to the client now (as an ``OutputTransportMessageUrgentFrame`` downstream)."""
        await self.push_frame(
            OutputTransportMessageUrgentFrame(
                message=to_message_dict(model, exclude_none=exclude_none)
            )
        )

    async def set_client_ready(self) -> None:
        """Mark the client ready and fire ``on_client_ready``."""
        self._client_ready = True
        await self._call_event_handler("on_client_ready")

    async def set_bot_ready(self, about: dict[str, Any] | None = None) -> None:
        """Send ``bot-ready`` (protocol version, ``about``), echoing the ``client-ready`` id.

        Sent once per ``client-ready``: a second call for the same request (the
        task's default handler plus a user handler) is ignored.
        """
        if (
            self._bot_ready
            and self._client_ready_id is not None
            and self._bot_ready_for == self._client_ready_id
        ):
            logger.debug(
                "%s: bot-ready already sent for client-ready %s", self, self._client_ready_id
            )
            return
        self._bot_ready = True
        self._bot_ready_for = self._client_ready_id
        data = RTVIBotReadyData(version=PROTOCOL_VERSION, about=about or _library_about())
        if self._client_version is not None and self._client_version[:1] < (1,):
            data.config = self._legacy_config()
        message = RTVIBotReadyMessage(id=self._client_ready_id or UNSET, data=data)
        await self.push_transport_message(message)

    async def interrupt_bot(self) -> None:
        """Interrupt the bot (asks the pipeline task for an ``InterruptionFrame``)."""
        await self.push_frame(InterruptionTaskFrame(), _UP)

    async def send_server_message(self, data: Any) -> None:
        """Send an unsolicited ``server-message`` with ``data``."""
        await self.push_transport_message(RTVIServerMessage(data=data), exclude_none=False)

    async def send_server_response(
        self, client_msg: RTVIClientMessage | RTVIClientMessageFrame, data: Any
    ) -> None:
        """Answer a ``client-message`` with ``server-response`` (same id, ``{"t", "d"}``)."""
        response = RTVIServerResponse(
            id=client_msg.msg_id, data=RTVIRawServerResponseData(t=client_msg.type, d=data)
        )
        await self.push_transport_message(response, exclude_none=False)

    async def send_error_response(
        self, client_msg: RTVIClientMessage | RTVIClientMessageFrame, error: str
    ) -> None:
        """Answer a ``client-message`` with ``error-response`` (same id)."""
        await self._send_error_response(client_msg.msg_id, error)

    async def _send_error_response(self, msg_id: str | None, error: str) -> None:
        data = RTVIErrorResponseData(error=error, message=error)
        await self.push_transport_message(
            RTVIErrorResponse(id=msg_id if msg_id is not None else UNSET, data=data)
        )

    async def send_error(self, error: str, fatal: bool = False) -> None:
        """Send an ``error`` message (``fatal`` makes the client disconnect)."""
        await self.push_transport_message(
            RTVIError(data=RTVIErrorData(error=error, message=error, fatal=fatal))
        )

    async def handle_function_call(self, params: Any = None, **kwargs: Any) -> None:
        """Deprecated since 0.0.102: ask the client to run a function (``llm-function-call``).

        Accepts function-call params (``function_name``, ``tool_call_id``,
        ``arguments`` attributes) or the same names as keywords.
        """
        warnings.warn(
            "RTVIProcessor.handle_function_call is deprecated; clients run functions on "
            "llm-function-call-in-progress (RTVIObserver sends it)",
            DeprecationWarning,
            stacklevel=2,
        )

        def pick(name: str) -> Any:
            return kwargs[name] if name in kwargs else getattr(params, name, None)

        message = RTVILLMFunctionCallMessage(
            data=_legacy.function_call_data(
                pick("function_name"), pick("tool_call_id"), pick("arguments")
            )
        )
        await self.push_transport_message(message)

    # -- receiving ------------------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Consume client messages, report upstream errors, pass everything else on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, InputTransportMessageFrame):
            await self._handle_transport_message(frame.message)
            return
        if isinstance(frame, ErrorFrame) and direction is _UP:
            await self.send_error(frame.error, fatal=frame.fatal)
        await self.push_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self._call_event_handler("on_bot_started")

    async def _handle_transport_message(self, raw: Any) -> None:
        if isinstance(raw, (str, bytes, bytearray)):
            try:
                raw = json_decoder.decode(raw)
            except msgspec.DecodeError as exc:
                await self.send_error(f"Invalid RTVI transport message: not JSON ({exc})")
                return
        if not isinstance(raw, dict) or raw.get("label") != MESSAGE_LABEL:
            logger.debug("%s: ignoring a transport message that is not RTVI: %r", self, raw)
            return
        try:
            message = msgspec.convert(raw, RTVIMessage)
        except msgspec.ValidationError as exc:
            await self.send_error(f"Invalid RTVI transport message: {exc}")
            return
        await self.handle_message(message)

    async def handle_message(self, message: RTVIMessage) -> None:
        """Act on one client message; problems are answered, never raised."""
        handler = self._handlers.get(message.type)
        if handler is None:
            await self._send_error_response(message.id, f"Unsupported type {message.type}")
            return
        try:
            await handler(message)
        except msgspec.ValidationError as exc:
            await self._send_error_response(message.id, f"Invalid message: {exc}")
        except Exception as exc:
            logger.exception("%s: error handling RTVI %s", self, message.type)
            await self._send_error_response(message.id, f"Error handling {message.type}: {exc}")

    # -- one handler per message type ---------------------------------------------------------------

    async def _on_client_ready(self, message: RTVIMessage) -> None:
        data = msgspec.convert(message.data or {}, RTVIClientReadyData)
        if data.version is not UNSET:
            self._client_version = _version_tuple(data.version)
        if data.about is not UNSET:
            self._client_about = data.about
        self._client_ready_id = message.id
        for transport in self._input_transports():
            await transport.start_audio_in_streaming()
        await self.set_client_ready()

    async def _on_client_message(self, message: RTVIMessage) -> None:
        data = msgspec.convert(message.data, RTVIRawClientMessageData)
        await self.push_frame(RTVIClientMessageFrame(msg_id=message.id, type=data.t, data=data.d))
        await self._call_event_handler(
            "on_client_message", RTVIClientMessage(msg_id=message.id, type=data.t, data=data.d)
        )

    async def _on_send_text(self, message: RTVIMessage) -> None:
        data = msgspec.convert(message.data, RTVISendTextData)
        opts = data.options or RTVISendTextOptions()
        if opts.run_immediately:
            await self.interrupt_bot()
        if not opts.audio_response:
            await self.push_frame(LLMConfigureOutputFrame(skip_tts=True))
        await self.push_frame(
            LLMMessagesAppendFrame(
                messages=[{"role": "user", "content": data.content}], run_llm=opts.run_immediately
            )
        )
        if not opts.audio_response:
            await self.push_frame(LLMConfigureOutputFrame(skip_tts=False))

    async def _on_function_call_result(self, message: RTVIMessage) -> None:
        data = msgspec.convert(message.data, RTVILLMFunctionCallResultData)
        await self.push_frame(
            FunctionCallResultFrame(
                function_name=data.function_name,
                tool_call_id=data.tool_call_id,
                arguments=data.arguments,
                result=data.result,
            )
        )

    async def _on_disconnect_bot(self, message: RTVIMessage) -> None:
        await self.push_frame(EndTaskFrame(reason="client sent disconnect-bot"), _UP)

    async def _on_append_to_context(self, message: RTVIMessage) -> None:
        logger.warning(
            "%s: RTVI append-to-context is deprecated; clients should use send-text", self
        )
        data = msgspec.convert(message.data, RTVIAppendToContextData)
        await self.push_frame(
            LLMMessagesAppendFrame(
                messages=[{"role": data.role, "content": data.content}],
                run_llm=data.run_immediately,
            )
        )

    async def _on_raw_audio(self, message: RTVIMessage) -> None:
        data = msgspec.convert(message.data, RTVIRawAudioData)
        chunks = [data.base64_audio] if data.base64_audio is not UNSET else []
        if data.base64_audio_batch is not UNSET:
            chunks.extend(data.base64_audio_batch)
        transports = self._input_transports()
        for chunk in chunks:
            audio = base64.b64decode(chunk, validate=True)
            frame = InputAudioRawFrame(
                audio=audio, sample_rate=data.sample_rate, num_channels=data.num_channels
            )
            if transports:
                await transports[0].push_audio_frame(frame)
            else:
                await self.push_frame(frame)

    def _input_transports(self) -> list[BaseInputTransport]:
        if self._transport is not None:
            candidate = self._transport.input()
            return [candidate] if isinstance(candidate, BaseInputTransport) else []
        found: list[BaseInputTransport] = []
        node, hops = self.next, 0
        while node is not None and hops < 10_000:
            if isinstance(node, BaseInputTransport):
                found.append(node)
            node, hops = node.next, hops + 1
        return found
