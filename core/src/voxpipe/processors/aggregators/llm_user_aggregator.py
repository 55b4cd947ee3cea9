"""``LLMUserAggregator``: the user's side of the conversation and the turn-taking engine.

Per frame, in this order:

1. **Mute.** User input (VAD and user-speaking frames, input audio,
   transcriptions) is dropped while a mute strategy holds; the strategies then
   see the frame and may change the state, which applies from the next frame
   (``on_user_mute_started``/``on_user_mute_stopped`` fire and
   ``UserMuteStartedFrame``/``UserMuteStoppedFrame`` are broadcast).
2. **VAD** (with ``vad_analyzer``): input audio is analysed; speech edges are
   broadcast as ``VADUserStarted/StoppedSpeakingFrame`` and handled in step 3.
3. **Turns.** Transcripts join the aggregation; the frame goes to the
   :class:`~voxpipe.turns.user_turn_controller.UserTurnController`.

When a turn starts: ``UserStartedSpeakingFrame`` is broadcast (if the strategy
wants it), the pipeline is interrupted by pushing ``InterruptionTaskFrame``
upstream — the task answers with an ``InterruptionFrame`` from the pipeline
start, which passes here and reaches LLM, TTS and output before this push
returns — and ``on_user_turn_started(aggregator, strategy)`` fires.

When it stops: ``UserStoppedSpeakingFrame`` is broadcast, the aggregated text
becomes a user message, the context goes downstream in an ``LLMContextFrame``
and ``on_user_turn_stopped(aggregator, strategy, message)`` fires.

Text transcribed while no turn is open (a backchannel that a min-words
strategy refused) is dropped when the bot starts or stops speaking.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from voxpipe.audio.vad.vad_controller import VADController
from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    InputAudioRawFrame,
    InterimTranscriptionFrame,
    InterruptionFrame,
    InterruptionTaskFrame,
    LLMUpdateSettingsFrame,
    StartFrame,
    TranscriptionFrame,
    UserIdleTimeoutUpdateFrame,
    UserMuteStartedFrame,
    UserMuteStoppedFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    VADParamsUpdateFrame,
)
from voxpipe.processors.aggregators._context_aggregator import LLMContextAggregator
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.aggregators.llm_response import LLMUserAggregatorParams
from voxpipe.processors.aggregators.messages import UserTurnStoppedMessage
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.turns.interruptions import start_strategies_from_interruption_strategies
from voxpipe.turns.timing import LoopClock
from voxpipe.turns.types import BaseUserTurnStrategy, UserTurnStartedParams, UserTurnStoppedParams
from voxpipe.turns.user_idle_controller import UserIdleController
from voxpipe.turns.user_mute.controller import UserMuteController
from voxpipe.turns.user_turn_controller import UserTurnController
from voxpipe.turns.user_turn_strategies import UserTurnStrategies

__all__ = ["LLMUserAggregator"]

logger = logging.getLogger("voxpipe")

_UP = FrameDirection.UPSTREAM
_DOWN = FrameDirection.DOWNSTREAM


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


class LLMUserAggregator(LLMContextAggregator):
    """See the module docstring.

    Args:
        context: The shared context.
        params: Turn, mute, idle and VAD configuration.
        **kwargs: Passed to :class:`FrameProcessor`.

    Events: ``on_user_turn_started(aggregator, strategy)``,
    ``on_user_turn_stopped(aggregator, strategy, message)``,
    ``on_user_turn_stop_timeout(aggregator)``, ``on_user_turn_idle(aggregator)``,
    ``on_user_mute_started(aggregator)``, ``on_user_mute_stopped(aggregator)``.
    """

    def __init__(
        self, context: LLMContext, *, params: LLMUserAggregatorParams | None = None, **kwargs: Any
    ) -> None:
        super().__init__(context=context, role="user", **kwargs)
        self._params = params or LLMUserAggregatorParams()
        self._turn_clock = self._params.clock or LoopClock()
        self._explicit_strategies = self._params.user_turn_strategies is not None
        self._strategies = self._params.user_turn_strategies or UserTurnStrategies()
        self._turns: UserTurnController | None = None
        self._mute = UserMuteController(self._params.user_mute_strategies)
        self._vad = VADController(self._params.vad_analyzer) if self._params.vad_analyzer else None
        self._idle = UserIdleController(
            timeout=self._params.user_idle_timeout,
            on_idle=self._on_idle,
            clock=self._turn_clock,
            create_task=self.create_task,
            user_turn_active=lambda: self._turns is not None and self._turns.user_turn_active,
        )
        self._aggregation: list[str] = []
        self._turn_started_at = ""
        self._user_id: str | None = None
        self._sample_rate = 16000
        for event in (
            "on_user_turn_started",
            "on_user_turn_stopped",
            "on_user_turn_stop_timeout",
            "on_user_turn_idle",
            "on_user_mute_started",
            "on_user_mute_stopped",
        ):
            self._register_event_handler(event)

    # -- state ---------------------------------------------------------------------------

    @property
    def params(self) -> LLMUserAggregatorParams:
        """The configuration."""
        return self._params

    @property
    def turn_controller(self) -> UserTurnController | None:
        """The turn controller (created at ``StartFrame``)."""
        return self._turns

    @property
    def user_turn_active(self) -> bool:
        """Whether a user turn is open."""
        return self._turns is not None and self._turns.user_turn_active

    @property
    def muted(self) -> bool:
        """Whether user input is muted."""
        return self._mute.muted

    @property
    def aggregation(self) -> str:
        """The user text aggregated so far."""
        return " ".join(self._aggregation)

    # -- frames -------------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Mute, VAD, turns, context; see the module docstring."""
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            await self._start(frame)
            return
        if isinstance(frame, (EndFrame, CancelFrame)):
            await self._stop()
            await self.push_frame(frame, direction)
            return
        if self._mute.should_drop(frame) and not isinstance(frame, InterruptionFrame):
            await self._update_mute(frame)
            return
        await self._update_mute(frame)
        self._idle.process_frame(frame)
        if await self._handle_context_frame(frame):
            return
        if isinstance(frame, InputAudioRawFrame):
            await self.push_frame(frame, direction)
            await self._handle_audio(frame)
        elif isinstance(frame, TranscriptionFrame):
            if frame.text.strip():
                self._aggregation.append(frame.text.strip())
                self._user_id = frame.user_id or self._user_id
            await self._turn_frame(frame)
        elif isinstance(frame, InterimTranscriptionFrame):
            await self._turn_frame(frame)
        elif isinstance(frame, VADParamsUpdateFrame):
            if self._vad is not None:
                announce = self._vad.update_params(frame.params)
                await self.broadcast_frame_instance(announce)
                await self._turn_frame(announce)
            else:
                await self.push_frame(frame, direction)
        elif isinstance(frame, UserIdleTimeoutUpdateFrame):
            pass
        else:
            if isinstance(frame, (BotStartedSpeakingFrame, BotStoppedSpeakingFrame)):
                if not self.user_turn_active:
                    self._aggregation.clear()
            await self.push_frame(frame, direction)
            await self._turn_frame(frame)

    async def _turn_frame(self, frame: Frame) -> None:
        if self._turns is not None:
            await self._turns.process_frame(frame)

    async def _handle_audio(self, frame: InputAudioRawFrame) -> None:
        if self._vad is not None:
            for out in await self._vad.process_audio(frame.audio, frame.sample_rate or self._sample_rate):
                await self.broadcast_frame_instance(out)
                self._idle.process_frame(out)
                await self._turn_frame(out)
        await self._turn_frame(frame)

    async def _update_mute(self, frame: Frame) -> None:
        changed = await self._mute.update(frame)
        if changed is not None:
            await self._announce_mute(changed)

    async def _announce_mute(self, muted: bool) -> None:
        if muted:
            await self.broadcast_frame(UserMuteStartedFrame)
            await self._call_event_handler("on_user_mute_started")
        else:
            await self.broadcast_frame(UserMuteStoppedFrame)
            await self._call_event_handler("on_user_mute_stopped")

    # -- lifecycle ------------------------------------------------------------------------

    async def _start(self, frame: StartFrame) -> None:
        self._sample_rate = frame.audio_in_sample_rate
        strategies = self._strategies
        deprecated = list(getattr(frame, "interruption_strategies", []) or [])
        if deprecated and not self._explicit_strategies:
            strategies = UserTurnStrategies(
                start=start_strategies_from_interruption_strategies(deprecated),
                stop=strategies.stop,
            )
        self._turns = UserTurnController(
            self,
            strategies,
            user_turn_stop_timeout=self._params.user_turn_stop_timeout,
            clock=self._turn_clock,
        )
        await self._turns.setup()
        await self._turns.process_frame(frame)
        if self._vad is not None:
            announce = self._vad.start(frame.audio_in_sample_rate)
            await self.broadcast_frame_instance(announce)
            await self._turns.process_frame(announce)
        if self._mute.muted:
            await self._announce_mute(True)
        if self._params.filter_incomplete_user_turns:
            await self._enable_turn_completion()

    async def _enable_turn_completion(self) -> None:
        from voxpipe.turns.user_turn_completion_mixin import UserTurnCompletionConfig

        config = self._params.user_turn_completion_config or UserTurnCompletionConfig()
        await self.push_frame(
            LLMUpdateSettingsFrame(
                settings={"filter_incomplete_user_turns": True, "user_turn_completion_config": config}
            ),
            _DOWN,
        )

    async def _stop(self) -> None:
        self._idle.cancel()
        if self._turns is not None:
            await self._turns.cleanup()
        if self._vad is not None:
            await self._vad.analyzer.cleanup()

    async def cleanup(self) -> None:
        """Stop timers and strategies."""
        await self._stop()
        await super().cleanup()

    # -- controller delegate ---------------------------------------------------------------

    async def _on_user_turn_started(
        self, strategy: BaseUserTurnStrategy, params: UserTurnStartedParams
    ) -> None:
        self._turn_started_at = _now_iso()
        self._idle.cancel()
        if params.enable_user_speaking_frames:
            await self.broadcast_frame(UserStartedSpeakingFrame)
        if params.enable_interruptions and self.interruptions_allowed:
            await self.push_frame(InterruptionTaskFrame(), _UP)
        await self._call_event_handler("on_user_turn_started", strategy)

    async def _on_user_turn_stopped(
        self, strategy: BaseUserTurnStrategy | None, params: UserTurnStoppedParams
    ) -> None:
        if params.enable_user_speaking_frames:
            await self.broadcast_frame(UserStoppedSpeakingFrame)
        text = " ".join(self._aggregation).strip()
        self._aggregation.clear()
        message = UserTurnStoppedMessage(
            content=text, timestamp=self._turn_started_at or _now_iso(), user_id=self._user_id
        )
        if text:
            self._context.add_message({"role": "user", "content": text})
            await self.push_context_frame()
        await self._call_event_handler("on_user_turn_stopped", strategy, message)

    async def _on_user_turn_stop_timeout(self) -> None:
        await self._call_event_handler("on_user_turn_stop_timeout")

    async def _on_reset_aggregation(self) -> None:
        self._aggregation.clear()

    async def _on_idle(self) -> None:
        await self._call_event_handler("on_user_turn_idle")
