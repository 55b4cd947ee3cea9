"""``AudioBufferProcessor``: record the conversation's user and bot audio.

Place it after ``transport.output()``: it sees the user's
input audio frames and the bot's output audio frames as played,
passes every frame on unchanged, and hands the recorded audio to event handlers.

Recording model:

* Two mono tracks, user and bot, at :attr:`AudioBufferProcessor.sample_rate`
  (each frame is resampled with its own stream resampler; stereo frames are
  downmixed).
* The tracks share one timeline that starts at :meth:`~AudioBufferProcessor.start_recording`.
  The user's input is normally continuous, so it is the reference: the bot
  track is padded with silence up to the user track before bot audio is added
  (the bot starts speaking "now"). A track whose frames stop arriving for longer
  than ``GAP_FILL_THRESHOLD_SECS`` of wall-clock time gets the gap filled with
  silence when audio resumes, so non-continuous streams keep their timing.
* ``buffer_size > 0``: whenever a track holds ``buffer_size`` bytes, both tracks
  are padded to the same length, emitted and emptied. ``buffer_size == 0``:
  audio is emitted once, by :meth:`~AudioBufferProcessor.stop_recording` (also
  called on ``EndFrame`` and ``CancelFrame``).

Events (handlers run in order and are awaited, so the last chunk is handled
before ``EndFrame`` moves on; offload slow work from handlers):

* ``on_audio_data(processor, audio, sample_rate, num_channels)``: the tracks
  merged — mixed for ``num_channels=1``, user left / bot right for 2;
* ``on_track_audio_data(processor, user_audio, bot_audio, sample_rate, 1)``;
* ``on_user_turn_audio_data(processor, audio, sample_rate, 1)`` and
  ``on_bot_turn_audio_data(...)`` with ``enable_turn_audio=True``: one speaking
  turn each, emitted on ``UserStoppedSpeakingFrame`` / ``BotStoppedSpeakingFrame``.
  A user turn includes up to ``TURN_PREROLL_SECS`` of audio from before the
  ``UserStartedSpeakingFrame``, since speech detection lags the speech.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from typing import Any

import numpy as np

from voxpipe.audio.resamplers.soxr_stream_resampler import SOXRStreamAudioResampler
from voxpipe.audio.utils import interleave_stereo_audio, mix_audio
from voxpipe.frames.frames import (
    AudioRawFrame,
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    Frame,
    InputAudioRawFrame,
    OutputAudioRawFrame,
    StartFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["AudioBufferProcessor"]

#: A track whose audio lags the wall clock by more than this gets silence inserted.
GAP_FILL_THRESHOLD_SECS = 0.3
#: Audio kept from before a ``UserStartedSpeakingFrame`` in user turn audio.
TURN_PREROLL_SECS = 1.0


class AudioBufferProcessor(FrameProcessor):
    """Buffers user and bot audio and emits it as merged audio, tracks and turns.

    Args:
        sample_rate: Output sample rate in Hz; ``None`` uses the transport's
            output rate from the ``StartFrame``.
        num_channels: 1 mixes user and bot into mono; 2 puts the user on the
            left channel and the bot on the right.
        buffer_size: Bytes per track that trigger ``on_audio_data`` /
            ``on_track_audio_data``; 0 emits only when recording stops.
        user_continuous_stream: Deprecated since 0.0.72; no effect.
        enable_turn_audio: Emit ``on_user_turn_audio_data`` and ``on_bot_turn_audio_data``.
        **kwargs: Passed to :class:`FrameProcessor`.

    Raises:
        ValueError: ``num_channels`` is not 1 or 2, ``buffer_size`` is negative
            or ``sample_rate`` is not positive.
    """

    def __init__(
        self,
        sample_rate: int | None = None,
        num_channels: int = 1,
        buffer_size: int = 0,
        user_continuous_stream: bool | None = None,
        enable_turn_audio: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if num_channels not in (1, 2):
            raise ValueError(f"num_channels must be 1 (mono mix) or 2 (stereo), got {num_channels}")
        if buffer_size < 0:
            raise ValueError(
                f"buffer_size must be 0 or a positive number of bytes, got {buffer_size}"
            )
        if sample_rate is not None and sample_rate <= 0:
            raise ValueError(f"sample_rate must be positive, got {sample_rate}")
        if user_continuous_stream is not None:
            warnings.warn(
                "AudioBufferProcessor(user_continuous_stream=...) is deprecated since 0.0.72 "
                "and has no effect",
                DeprecationWarning,
                stacklevel=2,
            )
        self._init_sample_rate = sample_rate
        self._sample_rate = sample_rate or 0
        self._num_channels = num_channels
        self._buffer_size = buffer_size
        self._enable_turn_audio = enable_turn_audio

        self._recording = False
        self._started_at = 0.0
        self._flushed = 0  # bytes per track already emitted in this recording
        self._user = bytearray()
        self._bot = bytearray()
        self._user_turn = bytearray()
        self._bot_turn = bytearray()
        self._user_speaking = False
        self._bot_speaking = False
        self._user_resampler = SOXRStreamAudioResampler(clear_after_secs=None)
        self._bot_resampler = SOXRStreamAudioResampler(clear_after_secs=None)
        self._emit_lock = asyncio.Lock()

        for event in (
            "on_audio_data",
            "on_track_audio_data",
            "on_user_turn_audio_data",
            "on_bot_turn_audio_data",
        ):
            self._register_event_handler(event, sync=True)

    # -- public API -----------------------------------------------------------------

    @property
    def sample_rate(self) -> int:
        """Output sample rate in Hz (0 until known from the ``StartFrame``)."""
        return self._sample_rate

    @property
    def num_channels(self) -> int:
        """Channels of ``on_audio_data`` audio: 1 (mono mix) or 2 (stereo)."""
        return self._num_channels

    def has_audio(self) -> bool:
        """True when both the user and the bot buffer hold audio not yet emitted."""
        return bool(self._user) and bool(self._bot)

    async def start_recording(self) -> None:
        """Start (or restart) recording with empty buffers; the timeline starts now."""
        self._reset()
        self._recording = True
        self._started_at = self._now()

    async def stop_recording(self) -> None:
        """Stop recording and emit the audio still buffered; a no-op when not recording."""
        if not self._recording:
            return
        self._add_tail(self._user_resampler, user=True)
        self._add_tail(self._bot_resampler, user=False)
        self._recording = False
        await self._emit_audio()
        self._reset()

    # -- frames ---------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Record audio and turn boundaries, then pass ``frame`` on unchanged."""
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            self._sample_rate = self._init_sample_rate or frame.audio_out_sample_rate
        elif self._recording:
            if isinstance(frame, InputAudioRawFrame):
                await self._on_audio(frame, user=True)
            elif isinstance(frame, OutputAudioRawFrame):
                await self._on_audio(frame, user=False)
            elif direction is FrameDirection.DOWNSTREAM:
                await self._on_turn_frame(frame)
        if isinstance(frame, (EndFrame, CancelFrame)):
            await self.stop_recording()
        await self.push_frame(frame, direction)

    async def _on_audio(self, frame: AudioRawFrame, *, user: bool) -> None:
        if not self._sample_rate:
            return
        resampler = self._user_resampler if user else self._bot_resampler
        audio = await resampler.resample(_to_mono(frame), frame.sample_rate, self._sample_rate)
        self._append(audio, user=user, now=self._now())
        if self._buffer_size and max(len(self._user), len(self._bot)) >= self._buffer_size:
            await self._emit_audio()

    async def _on_turn_frame(self, frame: Frame) -> None:
        if isinstance(frame, BotStoppedSpeakingFrame):
            # The bot paused: drain its resampler so the turn's last audio is not held back.
            self._add_tail(self._bot_resampler, user=False)
        if not self._enable_turn_audio:
            return
        if isinstance(frame, UserStartedSpeakingFrame):
            self._user_speaking = True
        elif isinstance(frame, UserStoppedSpeakingFrame) and self._user_speaking:
            self._user_speaking = False
            audio, self._user_turn = bytes(self._user_turn), bytearray()
            await self._emit("on_user_turn_audio_data", audio, self._sample_rate, 1)
        elif isinstance(frame, BotStartedSpeakingFrame):
            self._bot_speaking = True
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._bot_speaking = False
            audio, self._bot_turn = bytes(self._bot_turn), bytearray()
            if audio:
                await self._emit("on_bot_turn_audio_data", audio, self._sample_rate, 1)

    # -- buffering --------------------------------------------------------------------

    def _append(self, audio: bytes, *, user: bool, now: float) -> None:
        """Add resampled audio to a track, first padding it to its place on the timeline."""
        track = self._user if user else self._bot
        position = self._flushed + len(track)
        # Where this audio should start by the wall clock: it ended arriving just now.
        due = _even(int((now - self._started_at) * self._sample_rate) * 2 - len(audio))
        target = position
        if due - position > GAP_FILL_THRESHOLD_SECS * self._sample_rate * 2:
            target = due
        if not user:
            target = max(target, self._flushed + len(self._user))
        if target > position:
            track.extend(bytes(target - position))
        track.extend(audio)
        if user:
            # Keep the bot track level with the continuous user track.
            bot_position = self._flushed + len(self._bot)
            user_position = self._flushed + len(self._user)
            if bot_position < user_position:
                self._bot.extend(bytes(user_position - bot_position))
        if self._enable_turn_audio:
            self._append_turn(audio, user=user)

    def _append_turn(self, audio: bytes, *, user: bool) -> None:
        if not user:
            self._bot_turn.extend(audio)
            return
        self._user_turn.extend(audio)
        if not self._user_speaking:
            keep = _even(int(TURN_PREROLL_SECS * self._sample_rate) * 2)
            if len(self._user_turn) > keep:
                del self._user_turn[: len(self._user_turn) - keep]

    def _add_tail(self, resampler: SOXRStreamAudioResampler, *, user: bool) -> None:
        tail = resampler.flush()
        if tail:
            track = self._user if user else self._bot
            track.extend(tail)
            if self._enable_turn_audio:
                self._append_turn(tail, user=user)

    async def _emit_audio(self) -> None:
        """Emit both tracks padded to equal length, and empty them."""
        if not self._user and not self._bot:
            return
        size = max(len(self._user), len(self._bot))
        user = bytes(self._user.ljust(size, b"\x00"))
        bot = bytes(self._bot.ljust(size, b"\x00"))
        self._user.clear()
        self._bot.clear()
        self._flushed += size
        rate = self._sample_rate
        if self.has_event_handlers("on_audio_data"):
            if self._num_channels == 1:
                merged = mix_audio(user, bot)
            else:
                merged = interleave_stereo_audio(user, bot)
            await self._emit("on_audio_data", merged, rate, self._num_channels)
        await self._emit("on_track_audio_data", user, bot, rate, 1)

    async def _emit(self, event: str, *args: Any) -> None:
        # Buffers are swapped out before this point; the lock keeps handler calls in
        # order when user audio (a system frame) and bot audio arrive concurrently.
        async with self._emit_lock:
            await self._call_event_handler(event, *args)

    def _reset(self) -> None:
        self._flushed = 0
        self._user.clear()
        self._bot.clear()
        self._user_turn.clear()
        self._bot_turn.clear()
        self._user_speaking = False
        self._bot_speaking = False
        self._user_resampler.clear()
        self._bot_resampler.clear()

    def _now(self) -> float:
        return time.monotonic()


def _even(n: int) -> int:
    return n - (n & 1)


def _to_mono(frame: AudioRawFrame) -> bytes:
    if frame.num_channels <= 1:
        return frame.audio
    if len(frame.audio) % (2 * frame.num_channels):
        raise ValueError(
            f"{frame}: {len(frame.audio)} bytes is not a whole number of "
            f"{frame.num_channels}-channel 16-bit samples"
        )
    samples = np.frombuffer(frame.audio, dtype="<i2").reshape(-1, frame.num_channels)
    return samples.mean(axis=1).round().astype("<i2").tobytes()
