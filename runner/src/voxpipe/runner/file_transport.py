r"""``FileTransport``: a WAV file plays the user, another WAV records the bot.

For tests and batch runs (``voxpipe run bot.py -t file --input q.wav --output r.wav``)::

    transport = FileTransport("question.wav", "answer.wav",
                              params=TransportParams(audio_in_enabled=True, audio_out_enabled=True))
    task = PipelineTask(Pipeline([transport.input(), stt, ..., tts, transport.output()]))
    await PipelineRunner().run(task)      # returns once the bot has answered

**Input side.** The WAV (8/16/24/32-bit PCM, any rate, any channel count;
mixed down to mono and resampled to the pipeline's input rate) is streamed as
20 ms ``InputAudioRawFrame``\ s at playback speed, followed by
``trailing_silence_secs`` of silence so VAD and turn detection can finish.
Then the input waits for the bot: once the bot has spoken after the input's
speech ended (or was still speaking then) and has been quiet for ``end_quiet_secs`` (all
bounded by ``max_wait_secs``, after which it ends anyway) it asks the task to end
(``EndTaskFrame`` upstream), so the output drains and the run returns.

**Output side.** The bot's audio is written to the output WAV at the output
rate (16-bit mono, or ``audio_out_channels``). Gaps between the bot's turns are
written as silence as they happen, so the output timeline lines up with the
input's: a reply that started 2.4 s into the session starts 2.4 s into the file.

**Speed.** ``speed`` > 1 runs the media clock faster than real time (both
sides: input streaming, output pacing, the end waits). The bot's own timers
(turn detection, an LLM) still take real time, so very high speeds can end a
session before a slow bot answers; ``speed=1`` is what a person would hear.

Events: ``on_client_connected(transport, client)`` when the pipeline starts and
``on_client_disconnected(transport, client)`` when it ends, with ``client`` the
input path, so bots written for WebRTC clients start and stop the same way.
"""

from __future__ import annotations

import asyncio
import logging
import wave
from pathlib import Path
from typing import Any

import numpy as np

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    ClientConnectedFrame,
    EndFrame,
    EndTaskFrame,
    InputAudioRawFrame,
    OutputAudioRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
    StartFrame,
)
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.transports._media_clock import MediaClock
from voxpipe.transports.base_input import BaseInputTransport
from voxpipe.transports.base_output import BaseOutputTransport
from voxpipe.transports.base_transport import BaseTransport, TransportParams

__all__ = ["FileInputTransport", "FileOutputTransport", "FileTransport", "read_wav"]

logger = logging.getLogger("voxpipe")

#: Input chunk length in seconds.
CHUNK_SECS = 0.02


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Read a PCM WAV as mono float32 samples in [-1, 1] and its sample rate.

    Raises:
        ValueError: The file is not a PCM WAV this reader understands.
    """
    try:
        with wave.open(str(path), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"{path}: not a PCM WAV file ({exc})") from exc
    if width == 1:
        samples = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        samples = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        ints = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        ints = np.where(ints & 0x800000, ints - 0x1000000, ints)
        samples = ints.astype(np.float32) / 8388608.0
    elif width == 4:
        samples = np.frombuffer(raw, "<i4").astype(np.float32) / 2147483648.0
    else:  # pragma: no cover - wave only yields 1-4
        raise ValueError(f"{path}: unsupported sample width {width}")
    if channels > 1:
        samples = samples[: len(samples) - len(samples) % channels]
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def _to_pcm16(samples: np.ndarray, in_rate: int, out_rate: int) -> bytes:
    if in_rate != out_rate and len(samples):
        import soxr

        samples = soxr.resample(samples, in_rate, out_rate, quality="HQ")
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


class FileInputTransport(BaseInputTransport):
    """Streams the input WAV, then trailing silence, then waits for the bot and ends."""

    def __init__(self, transport: FileTransport, params: TransportParams, **kwargs: Any) -> None:
        super().__init__(params, **kwargs)
        self._transport = transport
        self._media = transport.media_clock
        self._feed_task: asyncio.Task[Any] | None = None
        self._bot_speaking = False
        self._last_bot_activity = float("-inf")
        self.finished = asyncio.Event()

    async def start(self, frame: StartFrame) -> None:
        """Start input, announce the "client" and begin streaming the file."""
        await super().start(frame)
        # No client will ever say client-ready: stream regardless of the params.
        await self.start_audio_in_streaming()
        await self._transport._call_event_handler("on_client_connected", self._transport.client)
        await self.push_frame(ClientConnectedFrame(), FrameDirection.DOWNSTREAM)
        if self._feed_task is None:
            self._feed_task = self.create_task(self._feed(), "file-input")

    async def stop(self, frame: EndFrame) -> None:
        """Stop streaming and say the client left."""
        await self._stop_feed()
        await super().stop(frame)
        await self._transport._client_left()

    async def cancel(self, frame: CancelFrame) -> None:
        """Stop streaming at once."""
        await self._stop_feed()
        await super().cancel(frame)
        await self._transport._client_left()

    async def _stop_feed(self) -> None:
        if self._feed_task is not None:
            await self.cancel_task(self._feed_task, 1.0)
            self._feed_task = None

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Track the bot's speech (the output broadcasts it upstream to here)."""
        if isinstance(frame, BotStartedSpeakingFrame):
            self._bot_speaking = True
            self._last_bot_activity = self._media.now()
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._bot_speaking = False
            self._last_bot_activity = self._media.now()
        await super().process_frame(frame, direction)

    async def _feed(self) -> None:
        try:
            await self._play()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # an unreadable file must end the session, not hang it
            await self.push_error(f"{self}: cannot play {self._transport.input_path}: {exc}", exc)
            self.finished.set()
            await self.push_frame(
                EndTaskFrame(reason=f"file input failed: {exc}"), FrameDirection.UPSTREAM
            )

    async def _play(self) -> None:
        t = self._transport
        rate = self.sample_rate
        samples, file_rate = await asyncio.to_thread(read_wav, t.input_path)
        pcm = _to_pcm16(samples, file_rate, rate)
        chunk = int(rate * CHUNK_SECS) * 2
        silence = bytes(chunk)
        n_speech = -(-len(pcm) // chunk)
        n_total = n_speech + round(t.trailing_silence_secs / CHUNK_SECS)
        logger.info(
            "%s: playing %s (%.2fs at %d Hz) then %.1fs of silence",
            self,
            t.input_path,
            len(pcm) / 2 / rate,
            rate,
            t.trailing_silence_secs,
        )
        origin = self._media.now()
        speech_end = origin + n_speech * CHUNK_SECS
        for i in range(n_total):
            # Pace by absolute time so scheduling jitter does not accumulate.
            await self._media.sleep(origin + i * CHUNK_SECS - self._media.now())
            audio = pcm[i * chunk : (i + 1) * chunk] if i < n_speech else silence
            if len(audio) < chunk:
                audio += bytes(chunk - len(audio))
            await self.push_audio_frame(
                InputAudioRawFrame(audio=audio, sample_rate=rate, num_channels=1)
            )
        await self._wait_for_bot(speech_end)
        self.finished.set()
        logger.info("%s: input done and the bot is quiet; ending the session", self)
        await self.push_frame(EndTaskFrame(reason="file input finished"), FrameDirection.UPSTREAM)

    async def _wait_for_bot(self, speech_end: float) -> None:
        """Wait until the bot answered the input and then stayed quiet (bounded)."""
        t = self._transport
        clock = self._media
        deadline = clock.now() + t.max_wait_secs
        answered = False
        while clock.now() < deadline:
            # An answer is bot speech going on at, or happening after, the end of the input's speech.
            answered = answered or self._bot_speaking or self._last_bot_activity > speech_end
            if answered and not self._bot_speaking:
                if clock.now() - self._last_bot_activity >= t.end_quiet_secs:
                    return
            await clock.sleep(0.05)
        logger.warning(
            "%s: no complete answer from the bot %.0fs after the input ended; ending anyway",
            self,
            t.max_wait_secs,
        )


class FileOutputTransport(BaseOutputTransport):
    """Records the bot's audio into the output WAV, silence gaps included."""

    def __init__(self, transport: FileTransport, params: TransportParams, **kwargs: Any) -> None:
        super().__init__(params, media_clock=transport.media_clock, **kwargs)
        self._transport = transport
        self._wav: wave.Wave_write | None = None
        self._origin = 0.0
        self._written = 0  # sample frames in the file
        self.messages: list[Any] = []

    async def start(self, frame: StartFrame) -> None:
        """Open the output WAV at the output rate."""
        await super().start(frame)
        if self._wav is None:
            path = Path(self._transport.output_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            wav = wave.open(str(path), "wb")
            wav.setnchannels(self._params.audio_out_channels)
            wav.setsampwidth(2)
            wav.setframerate(self.sample_rate)
            self._wav = wav
            self._origin = self.media_clock.now()
            self._written = 0

    async def stop(self, frame: EndFrame) -> None:
        """Pad to the session's length and close the WAV."""
        self._close(pad=True)

    async def cancel(self, frame: CancelFrame) -> None:
        """Close the WAV with what was recorded."""
        self._close(pad=True)

    def _pad_to_now(self) -> None:
        if self._wav is None:
            return
        due = int((self.media_clock.now() - self._origin) * self.sample_rate)
        # Only gaps longer than a write: pacing jitter must not insert clicks of silence.
        chunk_frames = self.audio_chunk_size // (2 * self._params.audio_out_channels)
        gap = due - self._written - chunk_frames
        if gap > 0:
            self._wav.writeframes(bytes(gap * 2 * self._params.audio_out_channels))
            self._written += gap

    async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
        """Append one paced chunk, after the silence since the previous one."""
        if self._wav is None:
            return False
        self._pad_to_now()
        self._wav.writeframes(frame.audio)
        self._written += len(frame.audio) // (2 * self._params.audio_out_channels)
        return True

    async def send_message(
        self, frame: OutputTransportMessageFrame | OutputTransportMessageUrgentFrame
    ) -> None:
        """Keep app messages (RTVI ...) in :attr:`messages`; there is no client to send them to."""
        if len(self.messages) < 10_000:
            self.messages.append(frame.message)

    def _close(self, *, pad: bool) -> None:
        if self._wav is None:
            return
        if pad:
            self._pad_to_now()
        self._wav.close()
        self._wav = None
        logger.info(
            "%s: wrote %s (%.2fs)",
            self,
            self._transport.output_path,
            self._written / max(self.sample_rate, 1),
        )


class FileTransport(BaseTransport):
    """A transport whose user is a WAV file and whose speaker is another; see the module docstring.

    Args:
        input_path: The WAV played as the user.
        output_path: Where the bot's audio is recorded (created or replaced).
        params: Transport configuration (``audio_in_enabled``/``audio_out_enabled``
            are forced on: the transport exists to move audio).
        speed: Media seconds per real second (1.0 = real time).
        trailing_silence_secs: Silence after the input so VAD/turn detection finish.
        end_quiet_secs: Bot quiet time that ends the session after the input.
        max_wait_secs: Longest wait for the bot after the input (then it ends anyway).
        **kwargs: Passed to :class:`BaseTransport` (``name``, ``input_name``, ``output_name``).

    Raises:
        FileNotFoundError: ``input_path`` does not exist.
        ValueError: A duration or the speed is not usable.
    """

    def __init__(
        self,
        input_path: str | Path,
        output_path: str | Path,
        params: TransportParams | None = None,
        *,
        speed: float = 1.0,
        trailing_silence_secs: float = 3.0,
        end_quiet_secs: float = 1.0,
        max_wait_secs: float = 30.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not Path(input_path).is_file():
            raise FileNotFoundError(f"input WAV not found: {input_path}")
        if trailing_silence_secs < 0 or end_quiet_secs < 0 or max_wait_secs <= 0:
            raise ValueError("silence and wait durations must be >= 0 (max_wait_secs > 0)")
        self.input_path = str(input_path)
        self.output_path = str(output_path)
        self.trailing_silence_secs = trailing_silence_secs
        self.end_quiet_secs = end_quiet_secs
        self.max_wait_secs = max_wait_secs
        self.media_clock = MediaClock(speed)
        params = params or TransportParams()
        self._params = msgspec_replace(params, audio_in_enabled=True, audio_out_enabled=True)
        self._input: FileInputTransport | None = None
        self._output: FileOutputTransport | None = None
        self._client_gone = False
        self._register_event_handler("on_client_connected")
        self._register_event_handler("on_client_disconnected")

    @property
    def client(self) -> str:
        """What stands for the client in events: the input path."""
        return self.input_path

    def input(self) -> FileInputTransport:
        """The input processor (created on first call)."""
        if self._input is None:
            self._input = FileInputTransport(self, self._params, name=self._input_name)
        return self._input

    def output(self) -> FileOutputTransport:
        """The output processor (created on first call)."""
        if self._output is None:
            self._output = FileOutputTransport(self, self._params, name=self._output_name)
        return self._output

    async def _client_left(self) -> None:
        if not self._client_gone:
            self._client_gone = True
            await self._call_event_handler("on_client_disconnected", self.client)


def msgspec_replace(params: TransportParams, **changes: Any) -> TransportParams:
    """Return a copy of ``params`` (any ``TransportParams`` subclass) with ``changes``."""
    import msgspec

    return msgspec.structs.replace(params, **changes)
