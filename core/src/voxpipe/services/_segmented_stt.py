"""The VAD-segmenting half of ``SegmentedSTTService`` (see :mod:`voxpipe.services.stt_service`).

Kept apart so :mod:`voxpipe.services.stt_service` stays one readable page; the
public class is ``voxpipe.services.stt_service.SegmentedSTTService``.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
import wave
from dataclasses import dataclass

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    InputAudioRawFrame,
    StartFrame,
    TranscriptionFrame,
    VADUserSpeechPausedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.processors.frame_processor import FrameDirection

__all__ = ["SegmentedSTTMixin", "pcm_to_wav"]

_DOWN = FrameDirection.DOWNSTREAM

logger = logging.getLogger("voxpipe")


def pcm_to_wav(audio: bytes, sample_rate: int, num_channels: int = 1) -> bytes:
    """Wrap 16-bit little-endian PCM in a WAV (RIFF) container."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(num_channels)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(audio)
    return buf.getvalue()


#: Audio past the pause point that still counts as "the silence after it": the stop frame's
#: ``stop_secs`` plus this (VAD window lag, chunks the STT buffered before the pause arrived).
_PAUSE_SLACK_SECS = 0.3


@dataclass
class _EarlyTranscript:
    """A segment transcribed from the pause point, before the VAD confirmed the stop."""

    audio_bytes: int  # how much of the segment it covers
    task: asyncio.Task[list[Frame] | None]


class SegmentedSTTMixin:
    """Buffers VAD-delimited speech and transcribes each segment on a worker task.

    Mixed in before ``STTService``; relies on its ``run_stt``,
    ``_run_stt_and_push``, ``is_muted`` and task helpers.
    """

    def _init_segmenter(
        self, push_empty: bool, pre_roll_secs: float, end_timeout: float, transcribe_on_pause: bool = False
    ) -> None:
        self._push_empty_transcripts = push_empty
        self._pre_roll_secs = pre_roll_secs
        self._end_timeout = end_timeout
        self._transcribe_on_pause = transcribe_on_pause
        self._early: _EarlyTranscript | None = None
        self._speaking = False
        self._audio = bytearray()
        self._segment_rate = 0
        self._segment_channels = 1
        self._segments: asyncio.Queue[bytes | tuple[bytes, _EarlyTranscript] | None] | None = None
        self._segment_task: asyncio.Task[None] | None = None
        self._in_flight: tuple[float, float] | None = None  # (started, audio secs) of the segment being transcribed

    async def start(self, frame: StartFrame) -> None:
        """Start the segment worker."""
        await super().start(frame)  # type: ignore[misc]
        if self._segment_task is None:
            self._segments = asyncio.Queue()
            self._segment_task = self.create_task(self._segment_worker(), "segments")  # type: ignore[attr-defined]

    async def stop(self, frame: EndFrame) -> None:
        """Transcribe the segments still queued (bounded by ``end_timeout_secs``), then stop."""
        await super().stop(frame)  # type: ignore[misc]
        task, self._segment_task = self._segment_task, None
        if task is not None and self._segments is not None:
            self._segments.put_nowait(None)
            done, _ = await asyncio.wait({task}, timeout=self._end_timeout)
            if not done:
                self._log_abandoned("EndFrame", waited=self._end_timeout)
                await self.cancel_task(task)  # type: ignore[attr-defined]
        await self._drop_early()

    async def cancel(self, frame: CancelFrame) -> None:
        """Drop pending segments and stop at once."""
        await super().cancel(frame)  # type: ignore[misc]
        await self._drop_early()
        task, self._segment_task = self._segment_task, None
        if task is not None:
            if self._in_flight is not None or (self._segments is not None and not self._segments.empty()):
                self._log_abandoned("CancelFrame", waited=None)
            await self.cancel_task(task)  # type: ignore[attr-defined]

    def _log_abandoned(self, why: str, waited: float | None) -> None:
        """Say what is being given up: never drop speech without a trace."""
        pending = getattr(self._segments, "_queue", ()) if self._segments is not None else ()
        # asyncio.Queue keeps its items in _queue; a segment with an early transcript is a pair
        queued = [w if isinstance(w, bytes) else w[0] for w in pending if w]
        queued_secs = sum(_wav_secs(w) for w in queued)
        if self._in_flight is not None:
            started, secs = self._in_flight
            current = f"one of {secs:.1f}s in progress for {time.monotonic() - started:.1f}s, "
        else:
            current = ""
        if waited is None:
            logger.info(
                "%s: %s: dropping untranscribed speech: %s%d queued (%.1fs of audio)",
                self, why, current, len(queued), queued_secs,
            )
            return
        logger.warning(
            "%s: %s: speech still untranscribed after end_timeout_secs=%gs: %s%d queued "
            "(%.1fs of audio); cancelling it. Transcripts already produced were pushed. "
            "Raise end_timeout_secs for a slow (e.g. local) model on a busy machine",
            self, why, waited, current, len(queued), queued_secs,
        )

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Open a segment on VAD start; close and queue it on VAD stop.

        With ``transcribe_on_pause``, a ``VADUserSpeechPausedFrame`` starts
        transcribing the segment so far; at the stop, that transcript is used
        if the user said nothing after the pause (the audio since is no longer
        than the stop's silence), and the whole segment is transcribed otherwise.
        """
        if isinstance(frame, VADUserStartedSpeakingFrame):
            self._speaking = True
            await self._drop_early()
        await super().process_frame(frame, direction)  # type: ignore[misc]
        if isinstance(frame, VADUserSpeechPausedFrame):
            if self._speaking and self._transcribe_on_pause and not self.is_muted:  # type: ignore[attr-defined]
                await self._transcribe_early()
        elif isinstance(frame, VADUserStoppedSpeakingFrame) and self._speaking:
            self._speaking = False
            audio, self._audio = bytes(self._audio), bytearray()
            early, self._early = self._early, None
            # The pause's transcript stands if the user said nothing since; else it is stale.
            if early is not None and not (audio and self._silent_since(early, len(audio), frame.stop_secs)):
                await self.cancel_task(early.task)  # type: ignore[attr-defined]
                early = None
            if not audio or self._segments is None:
                return
            wav = pcm_to_wav(audio, self._segment_rate, self._segment_channels)
            self._segments.put_nowait(wav if early is None else (wav, early))

    def _silent_since(self, early: _EarlyTranscript, segment_bytes: int, stop_secs: float) -> bool:
        """Whether the audio after ``early``'s pause is no more than the stop's silence."""
        bytes_per_sec = max(1, self._segment_rate) * 2 * max(1, self._segment_channels)
        return (segment_bytes - early.audio_bytes) / bytes_per_sec <= stop_secs + _PAUSE_SLACK_SECS

    async def _transcribe_early(self) -> None:
        """Start transcribing the segment so far (replacing an earlier pause's attempt)."""
        await self._drop_early()
        audio = bytes(self._audio)
        if not audio:
            return
        wav = pcm_to_wav(audio, self._segment_rate, self._segment_channels)
        task = self.create_task(self._collect_transcript(wav), "early-transcript")  # type: ignore[attr-defined]
        self._early = _EarlyTranscript(audio_bytes=len(audio), task=task)

    async def _drop_early(self) -> None:
        early, self._early = self._early, None
        if early is not None:
            await self.cancel_task(early.task)  # type: ignore[attr-defined]

    async def _collect_transcript(self, wav: bytes) -> list[Frame] | None:
        """What ``run_stt`` yields for ``wav``, held back; None if it failed.

        A failure is not reported here: the segment is then transcribed again
        at the stop, the normal way, which reports its own errors.
        """
        try:
            return [frame async for frame in self.run_stt(wav) if frame is not None]  # type: ignore[attr-defined]
        except Exception:
            logger.debug("%s: early transcript failed; the whole segment will be transcribed", self,
                         exc_info=True)
            return None

    async def process_audio_frame(self, frame: InputAudioRawFrame, direction: FrameDirection) -> None:
        """Buffer audio: all of it while speaking, the last ``pre_roll_secs`` otherwise."""
        if self.is_muted:  # type: ignore[attr-defined]
            return
        if frame.sample_rate != self._segment_rate or frame.num_channels != self._segment_channels:
            self._audio.clear()  # a format change invalidates what was buffered
            self._segment_rate, self._segment_channels = frame.sample_rate, frame.num_channels or 1
        self._audio += frame.audio
        if not self._speaking:
            keep = int(self._pre_roll_secs * self._segment_rate) * 2 * self._segment_channels
            if len(self._audio) > keep:
                del self._audio[: len(self._audio) - keep]

    async def push_frame(self, frame: Frame, direction: FrameDirection = _DOWN) -> None:
        """Mark transcripts final; drop empty ones unless ``push_empty_transcripts`` is set.

        A segment is transcribed once, so its transcript is final: turn stop
        strategies may end the turn as soon as it arrives instead of waiting out
        the STT's P99 latency.
        """
        if isinstance(frame, TranscriptionFrame):
            if not self._push_empty_transcripts and not frame.text.strip():
                return
            frame.finalized = True
        await super().push_frame(frame, direction)  # type: ignore[misc]

    async def _segment_worker(self) -> None:
        assert self._segments is not None
        while (item := await self._segments.get()) is not None:
            wav, early = (item, None) if isinstance(item, bytes) else item
            self._in_flight = (time.monotonic(), _wav_secs(wav))
            try:
                frames = await self._early_frames(early) if early is not None else None
                if frames is None:
                    await self._run_stt_and_push(wav)  # type: ignore[attr-defined]
                else:
                    for out in frames:
                        await self.push_frame(out)
            finally:
                self._in_flight = None

    async def _early_frames(self, early: _EarlyTranscript) -> list[Frame] | None:
        """The early transcript's frames, or None when it failed (the segment is redone)."""
        try:
            return await early.task
        except asyncio.CancelledError:
            if not early.task.cancelled():
                raise  # we are being cancelled, not the early task
            return None


def _wav_secs(wav: bytes) -> float:
    """Duration of a WAV made by :func:`pcm_to_wav` (44-byte header, 16-bit)."""
    channels = int.from_bytes(wav[22:24], "little") or 1
    rate = int.from_bytes(wav[24:28], "little") or 1
    return max(0, len(wav) - 44) / (2 * channels * rate)

