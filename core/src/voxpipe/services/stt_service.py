"""Speech-to-text service bases: :class:`STTService` and :class:`SegmentedSTTService`.

A plugin implements one coroutine generator, :meth:`STTService.run_stt`:

* streaming services get every chunk of input audio (raw 16-bit PCM at
  :attr:`STTService.sample_rate`) and usually just send it to the provider,
  pushing transcripts from a receive task (see
  :mod:`voxpipe.services.websocket_service`);
* segmented services (:class:`SegmentedSTTService`) get one WAV file per
  utterance, cut by the VAD, and yield its ``TranscriptionFrame``.

Frames yielded by ``run_stt`` are pushed downstream (``None`` is skipped). An
exception raised by ``run_stt`` becomes a non-fatal ``ErrorFrame`` and the
service keeps transcribing.

The base also handles: audio pass-through, ``STTMuteFrame`` (muted audio is
not transcribed), ``STTUpdateSettingsFrame``, the ``STTMetadataFrame`` turn
detection reads, TTFB from ``VADUserStoppedSpeakingFrame`` to the next final
transcript, and an optional silence keepalive for providers that drop idle
connections. Events: ``on_connected``, ``on_disconnected``,
``on_connection_error`` (emitted by websocket services).
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import abstractmethod
from collections.abc import AsyncGenerator
from typing import Any, ClassVar

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    InputAudioRawFrame,
    ServiceSwitcherRequestMetadataFrame,
    StartFrame,
    STTMetadataFrame,
    STTMuteFrame,
    STTUpdateSettingsFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.services.ai_service import AIService
from voxpipe.services.settings import STTSettings
from voxpipe.services._segmented_stt import SegmentedSTTMixin, pcm_to_wav

__all__ = ["STTService", "SegmentedSTTService", "pcm_to_wav"]

logger = logging.getLogger("voxpipe")

#: Used for ``STTMetadataFrame`` when a service does not state its latency.
DEFAULT_TTFS_P99_LATENCY = 1.0
_DOWN = FrameDirection.DOWNSTREAM


class STTService(AIService):
    """Base class of speech-to-text services; see the module docstring.

    Args:
        audio_passthrough: Push input audio on downstream after transcribing
            it (recorders and the output transport may need it).
        sample_rate: Rate the provider expects; None takes the pipeline's
            ``audio_in_sample_rate`` from the ``StartFrame``.
        stt_ttfb_timeout: Seconds after ``VADUserStoppedSpeakingFrame`` within
            which a final transcript counts for TTFB; later ones are pushed
            as usual but not measured (logged: a warning the first time).
        ttfs_p99_latency: P99 seconds from end of speech to final transcript,
            announced in ``STTMetadataFrame`` for turn detection.
        keepalive_timeout: Seconds without audio after which keepalives
            start; None disables keepalives.
        keepalive_interval: Seconds between keepalives while idle.
        settings: Initial settings (``<Service>.Settings(...)``).
        **kwargs: Passed to :class:`AIService`.
    """

    Settings: ClassVar[type[STTSettings]] = STTSettings
    settings_frame_type = STTUpdateSettingsFrame

    def __init__(
        self,
        *,
        audio_passthrough: bool = True,
        sample_rate: int | None = None,
        stt_ttfb_timeout: float = 2.0,
        ttfs_p99_latency: float | None = None,
        keepalive_timeout: float | None = None,
        keepalive_interval: float = 5.0,
        settings: STTSettings | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(settings=settings, **kwargs)
        self._audio_passthrough = audio_passthrough
        self._init_sample_rate = sample_rate
        self._sample_rate = sample_rate or 0
        self._stt_ttfb_timeout = stt_ttfb_timeout
        self._late_ttfb_warned = False
        self._ttfs_p99_latency = ttfs_p99_latency
        self._keepalive_timeout = keepalive_timeout
        self._keepalive_interval = keepalive_interval
        self._keepalive_task: asyncio.Task[None] | None = None
        self._last_audio_time = time.monotonic()
        self._muted = False
        self._vad_stopped_at: float | None = None
        for event in ("on_connected", "on_disconnected", "on_connection_error"):
            self._register_event_handler(event)

    # -- properties ----------------------------------------------------------------

    @property
    def sample_rate(self) -> int:
        """Audio sample rate sent to the provider (known after start)."""
        return self._sample_rate

    @property
    def is_muted(self) -> bool:
        """Whether audio is currently withheld from the provider."""
        return self._muted

    @property
    def ttfs_p99_latency(self) -> float:
        """P99 end-of-speech to final-transcript latency announced to turn detection."""
        return self._ttfs_p99_latency or DEFAULT_TTFS_P99_LATENCY

    # -- the plugin's part -----------------------------------------------------------

    @abstractmethod
    def run_stt(self, audio: bytes) -> AsyncGenerator[Frame | None, None]:
        """Transcribe ``audio`` and yield frames to push downstream.

        Implement as ``async def run_stt(self, audio): ... yield frame``.
        Streaming services receive raw PCM chunks; segmented services one WAV.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement run_stt(audio)")

    async def _send_keepalive(self, silence: bytes) -> None:
        """Keep an idle provider connection open; by default sends ``silence`` via ``run_stt``.

        Override to send the provider's own keepalive message instead.
        """
        await self._run_stt_and_push(silence)

    # -- lifecycle -------------------------------------------------------------------

    async def start(self, frame: StartFrame) -> None:
        """Resolve the sample rate and start the keepalive task if configured."""
        await super().start(frame)
        self._sample_rate = self._init_sample_rate or frame.audio_in_sample_rate
        self._last_audio_time = time.monotonic()
        if self._keepalive_timeout is not None and self._keepalive_task is None:
            self._keepalive_task = self.create_task(self._keepalive_loop(), "keepalive")

    async def stop(self, frame: EndFrame) -> None:
        """Stop the keepalive task."""
        await super().stop(frame)
        await self._stop_keepalive()

    async def cancel(self, frame: CancelFrame) -> None:
        """Stop the keepalive task."""
        await super().cancel(frame)
        await self._stop_keepalive()

    async def _stop_keepalive(self) -> None:
        task, self._keepalive_task = self._keepalive_task, None
        if task is not None:
            await self.cancel_task(task)

    # -- frames ----------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Transcribe audio, track VAD for TTFB, apply mute/settings, pass the rest on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame):
            await self.process_audio_frame(frame, direction)
            if self._audio_passthrough:
                await self.push_frame(frame, direction)
            return
        if self.consumes_settings_frame(frame):
            return
        if isinstance(frame, VADUserStartedSpeakingFrame):
            self._vad_stopped_at = None
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self._vad_stopped_at = time.monotonic()
        elif isinstance(frame, STTMuteFrame):
            self._muted = frame.mute
        await self.push_frame(frame, direction)
        if isinstance(frame, StartFrame) or (
            isinstance(frame, ServiceSwitcherRequestMetadataFrame) and frame.service is self
        ):
            await self.push_frame(
                STTMetadataFrame(service_name=self.name, ttfs_p99_latency=self.ttfs_p99_latency)
            )

    async def process_audio_frame(self, frame: InputAudioRawFrame, direction: FrameDirection) -> None:
        """Send one chunk of input audio to :meth:`run_stt` unless muted."""
        if self._muted:
            return
        self._last_audio_time = time.monotonic()
        await self._run_stt_and_push(frame.audio)

    async def _run_stt_and_push(self, audio: bytes) -> None:
        try:
            async for out in self.run_stt(audio):
                if out is not None:
                    await self.push_frame(out)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("%s: run_stt failed", self)
            await self.push_error(f"{self}: transcription failed: {exc}", exception=exc)

    async def push_frame(self, frame: Frame, direction: FrameDirection = _DOWN) -> None:
        """Push ``frame``; a final transcript closes a pending TTFB measurement first."""
        if isinstance(frame, TranscriptionFrame) and direction is _DOWN:
            started = self._vad_stopped_at
            if started is not None:
                self._vad_stopped_at = None
                elapsed = time.monotonic() - started
                if elapsed <= self._stt_ttfb_timeout:
                    await self.start_ttfb_metrics(start_time=started)
                    await self.stop_ttfb_metrics()
                else:
                    self._log_late_transcript(elapsed)
        await super().push_frame(frame, direction)

    def _log_late_transcript(self, elapsed: float) -> None:
        # The transcript itself is pushed as usual; only the TTFB sample is skipped.
        # Warn once (a slow local model would otherwise warn every turn), then debug.
        level = logging.DEBUG if self._late_ttfb_warned else logging.WARNING
        self._late_ttfb_warned = True
        logger.log(
            level,
            "%s: transcript came %.2fs after the user stopped speaking, beyond "
            "stt_ttfb_timeout=%gs: TTFB not reported (the transcript is pushed as usual); "
            "raise stt_ttfb_timeout for a slow (e.g. local) model",
            self,
            elapsed,
            self._stt_ttfb_timeout,
        )

    # -- keepalive ---------------------------------------------------------------------

    async def _keepalive_loop(self) -> None:
        assert self._keepalive_timeout is not None
        last_sent = 0.0
        while True:
            now = time.monotonic()
            due = max(self._last_audio_time + self._keepalive_timeout, last_sent + self._keepalive_interval)
            if now < due:
                await asyncio.sleep(due - now)
                continue
            last_sent = now
            silence = bytes(2 * max(self._sample_rate, 1) // 10)  # 100 ms of 16-bit mono silence
            try:
                await self._send_keepalive(silence)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self.push_error(f"{self}: keepalive failed: {exc}", exception=exc)


class SegmentedSTTService(SegmentedSTTMixin, STTService):
    """STT for providers that transcribe whole utterances (HTTP upload, local models).

    Audio is buffered from ``VADUserStartedSpeakingFrame`` (plus a pre-roll
    of the audio just before it, since the VAD confirms speech late) to
    ``VADUserStoppedSpeakingFrame``; the segment is then handed to
    :meth:`run_stt` as a mono 16-bit WAV file. There are no interim results.
    Segments are transcribed in order on a task of their own so a slow
    provider never stalls audio input; ``EndFrame`` waits (bounded) for
    pending segments.

    Args:
        push_empty_transcripts: Push ``TranscriptionFrame``s whose text is
            empty (the VAD fired but nobody spoke); dropped by default.
        pre_roll_secs: Seconds of audio kept from before the VAD start.
        end_timeout_secs: Longest wait for pending segments at ``EndFrame``;
            what is still untranscribed then is cancelled with a warning that
            counts it. Raise it for a slow local model on a busy machine.
        transcribe_on_pause: Start transcribing at ``VADUserSpeechPausedFrame``
            (silence has begun) instead of waiting for the VAD's stop
            (``stop_secs`` later); the transcript is used when the user said
            nothing more. Saves up to ``stop_secs`` per turn at the cost of a
            wasted transcription whenever the user pauses and goes on. Suits a
            local model; off by default because a cloud provider bills each call.
        **kwargs: Passed to :class:`STTService`.
    """

    def __init__(
        self,
        *,
        push_empty_transcripts: bool = False,
        pre_roll_secs: float = 1.0,
        end_timeout_secs: float = 10.0,
        transcribe_on_pause: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._init_segmenter(push_empty_transcripts, pre_roll_secs, end_timeout_secs, transcribe_on_pause)

