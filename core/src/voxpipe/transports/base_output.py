r"""``BaseOutputTransport``: the processor that sends the pipeline's media and messages out.

A transport plugin subclasses it and implements the write methods it supports
(``write_audio_frame``, ``write_video_frame``, ``send_message``, and
optionally ``write_dtmf`` for native DTMF); the base class does the rest:

* **Audio pacing.** ``OutputAudioRawFrame``\ s are resampled to the output rate
  if needed, cut into ``audio_out_10ms_chunks`` x 10 ms chunks and written at
  their playback rate, one writer task per destination
  (``audio_out_destinations``, picked by ``frame.transport_destination``).
  Each written chunk is then pushed downstream as an ``OutputAudioRawFrame``
  (so an ``AudioBufferProcessor`` after the output records what was played).
* **In-order release.** Other data and control frames that arrive behind audio
  wait behind it and leave the transport when that audio was written, so a
  context aggregator after the output sees ``TTSTextFrame``\ s as they are
  spoken. ``OutputTransportMessageFrame`` and ``OutputDTMFFrame`` are sent at
  that point too; their ``Urgent`` forms are sent at once.
* **Bot speaking.** The first chunk of speech broadcasts ``BotStartedSpeakingFrame``
  (downstream and upstream), ``BotSpeakingFrame`` follows every
  ``bot_speaking_period_secs`` while audio flows, and ``BotStoppedSpeakingFrame``
  after ``bot_vad_stop_secs`` without speech (or at once on an interruption).
* **Gaps.** With ``audio_out_auto_silence`` a gap while the bot is speaking is
  filled with silence chunks; without it the writer waits for audio. With a
  mixer (``audio_out_mixer``) the writer never stops: it writes the mixer's
  sound over silence, so background audio keeps playing.
* **Interruptions.** An ``InterruptionFrame`` drops queued audio and
  interruptible frames at once; the chunk being written is the last one heard.
* **End.** An ``EndFrame`` queues ``audio_out_end_silence_secs`` of silence, waits
  (bounded) until everything was written, then passes on.
* **Video.** With ``video_out_enabled``, ``OutputImageRawFrame``\ s are shown
  (repeated at ``video_out_framerate``, or sent as they come with
  ``video_out_is_live``) and ``SpriteFrame``\ s loop their images at the frame
  rate. Images are written as given (no resizing).

Audio pacing uses a :class:`~voxpipe.transports._media_clock.MediaClock`; pass
``media_clock=MediaClock(speed=20)`` in tests to run faster than real time.
Resampling is per frame with the whole-buffer soxr resampler (no added
latency; frame edges are not filtered continuously).
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from voxpipe.audio.resamplers.soxr_resampler import SOXRAudioResampler
from voxpipe.frames._base import Frame, SystemFrame
from voxpipe.frames.frames import (
    BotSpeakingFrame,
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    MixerControlFrame,
    OutputAudioRawFrame,
    OutputDTMFFrame,
    OutputDTMFUrgentFrame,
    OutputImageRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
    OutputTransportReadyFrame,
    SpriteFrame,
    StartFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.transports._dtmf import dtmf_tone
from voxpipe.transports._media_clock import MediaClock
from voxpipe.transports._media_sender import AudioSender, VideoPlayer
from voxpipe.transports.base_transport import TransportParams

__all__ = ["BOT_VAD_STOP_SECS", "BaseOutputTransport"]

logger = logging.getLogger("voxpipe")

#: Seconds without bot audio after which the bot counts as having stopped speaking.
BOT_VAD_STOP_SECS = 0.35

_DOWN = FrameDirection.DOWNSTREAM


class BaseOutputTransport(FrameProcessor):
    """Sends audio, video, DTMF and messages out; see the module docstring.

    Args:
        params: The transport's configuration.
        media_clock: Time source for pacing; real time by default.
        **kwargs: Passed to :class:`FrameProcessor` (e.g. ``name``).
    """

    own_lane = True
    #: Seconds of silence after which ``BotStoppedSpeakingFrame`` is sent.
    bot_vad_stop_secs: ClassVar[float] = BOT_VAD_STOP_SECS
    #: Minimum seconds between two ``BotSpeakingFrame``\ s.
    bot_speaking_period_secs: ClassVar[float] = 0.2
    #: Queued audio beyond this many seconds makes the producer wait.
    max_buffered_audio_secs: ClassVar[float] = 30.0

    def __init__(
        self, params: TransportParams, *, media_clock: MediaClock | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._params = params
        self._media_clock = media_clock or MediaClock()
        self._sample_rate = 0
        self._audio: dict[str | None, AudioSender] = {}
        self._video: dict[str | None, VideoPlayer] = {}
        self._resampler = SOXRAudioResampler()
        self._speaking_senders = 0
        self._last_speaking_frame_at = float("-inf")
        self._warned_destinations: set[str | None] = set()

    # -- configuration ---------------------------------------------------------------

    @property
    def params(self) -> TransportParams:
        """The transport's configuration."""
        return self._params

    @property
    def sample_rate(self) -> int:
        """Output sample rate in Hz (0 until the ``StartFrame``)."""
        return self._sample_rate

    @property
    def audio_chunk_size(self) -> int:
        """Bytes per audio write (``audio_out_10ms_chunks`` x 10 ms)."""
        return (
            (self._sample_rate // 100)
            * self._params.audio_out_channels
            * 2
            * self._params.audio_out_10ms_chunks
        )

    @property
    def media_clock(self) -> MediaClock:
        """The clock audio and video are paced by."""
        return self._media_clock

    @property
    def bot_speaking(self) -> bool:
        """Whether the bot is speaking (speech written within ``bot_vad_stop_secs``)."""
        return self._speaking_senders > 0

    # -- what transports implement ----------------------------------------------------

    async def start(self, frame: StartFrame) -> None:
        """Prepare the output (the base class starts the writers); call ``super().start(frame)``."""
        p = self._params
        self._sample_rate = p.audio_out_sample_rate or frame.audio_out_sample_rate
        if p.audio_out_enabled and not self._audio:
            for dest in [None, *p.audio_out_destinations]:
                sender = AudioSender(
                    self,
                    dest,
                    sample_rate=self._sample_rate,
                    channels=p.audio_out_channels,
                    chunks_10ms=p.audio_out_10ms_chunks,
                    mixer=p.mixer_for(dest),
                    auto_silence=p.audio_out_auto_silence,
                    clock=self._media_clock,
                    max_buffered_secs=self.max_buffered_audio_secs,
                )
                self._audio[dest] = sender
                await self.register_audio_destination(dest)
                await sender.start()
        if p.video_out_enabled and not self._video:
            for dest in [None, *p.video_out_destinations]:
                player = VideoPlayer(
                    self,
                    dest,
                    framerate=p.video_out_framerate,
                    live=p.video_out_is_live,
                    clock=self._media_clock,
                )
                self._video[dest] = player
                await self.register_video_destination(dest)
                await player.start()

    async def stop(self, frame: EndFrame) -> None:
        """Called after the output drained on ``EndFrame``; close connections here."""

    async def cancel(self, frame: CancelFrame) -> None:
        """Called on ``CancelFrame`` after the writers stopped; close connections here."""

    async def cleanup(self) -> None:
        """Stop the writers and mixers if the run ended without ``EndFrame``/``CancelFrame``."""
        await self._stop_writers(speaking_stop=False)
        await super().cleanup()

    async def register_audio_destination(self, destination: str | None) -> None:
        """Called once per audio destination at start (None = the default track)."""

    async def register_video_destination(self, destination: str | None) -> None:
        """Called once per video destination at start (None = the default track)."""

    async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
        """Write one paced chunk (``frame.transport_destination`` names the track).

        The base class calls this at the chunk's playback time; it should not
        sleep to pace. Returns True if the chunk was written.
        """
        return False

    async def write_video_frame(self, frame: OutputImageRawFrame) -> bool:
        """Write one video frame; returns True if written."""
        return False

    async def send_message(
        self, frame: OutputTransportMessageFrame | OutputTransportMessageUrgentFrame
    ) -> None:
        """Send an app message (``frame.message``, usually a dict such as an RTVI message)."""

    async def write_dtmf(self, frame: OutputDTMFFrame | OutputDTMFUrgentFrame) -> None:
        """Send a DTMF key press; the default plays the tone as audio on the frame's destination.

        Transports with native DTMF (SIP, telephony APIs) override this.
        """
        sender = self._audio.get(frame.transport_destination)
        if sender is None:
            logger.warning(
                "%s: cannot play DTMF %s: audio output is not enabled", self, frame.button
            )
            return
        key = getattr(frame.button, "value", frame.button)
        sender.insert_audio_now(dtmf_tone(str(key), sender.sample_rate))

    # -- frame handling ------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Route frames to the writers; see the module docstring for each kind."""
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.start(frame)
            await self.push_frame(frame, direction)
            await self.push_frame(OutputTransportReadyFrame(), FrameDirection.UPSTREAM)
        elif isinstance(frame, CancelFrame):
            await self._stop_writers(speaking_stop=False)
            await self.cancel(frame)
            await self.push_frame(frame, direction)
        elif direction is not _DOWN:
            await self.push_frame(frame, direction)
        elif isinstance(frame, OutputTransportMessageUrgentFrame):
            await self.send_message(frame)
        elif isinstance(frame, OutputDTMFUrgentFrame):
            await self.write_dtmf(frame)
        elif isinstance(frame, SystemFrame):
            await self.push_frame(frame, direction)
        elif isinstance(frame, EndFrame):
            # Drain on a task of its own: the frames the writers release meanwhile
            # must keep flowing through this lane, ahead of the EndFrame.
            self.create_task(self._end(frame), "end")
        elif isinstance(frame, OutputAudioRawFrame) and self._audio:
            await self._queue_audio(frame)
        elif isinstance(frame, (OutputImageRawFrame, SpriteFrame)) and self._video:
            self._queue_image(frame)
        elif isinstance(frame, MixerControlFrame):
            sender = self._audio.get(frame.transport_destination)
            if sender is not None and sender.mixer is not None:
                await sender.mixer.process_frame(frame)
            await self.push_frame(frame, direction)
        else:
            sender = self._sender_for(frame)
            if sender is not None and not sender.is_empty:
                sender.add_frame(frame)
            else:
                await self._release_frame(frame, sender)

    async def _start_interruption(self) -> None:
        await super()._start_interruption()
        for sender in self._audio.values():
            sender.interrupt()
            await self._sender_stopped_speaking(sender)

    async def _queue_audio(self, frame: OutputAudioRawFrame) -> None:
        sender = self._sender_for(frame)
        if sender is None:
            return
        audio = frame.audio
        if frame.sample_rate != sender.sample_rate and audio:
            if frame.num_channels != 1:
                logger.warning("%s: dropping %s: cannot resample multi-channel audio", self, frame)
                return
            audio = await self._resampler.resample(audio, frame.sample_rate, sender.sample_rate)
        if audio:
            await sender.add_audio(audio)

    def _queue_image(self, frame: OutputImageRawFrame | SpriteFrame) -> None:
        dest = frame.transport_destination
        if isinstance(frame, OutputImageRawFrame) and frame.sync_with_audio:
            sender = self._audio.get(dest)
            if sender is not None and not sender.is_empty:
                sender.add_frame(frame)
                return
        player = self._video.get(dest)
        if player is None:
            self._warn_destination(dest)
            return
        player.show(frame)

    def _sender_for(self, frame: Frame) -> AudioSender | None:
        """The writer for ``frame``: its destination's, else the default one (audio to an unknown destination: None)."""
        dest = frame.transport_destination
        sender = self._audio.get(dest)
        if sender is not None:
            return sender
        if isinstance(frame, OutputAudioRawFrame):
            if dest is not None:
                self._warn_destination(dest)
            return None
        return self._audio.get(None)

    def _warn_destination(self, dest: str | None) -> None:
        if dest not in self._warned_destinations:
            self._warned_destinations.add(dest)
            logger.warning("%s: no output destination %r; its media is dropped", self, dest)

    async def _release_frame(self, frame: Frame, sender: AudioSender | None) -> None:
        """Act on a frame whose turn has come (called by a writer or directly)."""
        if isinstance(frame, OutputTransportMessageFrame):
            await self.send_message(frame)
        elif isinstance(frame, OutputDTMFFrame):
            await self.write_dtmf(frame)
        elif isinstance(frame, (OutputImageRawFrame, SpriteFrame)):
            player = self._video.get(frame.transport_destination)
            if player is not None:
                player.show(frame)
        else:
            await self.push_frame(frame, _DOWN)

    async def _end(self, frame: EndFrame) -> None:
        await self._drain()
        await self._stop_writers(speaking_stop=True)
        await self.stop(frame)
        await self.push_frame(frame, _DOWN)

    async def _drain(self) -> None:
        end_silence = self._params.audio_out_end_silence_secs
        default = self._audio.get(None)
        if default is not None and end_silence > 0:
            default.add_silence(end_silence)
        for sender in self._audio.values():
            if not await sender.drain():
                logger.warning(
                    "%s: output %r did not drain in time; ending anyway", self, sender.destination
                )

    async def _stop_writers(self, *, speaking_stop: bool) -> None:
        for sender in self._audio.values():
            await sender.stop()
            if speaking_stop:
                await self._sender_stopped_speaking(sender)
            elif sender.speaking:
                sender.speaking = False
                self._speaking_senders -= 1
        for player in self._video.values():
            await player.stop()
        self._audio.clear()
        self._video.clear()

    # -- bot speaking ----------------------------------------------------------------------

    async def _sender_spoke(self, sender: AudioSender, chunk: OutputAudioRawFrame) -> None:
        if not sender.speaking:
            sender.speaking = True
            self._speaking_senders += 1
            if self._speaking_senders == 1:
                logger.debug("%s: bot started speaking", self)
                await self.broadcast_frame(BotStartedSpeakingFrame)
        now = self._media_clock.now()
        if now - self._last_speaking_frame_at >= self.bot_speaking_period_secs:
            self._last_speaking_frame_at = now
            await self.broadcast_frame(BotSpeakingFrame)
        await self.push_frame(chunk, _DOWN)

    async def _sender_stopped_speaking(self, sender: AudioSender) -> None:
        if not sender.speaking:
            return
        sender.speaking = False
        self._speaking_senders -= 1
        if self._speaking_senders == 0:
            logger.debug("%s: bot stopped speaking", self)
            self._last_speaking_frame_at = float("-inf")
            await self.broadcast_frame(BotStoppedSpeakingFrame)
