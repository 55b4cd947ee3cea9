"""Deterministic fakes for conversation tests: clock, VAD, STT, LLM, TTS, output transport.

Plugin authors use them to test a real service against scripted neighbours::

    from voxpipe.testing.fakes import Conversation

    clock = ManualClock()
    pipeline = Pipeline([FakeSTTService(clock=clock), user_aggregator,
                         FakeLLMService(clock=clock, responses=["Hi there."]),
                         FakeTTSService(), FakeOutputTransport(clock=clock), assistant_aggregator])
    ...  # queue input_audio(speech_chunk(0.02)) frames, await clock.advance(0.02) between them

Everything that waits (turn timers, audio playback) waits on one
:class:`ManualClock`; :meth:`ManualClock.advance` moves time forward, firing
timers in deadline order and letting the event loop settle after each, so a
scripted conversation runs in milliseconds and the same way every time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from voxpipe.audio.vad.vad_analyzer import VADAnalyzer, VADParams
from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotSpeakingFrame,
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    EndFrame,
    InputAudioRawFrame,
    InterruptionFrame,
    LLMContextFrame,
    LLMContextSummaryRequestFrame,
    LLMContextSummaryResultFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    OutputAudioRawFrame,
    StartFrame,
    STTMetadataFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
    TTSTextFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.turns.timing import Timer

__all__ = [
    "FakeLLMService",
    "FakeOutputTransport",
    "FakeSTTService",
    "FakeTTSService",
    "FakeVADAnalyzer",
    "LLMRequest",
    "ManualClock",
    "PlayedChunk",
    "input_audio",
    "settle",
    "silence_chunk",
    "speech_chunk",
]

_DOWN, _UP = FrameDirection.DOWNSTREAM, FrameDirection.UPSTREAM


async def settle(max_rounds: int = 2000) -> None:
    """Let every runnable task run until the loop has nothing ready (bounded)."""
    loop = asyncio.get_running_loop()
    quiet = 0
    for _ in range(max_rounds):
        await asyncio.sleep(0)
        ready = getattr(loop, "_ready", None)
        if ready is None:
            quiet += 1
        elif len(ready) == 0:
            quiet += 1
        else:
            quiet = 0
        if quiet >= 3:
            return


class ManualClock:
    """A :class:`~voxpipe.turns.timing.TurnClock` that moves only when told to.

    Args:
        start: Initial time in seconds.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def time(self) -> float:
        """Current virtual time in seconds."""
        return self._now

    async def sleep(self, seconds: float) -> None:
        """Wait until :meth:`advance` passes ``now + seconds`` (0: just yield)."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._seq), future))
        await future

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking sleepers in deadline order and settling after each."""
        target = self._now + max(0.0, seconds)
        await settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, future = heapq.heappop(self._sleepers)
            if future.done():
                continue
            self._now = max(self._now, deadline)
            future.set_result(None)
            await settle()
        self._now = target
        await settle()


class FakeVADAnalyzer(VADAnalyzer):
    """Speech is any window with a non-zero sample; 20 ms windows; loudness unsmoothed."""

    volume_smoothing = 1.0

    def __init__(self, *, params: VADParams | None = None, window_ms: int = 20, **kwargs: Any) -> None:
        super().__init__(params=params, **kwargs)
        self._window_ms = window_ms

    def num_frames_required(self) -> int:
        """Samples in one window."""
        return self.sample_rate * self._window_ms // 1000

    def voice_confidence(self, buffer: bytes) -> float:
        """1.0 when any sample is non-zero."""
        return 1.0 if any(buffer) else 0.0

    def volume(self, buffer: bytes) -> float:
        """1.0 when any sample is non-zero."""
        return 1.0 if any(buffer) else 0.0


def speech_chunk(secs: float, sample_rate: int = 16000) -> bytes:
    """Non-silent 16-bit PCM of ``secs`` seconds."""
    return b"\x10\x10" * int(sample_rate * secs)


def silence_chunk(secs: float, sample_rate: int = 16000) -> bytes:
    """Digital silence of ``secs`` seconds."""
    return b"\x00\x00" * int(sample_rate * secs)


class FakeSTTService(FrameProcessor):
    """Transcribes scripted text: what :meth:`expect` was told, ``latency`` after each VAD stop.

    Args:
        clock: The conversation clock.
        latency: Seconds from VAD stop to the final transcript.
        ttfs_p99_latency: Announced in ``STTMetadataFrame`` at start.
    """

    own_lane = True

    def __init__(self, *, clock: ManualClock, latency: float = 0.1, ttfs_p99_latency: float = 0.3, **kw: Any) -> None:
        super().__init__(**kw)
        self._tclock = clock
        self.latency = latency
        self._p99 = ttfs_p99_latency
        self._pending: list[str] = []

    def expect(self, text: str) -> None:
        """Queue ``text`` as the transcript of the next utterance."""
        self._pending.append(text)

    async def transcribe(self, text: str) -> None:
        """Push a final transcript now (no audio involved)."""
        await self.push_frame(TranscriptionFrame(text, "user", "", finalized=True))

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Pass everything; emit transcripts after VAD stops."""
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.push_frame(STTMetadataFrame(service_name=self.name, ttfs_p99_latency=self._p99))
        elif isinstance(frame, VADUserStoppedSpeakingFrame) and self._pending:
            text = self._pending.pop(0)
            self.create_task(self._later(text), "transcript")

    async def _later(self, text: str) -> None:
        await self._tclock.sleep(self.latency)
        await self.transcribe(text)


@dataclass
class LLMRequest:
    """One context the fake LLM received.

    Attributes:
        at: Clock time of arrival.
        wall: ``time.perf_counter()`` at arrival (for overhead measurements).
        messages: A copy of the context messages.
    """

    at: float
    wall: float
    messages: list[Any] = field(default_factory=list)


class FakeLLMService(FrameProcessor):
    """Answers each ``LLMContextFrame`` with the next scripted response, token by token.

    Args:
        clock: The conversation clock.
        responses: Replies in order, or a callable ``(messages) -> str``.
        token_delay: Clock seconds between tokens (0: instant).
    """

    own_lane = True

    def __init__(
        self,
        *,
        clock: ManualClock,
        responses: Sequence[str] | Callable[[list[Any]], str] = (),
        token_delay: float = 0.0,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self._tclock = clock
        self._responses = responses if callable(responses) else list(responses)
        self._token_delay = token_delay
        self.requests: list[LLMRequest] = []
        self.summary_requests: list[LLMContextSummaryRequestFrame] = []

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Answer contexts and summary requests; pass the rest."""
        await super().process_frame(frame, direction)
        if isinstance(frame, LLMContextFrame):
            messages = [dict(m) if isinstance(m, dict) else m for m in frame.context.messages]
            self.requests.append(LLMRequest(self._tclock.time(), time.perf_counter(), messages))
            await self._respond(messages)
        elif isinstance(frame, LLMContextSummaryRequestFrame):
            self.summary_requests.append(frame)
            n = len(frame.context.messages)
            await self.push_frame(
                LLMContextSummaryResultFrame(
                    request_id=frame.request_id,
                    summary=f"summary of {n} messages",
                    last_summarized_index=n - frame.min_messages_to_keep - 1,
                )
            )
        else:
            await self.push_frame(frame, direction)

    async def _respond(self, messages: list[Any]) -> None:
        if callable(self._responses):
            text = self._responses(messages)
        elif self._responses:
            text = self._responses.pop(0)
        else:
            text = "OK."
        await self.push_frame(LLMFullResponseStartFrame())
        for token in re.findall(r"\S+\s*", text):
            if self._token_delay:
                await self._tclock.sleep(self._token_delay)
            await self.push_frame(LLMTextFrame(token))
        await self.push_frame(LLMFullResponseEndFrame())


class FakeTTSService(FrameProcessor):
    """Speaks sentences: for each, audio chunks then a ``TTSTextFrame`` (text after its audio).

    Args:
        sample_rate: Output sample rate.
        chunk_secs: Duration of each audio frame.
        secs_per_word: Speech duration per word.
    """

    own_lane = True

    def __init__(self, *, sample_rate: int = 16000, chunk_secs: float = 0.02, secs_per_word: float = 0.2, **kw: Any) -> None:
        super().__init__(**kw)
        self._rate = sample_rate
        self._chunk = chunk_secs
        self._per_word = secs_per_word
        self._buffer = ""
        self._in_context = False

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Turn LLM text into audio and text frames."""
        await super().process_frame(frame, direction)
        if isinstance(frame, InterruptionFrame):
            self._buffer, self._in_context = "", False
            await self.push_frame(frame, direction)
        elif isinstance(frame, LLMTextFrame) and direction is _DOWN and frame.skip_tts:
            await self.push_frame(frame, direction)  # not for speaking, as the real TTSService
        elif isinstance(frame, LLMTextFrame) and direction is _DOWN:
            self._buffer += frame.text
            while m := re.search(r"[.!?]\s+", self._buffer):
                sentence, self._buffer = self._buffer[: m.end()].strip(), self._buffer[m.end() :]
                await self._speak(sentence)
        elif isinstance(frame, LLMFullResponseEndFrame):
            if self._buffer.strip():
                await self._speak(self._buffer.strip())
            self._buffer = ""
            if self._in_context:
                self._in_context = False
                await self.push_frame(TTSStoppedFrame())
            await self.push_frame(frame, direction)
        elif isinstance(frame, TTSSpeakFrame):
            await self._speak(frame.text)
            self._in_context = False
            await self.push_frame(TTSStoppedFrame())
        else:
            await self.push_frame(frame, direction)

    async def _speak(self, sentence: str) -> None:
        if not self._in_context:
            self._in_context = True
            await self.push_frame(TTSStartedFrame())
        chunks = max(1, round(len(sentence.split()) * self._per_word / self._chunk))
        audio = b"\x01\x01" * int(self._rate * self._chunk)
        for _ in range(chunks):
            await self.push_frame(TTSAudioRawFrame(audio=audio, sample_rate=self._rate, num_channels=1))
        await self.push_frame(TTSTextFrame(sentence, aggregated_by="sentence"))


@dataclass
class PlayedChunk:
    """One output chunk that finished playing.

    Attributes:
        at: Clock time when it finished.
        frame: The audio frame.
    """

    at: float
    frame: OutputAudioRawFrame


class FakeOutputTransport(FrameProcessor):
    """Plays audio in real (clock) time and reports bot speech like an output transport.

    ``BotStartedSpeakingFrame`` is broadcast before the first chunk, a
    ``BotSpeakingFrame`` every ``speaking_every`` chunks, and
    ``BotStoppedSpeakingFrame`` after ``bot_stop_secs`` without audio or at
    once on an interruption. Other frames pass on in order, after the audio
    before them has played.
    """

    own_lane = True

    def __init__(self, *, clock: ManualClock, bot_stop_secs: float = 0.35, speaking_every: int = 10, **kw: Any) -> None:
        super().__init__(**kw)
        self._tclock = clock
        self._stop_secs = bot_stop_secs
        self._every = speaking_every
        self.speaking = False
        self.played: list[PlayedChunk] = []
        self._count = 0
        self._timer: Timer | None = None

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Play audio; report speaking state; pass the rest."""
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            self._timer = Timer(self._tclock, self._silent, create_task=self.create_task, name="bot-stop")
        if isinstance(frame, OutputAudioRawFrame) and direction is _DOWN:
            await self._play(frame)
            return
        if isinstance(frame, InterruptionFrame) and self.speaking:
            await self.push_frame(frame, direction)
            await self._silent()
            return
        if isinstance(frame, EndFrame) and self._timer is not None:
            self._timer.cancel()
        await self.push_frame(frame, direction)

    async def _play(self, frame: OutputAudioRawFrame) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if not self.speaking:
            self.speaking = True
            await self.broadcast_frame(BotStartedSpeakingFrame)
        await self._tclock.sleep(len(frame.audio) / 2 / frame.sample_rate)
        self.played.append(PlayedChunk(self._tclock.time(), frame))
        self._count += 1
        if self._count % self._every == 0:
            await self.broadcast_frame(BotSpeakingFrame)
        if self._timer is not None:
            self._timer.start(self._stop_secs)

    async def _silent(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self.speaking:
            self.speaking = False
            await self.broadcast_frame(BotStoppedSpeakingFrame)


def input_audio(audio: bytes, sample_rate: int = 16000) -> InputAudioRawFrame:
    """An ``InputAudioRawFrame`` of mono ``audio``."""
    return InputAudioRawFrame(audio=audio, sample_rate=sample_rate, num_channels=1)
