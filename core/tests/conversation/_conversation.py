"""A scripted conversation: fake STT → user aggregator → fake LLM → fake TTS → fake output → assistant aggregator."""

from __future__ import annotations

import asyncio
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import EndFrame, StartFrame
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.aggregators.llm_response_universal import (
    LLMAssistantAggregatorParams,
    LLMContextAggregatorPair,
    LLMUserAggregatorParams,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.testing.fakes import (
    FakeLLMService,
    FakeOutputTransport,
    FakeSTTService,
    FakeTTSService,
    FakeVADAnalyzer,
    ManualClock,
    input_audio,
    settle,
    silence_chunk,
    speech_chunk,
)
from voxpipe.turns.user_stop import SpeechTimeoutUserTurnStopStrategy
from voxpipe.turns.user_start import TranscriptionUserTurnStartStrategy, VADUserTurnStartStrategy
from voxpipe.turns.user_turn_strategies import UserTurnStrategies

CHUNK = 0.02


class Recorder(FrameProcessor):
    """Records every frame that passes, with the clock time."""

    def __init__(self, clock: ManualClock, **kw: Any) -> None:
        super().__init__(**kw)
        self._tclock = clock
        self.frames: list[tuple[float, FrameDirection, Frame]] = []

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        self.frames.append((self._tclock.time(), direction, frame))
        await self.push_frame(frame, direction)

    def of(self, cls: type, direction: FrameDirection | None = None) -> list[tuple[float, Frame]]:
        return [(t, f) for t, d, f in self.frames if isinstance(f, cls) and (direction is None or d is direction)]


def simple_strategies(**kw: Any) -> UserTurnStrategies:
    return UserTurnStrategies(
        start=kw.get("start") or [VADUserTurnStartStrategy(), TranscriptionUserTurnStartStrategy()],
        stop=kw.get("stop") or [SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0.3)],
    )


class Conversation:
    """Runs the pipeline on a manual clock; the script talks and advances time."""

    def __init__(
        self,
        *,
        responses: Any = (),
        user_params: LLMUserAggregatorParams | None = None,
        assistant_params: LLMAssistantAggregatorParams | None = None,
        context: LLMContext | None = None,
        stt_latency: float = 0.1,
        token_delay: float = 0.0,
        pipeline_params: PipelineParams | None = None,
        llm: FrameProcessor | None = None,
        tts: FrameProcessor | None = None,
    ) -> None:
        self.clock = ManualClock()
        self.context = context or LLMContext([{"role": "system", "content": "Be brief."}])
        params = user_params or LLMUserAggregatorParams(user_turn_strategies=simple_strategies())
        if params.clock is None:
            params.clock = self.clock
        if params.vad_analyzer is None:
            params.vad_analyzer = FakeVADAnalyzer()
        aparams = assistant_params or LLMAssistantAggregatorParams()
        if aparams.clock is None:
            aparams.clock = self.clock
        self.user, self.assistant = LLMContextAggregatorPair(
            self.context, user_params=params, assistant_params=aparams
        )
        self.stt = FakeSTTService(clock=self.clock, latency=stt_latency)
        # ``llm=``: any LLM processor instead of the fake (e.g. a scripted ``LLMService``)
        self.llm: Any = llm or FakeLLMService(clock=self.clock, responses=responses, token_delay=token_delay)
        self.tts: Any = tts or FakeTTSService(chunk_secs=CHUNK)
        self.output = FakeOutputTransport(clock=self.clock)
        self.rec_user = Recorder(self.clock, name="AfterUser")
        self.rec_end = Recorder(self.clock, name="End")
        self.task = PipelineTask(
            Pipeline([self.stt, self.user, self.rec_user, self.llm, self.tts, self.output, self.assistant, self.rec_end]),
            params=pipeline_params or PipelineParams(),
            idle_timeout_secs=None,
            enable_turn_tracking=False,
        )
        self._run: asyncio.Task[Any] | None = None

    async def __aenter__(self) -> Conversation:
        started = asyncio.Event()

        @self.task.event_handler("on_pipeline_started")
        async def _started(_t: Any, _f: StartFrame) -> None:
            started.set()

        runner = PipelineRunner(handle_sigint=False, handle_sigterm=False)
        self._run = asyncio.get_running_loop().create_task(runner.run(self.task))
        await asyncio.wait_for(started.wait(), 2.0)
        await settle()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self._run is not None
        await self.task.queue_frame(EndFrame())
        for _ in range(200):
            if self._run.done():
                break
            await self.clock.advance(0.1)
        if not self._run.done():
            await self.task.cancel()
        await asyncio.wait_for(self._run, 5.0)

    async def audio(self, audio: bytes) -> None:
        await self.task.queue_frame(input_audio(audio))

    async def user_says(self, text: str | None, secs: float = 0.6) -> None:
        """Speech audio for ``secs`` (the STT will transcribe it as ``text``)."""
        if text is not None:
            self.stt.expect(text)
        for _ in range(round(secs / CHUNK)):
            await self.audio(speech_chunk(CHUNK))
            await self.clock.advance(CHUNK)

    async def silence(self, secs: float) -> None:
        """Silent input audio for ``secs``."""
        for _ in range(round(secs / CHUNK)):
            await self.audio(silence_chunk(CHUNK))
            await self.clock.advance(CHUNK)

    def events(self, processor: Any, *names: str) -> list[tuple[str, tuple]]:
        """Record events ``names`` of ``processor`` into a list (returned)."""
        log: list[tuple[str, tuple]] = []
        for name in names:
            processor.add_event_handler(name, lambda _p, *a, _n=name: log.append((_n, a)))
        return log
