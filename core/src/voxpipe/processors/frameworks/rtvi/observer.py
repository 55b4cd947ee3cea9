r"""``RTVIObserver``: turns pipeline frames into RTVI server messages.

``PipelineTask`` attaches one automatically (with ``rtvi_observer_params``).
It sends each message through its :class:`RTVIProcessor`, so the messages
reach the client by the same output transport as everything else.

Each frame is reported once, at its first push, even though it crosses
several processors; the two halves of a broadcast frame count as one. What
the bot says — ``TTSStarted/StoppedFrame``, ``TTSTextFrame`` (``bot-tts-text``
and ``bot-output`` with ``spoken=true``) and other ``AggregatedTextFrame``\\ s
(``bot-output`` with ``spoken=false``) — is reported when the output transport
passes it on, that is in step with the audio played before it (in a pipeline
without an output transport, at its first push).

Frame → message (flag in :class:`RTVIObserverParams`):

* ``User/BotStarted/StoppedSpeakingFrame`` → ``user-/bot-started/stopped-speaking``
  (``user_speaking_enabled`` / ``bot_speaking_enabled``)
* ``UserMuteStarted/StoppedFrame`` → ``user-mute-started/stopped`` (``user_mute_enabled``)
* ``TranscriptionFrame`` / ``InterimTranscriptionFrame`` → ``user-transcription``
  with ``final`` true / false (``user_transcription_enabled``)
* ``LLMContextFrame`` whose last message is the user's → ``user-llm-text`` (``user_llm_enabled``)
* ``LLMFullResponseStart/EndFrame``, ``LLMTextFrame`` → ``bot-llm-started/stopped``,
  ``bot-llm-text``, and the deprecated per-sentence ``bot-transcription`` (``bot_llm_enabled``)
* ``TTSStarted/StoppedFrame``, ``TTSTextFrame`` → ``bot-tts-started/stopped``,
  ``bot-tts-text`` (``bot_tts_enabled``)
* ``AggregatedTextFrame`` → ``bot-output`` (``bot_output_enabled``);
  ``skip_aggregator_types`` and ``bot_output_transforms`` apply to it and to ``bot-tts-text``
* ``FunctionCallsStarted/InProgress/Result/CancelFrame`` → ``llm-function-call-started/
  in-progress/stopped``, detail per ``function_call_report_level``
* ``MetricsFrame`` → ``metrics`` (``metrics_enabled``)
* ``InputAudioRawFrame`` / ``TTSAudioRawFrame`` → ``user-/bot-audio-level``, at most every
  ``audio_level_period_secs`` (``user_audio_level_enabled`` / ``bot_audio_level_enabled``)
* log records (INFO and above) → ``system-log`` (``system_logs_enabled``)
* ``RTVIServerMessageFrame`` → ``server-message``; ``RTVIServerResponseFrame`` →
  ``server-response`` or ``error-response`` (always)
"""

from __future__ import annotations

import inspect
import logging
import re
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from voxpipe.audio.utils import calculate_audio_volume
from voxpipe.frames import frames as F
from voxpipe.observers.base_observer import BaseObserver, FramePushed
from voxpipe.processors.frameworks.rtvi import models as m
from voxpipe.processors.frameworks.rtvi.models import RTVIFunctionCallReportLevel as Level
from voxpipe.processors.frameworks.rtvi._observer_params import (
    _METRIC_KEYS,
    _SPOKEN_ORDER,
    RTVIObserverParams,
    _route,
    _simple_message,
)
from voxpipe.transports.base_output import BaseOutputTransport

if TYPE_CHECKING:
    from voxpipe.processors.frame_processor import FrameProcessor
    from voxpipe.processors.frameworks.rtvi.processor import RTVIProcessor

__all__ = ["RTVIObserver", "RTVIObserverParams"]

logger = logging.getLogger("voxpipe")

_SENTENCE_END = re.compile(r"[.!?。！？](\s|$)")
_SEEN_CAP = 1024


class _LogForwarder(logging.Handler):
    def __init__(self, sink: deque[str]) -> None:
        super().__init__(logging.INFO)
        self._sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._sink.append(self.format(record))
        except Exception:  # a logging handler must never raise
            pass


class RTVIObserver(BaseObserver):
    """Sends RTVI messages for pipeline frames; see the module docstring.

    Args:
        rtvi: The processor the messages are sent through.
        params: What to send; defaults to :class:`RTVIObserverParams`.
        **kwargs: Passed to :class:`BaseObserver`.
    """

    def __init__(
        self, rtvi: RTVIProcessor, *, params: RTVIObserverParams | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._rtvi = rtvi
        self._params = params or RTVIObserverParams()
        self._ignored: set[int] = {id(p) for p in self._params.ignored_sources}
        self._seen: dict[int, None] = {}
        self._output_seen = False
        self._sentence = ""
        self._last_user_level = 0.0
        self._last_bot_level = 0.0
        self._logs: deque[str] = deque(maxlen=200)
        self._log_handler: _LogForwarder | None = None

    @property
    def params(self) -> RTVIObserverParams:
        """The observer's configuration."""
        return self._params

    def add_ignored_source(self, source: FrameProcessor) -> None:
        """Stop reporting frames pushed by ``source``."""
        self._ignored.add(id(source))

    def remove_ignored_source(self, source: FrameProcessor) -> None:
        """Report frames pushed by ``source`` again."""
        self._ignored.discard(id(source))

    async def send_message(self, message: m.RTVIServerMessageBase) -> None:
        """Send ``message`` to the client through the RTVI processor."""
        await self._rtvi.push_transport_message(message)

    # -- lifecycle ------------------------------------------------------------------------

    async def on_pipeline_started(self) -> None:
        """Start forwarding logs when ``system_logs_enabled``."""
        if self._params.system_logs_enabled and self._log_handler is None:
            self._log_handler = _LogForwarder(self._logs)
            logger.addHandler(self._log_handler)

    async def cleanup(self) -> None:
        """Stop forwarding logs."""
        if self._log_handler is not None:
            logger.removeHandler(self._log_handler)
            self._log_handler = None
        await super().cleanup()

    # -- dispatch ---------------------------------------------------------------------------

    async def on_push_frame(self, data: FramePushed) -> None:
        """Report ``data.frame`` if it is of interest and was not reported yet."""
        if self._logs:
            await self._flush_logs()
        if not self._output_seen and isinstance(data.source, BaseOutputTransport):
            self._output_seen = True
        frame = data.frame
        handler = _route(type(frame))
        if handler is None or id(data.source) in self._ignored:
            return
        if (
            handler in _SPOKEN_ORDER
            and self._output_seen
            and not isinstance(data.source, BaseOutputTransport)
        ):
            return  # reported when the output transport releases it, in step with audio
        seen = self._seen
        if frame.id in seen or (
            frame.broadcast_sibling_id is not None and frame.broadcast_sibling_id in seen
        ):
            return
        seen[frame.id] = None
        if len(seen) > _SEEN_CAP:
            del seen[next(iter(seen))]
        await getattr(self, handler)(frame)

    async def _flush_logs(self) -> None:
        while self._logs:
            await self.send_message(m.RTVISystemLogMessage(data=m._Text(text=self._logs.popleft())))

    # -- handlers -------------------------------------------------------------------------------

    async def _server_message(self, frame: F.RTVIServerMessageFrame) -> None:
        await self._rtvi.send_server_message(frame.data)

    async def _server_response(self, frame: F.RTVIServerResponseFrame) -> None:
        if frame.error is not None:
            await self._rtvi.send_error_response(frame.client_msg, frame.error)
        else:
            await self._rtvi.send_server_response(frame.client_msg, frame.data)

    async def _user_speaking(self, frame: F.Frame) -> None:
        if self._params.user_speaking_enabled:
            await self.send_message(_simple_message(frame))

    async def _bot_speaking(self, frame: F.Frame) -> None:
        if self._params.bot_speaking_enabled:
            await self.send_message(_simple_message(frame))

    async def _user_mute(self, frame: F.Frame) -> None:
        if self._params.user_mute_enabled:
            await self.send_message(_simple_message(frame))

    async def _transcription(
        self, frame: F.TranscriptionFrame | F.InterimTranscriptionFrame
    ) -> None:
        if self._params.user_transcription_enabled:
            data = m.RTVIUserTranscriptionMessageData(
                text=frame.text,
                user_id=str(frame.user_id or ""),
                timestamp=str(frame.timestamp or ""),
                final=isinstance(frame, F.TranscriptionFrame),
            )
            await self.send_message(m.RTVIUserTranscriptionMessage(data=data))

    async def _context(self, frame: F.LLMContextFrame) -> None:
        if not self._params.user_llm_enabled:
            return
        context = frame.context
        messages = (
            context.get_messages()
            if hasattr(context, "get_messages")
            else getattr(context, "messages", [])
        )
        if not messages:
            return
        last = messages[-1]
        if not isinstance(last, dict) or last.get("role") != "user":
            return
        content = last.get("content")
        if isinstance(content, list):
            content = " ".join(
                p.get("text", "")
                for p in content
                if isinstance(p, dict) and p.get("type") == "text"
            )
        if content:
            await self.send_message(m.RTVIUserLLMTextMessage(data=m._Text(text=str(content))))

    async def _llm_boundary(self, frame: F.Frame) -> None:
        if not self._params.bot_llm_enabled:
            return
        await self.send_message(_simple_message(frame))
        if isinstance(frame, F.LLMFullResponseEndFrame) and self._sentence.strip():
            await self._send_bot_transcription(self._sentence)
        self._sentence = ""

    async def _llm_text(self, frame: F.LLMTextFrame) -> None:
        if not self._params.bot_llm_enabled:
            return
        await self.send_message(m.RTVIBotLLMTextMessage(data=m._Text(text=frame.text)))
        self._sentence += frame.text
        match = _SENTENCE_END.search(self._sentence)
        if match:
            sentence, self._sentence = self._sentence[: match.end()], self._sentence[match.end() :]
            await self._send_bot_transcription(sentence)

    async def _send_bot_transcription(self, text: str) -> None:
        await self.send_message(m.RTVIBotTranscriptionMessage(data=m._Text(text=text.strip())))

    async def _tts_boundary(self, frame: F.Frame) -> None:
        if self._params.bot_tts_enabled:
            await self.send_message(_simple_message(frame))

    async def _spoken_text(self, frame: F.AggregatedTextFrame) -> None:
        kind = str(getattr(frame.aggregated_by, "value", frame.aggregated_by))
        skip = self._params.skip_aggregator_types
        if skip and kind in skip:
            return
        spoken = isinstance(frame, F.TTSTextFrame)
        if not (self._params.bot_output_enabled or (spoken and self._params.bot_tts_enabled)):
            return
        text = await self._transform(frame.text, kind)
        if spoken and self._params.bot_tts_enabled:
            await self.send_message(m.RTVIBotTTSTextMessage(data=m._Text(text=text)))
        if self._params.bot_output_enabled:
            data = m.RTVIBotOutputMessageData(text=text, spoken=spoken, aggregated_by=kind)
            await self.send_message(m.RTVIBotOutputMessage(data=data))

    async def _transform(self, text: str, kind: str) -> str:
        for wanted, fn in self._params.bot_output_transforms or ():
            if wanted == "*" or wanted == kind:
                result = fn(text, kind)
                text = await result if inspect.isawaitable(result) else result
        return text

    # -- function calls ------------------------------------------------------------------------

    def _level(self, function_name: str) -> Level:
        levels = self._params.function_call_report_level
        return Level(levels.get(function_name, levels.get("*", Level.NONE)))

    def _call_data(self, level: Level, name: str, tool_call_id: str | None, **full: Any) -> Any:
        data = m._FunctionCallData()
        if tool_call_id is not None:
            data.tool_call_id = tool_call_id
        if level in (Level.NAME, Level.FULL):
            data.function_name = name
        if level is Level.FULL:
            for key, value in full.items():
                setattr(data, key, value)
        return data

    async def _calls_started(self, frame: F.FunctionCallsStartedFrame) -> None:
        for call in frame.function_calls:
            level = self._level(call.function_name)
            if level is not Level.DISABLED:
                data = self._call_data(level, call.function_name, None)
                await self.send_message(m.RTVILLMFunctionCallStartedMessage(data=data))

    async def _call_in_progress(self, frame: F.FunctionCallInProgressFrame) -> None:
        level = self._level(frame.function_name)
        if level is not Level.DISABLED:
            data = self._call_data(
                level, frame.function_name, frame.tool_call_id, arguments=frame.arguments
            )
            await self.send_message(m.RTVILLMFunctionCallInProgressMessage(data=data))

    async def _call_result(self, frame: F.FunctionCallResultFrame) -> None:
        level = self._level(frame.function_name)
        if level is not Level.DISABLED:
            data = self._call_data(
                level, frame.function_name, frame.tool_call_id, result=frame.result
            )
            data.cancelled = False
            await self.send_message(m.RTVILLMFunctionCallStoppedMessage(data=data))

    async def _call_cancel(self, frame: F.FunctionCallCancelFrame) -> None:
        level = self._level(frame.function_name)
        if level is not Level.DISABLED:
            data = self._call_data(level, frame.function_name, frame.tool_call_id)
            data.cancelled = True
            await self.send_message(m.RTVILLMFunctionCallStoppedMessage(data=data))

    # -- metrics and audio levels ----------------------------------------------------------------

    async def _metrics(self, frame: F.MetricsFrame) -> None:
        if not self._params.metrics_enabled:
            return
        out: dict[str, list[dict[str, Any]]] = {}
        for item in frame.data:
            key = next((k for cls, k in _METRIC_KEYS if isinstance(item, cls)), None)
            if key is not None:
                out.setdefault(key, []).append(item.model_dump(exclude_none=True))
        if out:
            await self.send_message(m.RTVIMetricsMessage(data=out))

    async def _user_audio(self, frame: F.InputAudioRawFrame) -> None:
        self._seen.pop(frame.id, None)  # audio frames are not worth remembering
        if not self._params.user_audio_level_enabled or frame.num_channels != 1:
            return
        now = time.monotonic()
        if now - self._last_user_level >= self._params.audio_level_period_secs:
            self._last_user_level = now
            level = calculate_audio_volume(frame.audio, frame.sample_rate)
            await self.send_message(m.RTVIUserAudioLevelMessage(data=m._Level(value=level)))

    async def _bot_audio(self, frame: F.TTSAudioRawFrame) -> None:
        self._seen.pop(frame.id, None)
        if not self._params.bot_audio_level_enabled or frame.num_channels != 1:
            return
        now = time.monotonic()
        if now - self._last_bot_level >= self._params.audio_level_period_secs:
            self._last_bot_level = now
            level = calculate_audio_volume(frame.audio, frame.sample_rate)
            await self.send_message(m.RTVIBotAudioLevelMessage(data=m._Level(value=level)))
