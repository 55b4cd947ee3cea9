"""Text-to-speech service base: :class:`TTSService` and :class:`TextAggregationMode`.

A plugin implements :meth:`TTSService.run_tts`, an async generator that
synthesizes one piece of text and yields ``TTSAudioRawFrame``s (at
:attr:`TTSService.sample_rate`). The base does the rest:

* text in: ``TextFrame``/``LLMTextFrame`` are aggregated into sentences
  (``TextAggregationMode.SENTENCE``, the default) or spoken token by token
  (``TOKEN``); the remainder is flushed on ``LLMFullResponseEndFrame`` and
  ``EndFrame``. ``AggregatedTextFrame``s (from an ``LLMTextProcessor``) are
  spoken as they are, unless their type is in ``skip_aggregator_types``.
  ``TTSSpeakFrame`` is spoken at once as a context of its own.
* each piece: ``text_filters`` then ``text_transforms`` apply, the
  ``on_tts_request(service, context_id, text)`` event fires, TTFB runs from
  the request to the first audio frame.
* frames out, per context (one LLM response or one ``TTSSpeakFrame``):
  ``TTSStartedFrame``, then for each piece its audio and a ``TTSTextFrame``
  with the text spoken, then ``TTSStoppedFrame``.
* an ``InterruptionFrame`` cancels synthesis in flight, drops pending text
  and discards late audio of the interrupted context.

Streaming (websocket) services that receive audio on their own task push
``TTSAudioRawFrame``s with the request's ``context_id``; audio for a context
that is no longer active (interrupted) is dropped by :meth:`push_frame`.
Services with word timestamps set ``push_text_frames=False`` and call
:meth:`TTSService.add_word_timestamps` (see :mod:`voxpipe.services._tts_words`
for the in-stream words and the no-timestamp fallback). Contexts, start and
stop frames: :mod:`voxpipe.services._tts_contexts`.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from contextlib import aclosing
from enum import Enum
from typing import Any, ClassVar

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    AggregatedTextFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    InterimTranscriptionFrame,
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    StartFrame,
    TextFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    TTSTextFrame,
    TTSUpdateSettingsFrame,
)
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.services._tts_contexts import AudioContextsMixin
from voxpipe.services._tts_words import WordTimestampsMixin
from voxpipe.services.ai_service import AIService
from voxpipe.services.settings import TTSSettings
from voxpipe.utils.text.base_text_aggregator import Aggregation, AggregationType, BaseTextAggregator
from voxpipe.utils.text.simple_text_aggregator import SimpleTextAggregator

__all__ = ["TTSService", "TextAggregationMode", "TextTransform"]

logger = logging.getLogger("voxpipe")

_DOWN = FrameDirection.DOWNSTREAM

#: ``async fn(text, aggregation_type) -> text`` applied before synthesis.
TextTransform = Callable[[str, str], Awaitable[str]]


class TextAggregationMode(str, Enum):
    """How a TTS service groups streamed text before synthesis."""

    SENTENCE = "sentence"  #: wait for sentence boundaries: more natural speech
    TOKEN = "token"  #: send tokens as they come: lower latency


class TTSService(AudioContextsMixin, WordTimestampsMixin, AIService):
    """Base class of text-to-speech services; see the module docstring.

    Args:
        text_aggregation_mode: ``SENTENCE`` (default) or ``TOKEN``.
        aggregate_sentences: Deprecated since v0.0.104; ``False`` means ``TOKEN``.
        push_text_frames: Push a ``TTSTextFrame`` with each spoken piece.
        push_stop_frames: Push ``TTSStoppedFrame`` after ``stop_frame_timeout_s``
            without audio instead of when the context ends (for services
            whose audio arrives asynchronously).
        push_start_frame: Push ``TTSStartedFrame`` as soon as a context opens,
            before the synthesis request. False (default): ``run_tts`` may
            yield its own, else one is pushed before the context's first
            output, and a context without output announces nothing.
        stop_frame_timeout_s: Idle time before that automatic stop frame.
        push_silence_after_stop: Push ``silence_time_s`` of silence after
            each ``TTSStoppedFrame``.
        silence_time_s: Seconds of that silence.
        pause_frame_processing: After a context, hold further frames until
            ``BotStoppedSpeakingFrame`` (bounded by the audio's length plus
            ``stop_frame_timeout_s``).
        append_trailing_space: Add a space to the text sent to ``run_tts``.
        sample_rate: Output rate; None uses the pipeline's ``audio_out_sample_rate``.
        text_aggregator: Custom aggregator (default ``SimpleTextAggregator``).
        skip_aggregator_types: Aggregation types passed on without speaking.
        text_transforms: ``[(aggregation_type or "*", async fn(text, type))]``.
        text_filters: Objects with ``filter(text)`` (sync or async) applied first.
        transport_destination: Output track for the audio frames.
        reuse_context_id_within_turn: All sentences of one LLM response share
            one context id (default); False gives every synthesis call its own
            context (with its own start and stop frames).
        settings: Initial settings (``<Service>.Settings(...)``).
        **kwargs: Passed to :class:`AIService`.
    """

    Settings: ClassVar[type[TTSSettings]] = TTSSettings
    settings_frame_type = TTSUpdateSettingsFrame

    def __init__(
        self,
        *,
        text_aggregation_mode: TextAggregationMode | str | None = None,
        aggregate_sentences: bool | None = None,
        push_text_frames: bool = True,
        push_stop_frames: bool = False,
        push_start_frame: bool = False,
        stop_frame_timeout_s: float = 3.0,
        push_silence_after_stop: bool = False,
        silence_time_s: float = 2.0,
        pause_frame_processing: bool = False,
        append_trailing_space: bool = False,
        sample_rate: int | None = None,
        text_aggregator: BaseTextAggregator | None = None,
        skip_aggregator_types: Sequence[str] | None = None,
        text_transforms: Sequence[tuple[str, TextTransform]] | None = None,
        text_filters: Sequence[Any] | None = None,
        transport_destination: str | None = None,
        reuse_context_id_within_turn: bool = True,
        settings: TTSSettings | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(settings=settings, **kwargs)
        if aggregate_sentences is not None:
            import warnings

            warnings.warn(
                "aggregate_sentences is deprecated since v0.0.104; pass "
                "text_aggregation_mode=TextAggregationMode.SENTENCE or TOKEN",
                DeprecationWarning,
                stacklevel=2,
            )
            if text_aggregation_mode is None:
                text_aggregation_mode = "sentence" if aggregate_sentences else "token"
        self._mode = TextAggregationMode(text_aggregation_mode or TextAggregationMode.SENTENCE)
        self._push_text_frames = push_text_frames
        self._push_stop_frames = push_stop_frames
        self._push_start_frame = push_start_frame
        self._reuse_context_id_within_turn = reuse_context_id_within_turn
        self._stop_frame_timeout_s = stop_frame_timeout_s
        self._push_silence_after_stop = push_silence_after_stop
        self._silence_time_s = silence_time_s
        self._pause_frame_processing = pause_frame_processing
        self._append_trailing_space = append_trailing_space
        self._init_sample_rate = sample_rate
        self._sample_rate = sample_rate or 0
        self._aggregator = text_aggregator or SimpleTextAggregator()
        self._skip_types = set(skip_aggregator_types or ())
        self._transforms: list[tuple[str, TextTransform]] = list(text_transforms or ())
        self._filters = list(text_filters or ())
        self._transport_destination = transport_destination
        self._in_response = False  # between LLMFullResponseStart and End
        self._ttfb_context: str | None = None
        self._init_contexts()
        self._init_word_timestamps()
        for event in ("on_connected", "on_disconnected", "on_connection_error", "on_tts_request"):
            self._register_event_handler(event)

    # -- public API --------------------------------------------------------------------

    @property
    def sample_rate(self) -> int:
        """Output sample rate (known after start)."""
        return self._sample_rate

    @property
    def text_aggregation_mode(self) -> TextAggregationMode:
        """How streamed text is grouped before synthesis."""
        return self._mode

    def set_voice(self, voice: str) -> None:
        """Use ``voice`` for the next requests."""
        self._settings.apply_delta(TTSSettings(voice=voice))

    def add_text_transformer(self, transform: TextTransform, aggregation_type: str = "*") -> None:
        """Apply ``transform`` to text of ``aggregation_type`` ("*" for all) before synthesis."""
        self._transforms.append((aggregation_type, transform))

    def remove_text_transformer(self, transform: TextTransform, aggregation_type: str | None = None) -> None:
        """Stop applying ``transform`` (for one type, or all types if None)."""
        self._transforms = [
            (t, f) for t, f in self._transforms
            if not (f is transform and (aggregation_type is None or t == aggregation_type))
        ]

    def create_context_id(self) -> str:
        """A fresh, unique context identifier."""
        import uuid

        return str(uuid.uuid4())

    # -- the plugin's part -------------------------------------------------------------

    def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame | None, None]:
        """Synthesize ``text`` and yield ``TTSAudioRawFrame``s (and any other frames).

        Implement as ``async def run_tts(self, text, context_id): ... yield frame``.
        Streaming services may send the text and yield nothing, pushing the
        audio from their receive task with the same ``context_id``.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement run_tts(text, context_id)")

    async def _on_tts_interrupted(self, context_id: str | None) -> None:
        """Called after an interruption; tell the provider to stop ``context_id``."""

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self, frame: StartFrame) -> None:
        """Resolve the sample rate."""
        await super().start(frame)
        self._sample_rate = self._init_sample_rate or frame.audio_out_sample_rate

    async def stop(self, frame: EndFrame) -> None:
        """Speak what is still buffered, close the context, push pending words, then stop."""
        await self._flush_text()
        await self._close_context()
        await self._stop_tasks()
        await self._end_all_words()
        await super().stop(frame)

    async def cancel(self, frame: CancelFrame) -> None:
        """Drop everything at once."""
        self._aggregator.reset()
        await self._stop_tasks()
        await super().cancel(frame)

    async def _stop_tasks(self) -> None:
        await self._stop_context_tasks()

    # -- frames ------------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Route text to synthesis and pass everything else on (see the module docstring)."""
        await super().process_frame(frame, direction)
        if self.consumes_settings_frame(frame):
            return
        if isinstance(frame, (TranscriptionFrame, InterimTranscriptionFrame)):
            await self.push_frame(frame, direction)
        elif isinstance(frame, TTSSpeakFrame):
            await self._speak_standalone(frame.text)
        elif isinstance(frame, TextFrame):
            await self._process_text_frame(frame, direction)
        elif isinstance(frame, LLMFullResponseStartFrame):
            self._in_response = True
            await self.push_frame(frame, direction)
        elif isinstance(frame, LLMFullResponseEndFrame):
            await self._flush_text()
            await self._close_context()
            self._in_response = False
            await self.push_frame(frame, direction)
        elif isinstance(frame, BotStoppedSpeakingFrame):
            await self._resume_after_speech()
            await self.push_frame(frame, direction)
        else:
            await self.push_frame(frame, direction)

    async def _process_text_frame(self, frame: TextFrame, direction: FrameDirection) -> None:
        if frame.skip_tts:
            await self.push_frame(frame, direction)
        elif isinstance(frame, AggregatedTextFrame) and not isinstance(frame, TTSTextFrame):
            if str(frame.aggregated_by) in self._skip_types:
                await self.push_frame(frame, direction)
                return
            await self._flush_text()
            await self._speak(Aggregation(frame.text, frame.aggregated_by))
        elif self._mode is TextAggregationMode.TOKEN:
            await self._speak(Aggregation(frame.text, AggregationType.TOKEN))
        else:
            result = self._aggregator.aggregate(frame.text)
            while result is not None:
                await self._speak(result)
                result = self._aggregator.aggregate("")
        if not self._in_response and self._aggregator.text == "":
            await self._close_context()

    async def _flush_text(self) -> None:
        result = self._aggregator.flush()
        if result is not None:
            await self._speak(result)

    async def _speak_standalone(self, text: str) -> None:
        saved_context, saved_response = self._context_id, self._in_response
        self._context_id, self._in_response = None, False
        try:
            await self._speak(Aggregation(text, AggregationType.SENTENCE))
            await self._close_context()
        finally:
            self._context_id, self._in_response = saved_context, saved_response

    async def _prepare_text(self, text: str, kind: str) -> str:
        for text_filter in self._filters:
            result = text_filter.filter(text)
            text = await result if inspect.isawaitable(result) else result
        for selector, transform in self._transforms:
            if selector in ("*", kind):
                text = await transform(text, kind)
        return text

    async def _speak(self, aggregation: Aggregation) -> None:
        """Synthesize one piece of text inside the open context (opening it if needed)."""
        kind = str(aggregation.type)
        if kind in self._skip_types:
            return
        text = await self._prepare_text(aggregation.text, kind)
        if not text.strip():
            return
        context_id = await self._open_context()
        if not self._push_text_frames:
            self._note_synthesis_text(context_id, text)
        request = text + " " if self._append_trailing_space and not text.endswith(" ") else text
        await self._call_event_handler("on_tts_request", context_id, request)
        await self.start_tts_usage_metrics(request)
        self._ttfb_context = context_id
        await self.start_ttfb_metrics()
        try:
            async with aclosing(self.run_tts(request, context_id)) as frames:
                async for out in frames:
                    if out is not None:
                        await self.push_frame(out)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("%s: run_tts failed", self)
            await self.push_error(f"{self}: speech synthesis failed: {exc}", exception=exc)
            return
        if self._push_text_frames:
            spoken = TTSTextFrame(text=text, aggregated_by=aggregation.type, context_id=context_id)
            await self.push_frame(spoken)
        if not self._reuse_context_id_within_turn:
            await self._close_context()

    async def _start_interruption(self) -> None:
        """Stop synthesis at once: cancel in-flight work, drop text and late audio."""
        await super()._start_interruption()
        interrupted = self._context_id
        await self._interrupt_words()
        self._aggregator.handle_interruption()
        self._forget_contexts()
        self._in_response = False
        self._ttfb_context = None
        await self._resume_after_speech()
        await self._on_tts_interrupted(interrupted)

    # -- output ------------------------------------------------------------------------

    async def push_frame(self, frame: Frame, direction: FrameDirection = _DOWN) -> None:
        """Push ``frame``; stamps audio, drops audio of interrupted contexts, closes TTFB.

        Audio and text of a context not yet announced get its ``TTSStartedFrame``
        first; after each audio frame, the words its audio reaches follow.
        """
        if direction is not _DOWN:
            await super().push_frame(frame, direction)
            return
        if isinstance(frame, TTSAudioRawFrame):
            if frame.context_id is None:
                frame.context_id = self._context_id
            ctx = frame.context_id
            if not self.audio_context_active(ctx):
                return
            if self._transport_destination is not None:
                frame.transport_destination = self._transport_destination
            if self._ttfb_context is not None and ctx == self._ttfb_context:
                self._ttfb_context = None
                await self.stop_ttfb_metrics()
            self._context_audio_bytes += len(frame.audio)
            if self._push_stop_frames and ctx is not None:
                await self._arm_stop_timer(ctx)  # may stop an older context first
            await self._context_output(frame)
            await super().push_frame(frame, direction)
            rate = frame.sample_rate * max(frame.num_channels, 1) * 2
            if ctx is not None and rate:
                await self._words_after_audio(ctx, len(frame.audio) / rate)
            return
        if isinstance(frame, InterruptionFrame):
            self._ttfb_context = None
        elif not await self._context_output(frame):
            return
        await super().push_frame(frame, direction)

    def _audio_frame(self, audio: bytes, context_id: str | None = None) -> TTSAudioRawFrame:
        """Build an output audio frame at the service's rate (helper for ``run_tts``)."""
        return TTSAudioRawFrame(audio=audio, sample_rate=self._sample_rate, num_channels=1, context_id=context_id)

    def _now(self) -> float:
        return time.monotonic()
