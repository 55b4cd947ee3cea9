"""``UserTurnController``: runs the start/stop strategies and owns the turn state.

Used by the user context aggregator and by ``UserTurnProcessor``. For every
frame the host hands it (:meth:`UserTurnController.process_frame`):

1. the speaking flags are updated (VAD and ``UserStarted/StoppedSpeakingFrame``
   for the user, ``BotStarted/StoppedSpeakingFrame`` for the bot); VAD,
   user-speaking and transcription frames push back the stop timeout;
2. each start strategy sees the frame, in order, until one returns ``STOP``;
3. each stop strategy sees it, in order, until one returns ``STOP``.

A strategy triggers through the controller. ``trigger_user_turn_started`` is
ignored while a turn is open; otherwise it opens the turn, resets every
strategy, arms the stop timeout and calls the delegate's
``_on_user_turn_started``. ``trigger_user_turn_stopped`` is ignored without an
open turn; otherwise it closes the turn, resets the stop strategies and calls
``_on_user_turn_stopped``. If no stop strategy fires within
``user_turn_stop_timeout`` seconds of the last user activity while the user is
silent, the delegate's ``_on_user_turn_stop_timeout`` runs and the turn is
closed with ``strategy=None``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    InterimTranscriptionFrame,
    SpeechControlParamsFrame,
    TranscriptionFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.turns.timing import LoopClock, Timer, TurnClock
from voxpipe.turns.types import (
    BaseUserTurnStrategy,
    ProcessFrameResult,
    UserTurnStartedParams,
    UserTurnStoppedParams,
)
from voxpipe.turns.user_start import BaseUserTurnStartStrategy
from voxpipe.turns.user_turn_strategies import UserTurnStrategies

if TYPE_CHECKING:
    from voxpipe.audio.vad.vad_analyzer import VADParams

__all__ = ["UserTurnController", "UserTurnDelegate"]

_ACTIVITY = (
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    TranscriptionFrame,
    InterimTranscriptionFrame,
)


class UserTurnDelegate(Protocol):
    """What the controller calls on its host processor."""

    async def _on_user_turn_started(
        self, strategy: BaseUserTurnStrategy, params: UserTurnStartedParams
    ) -> None: ...

    async def _on_user_turn_stopped(
        self, strategy: BaseUserTurnStrategy | None, params: UserTurnStoppedParams
    ) -> None: ...

    async def _on_user_turn_stop_timeout(self) -> None: ...

    async def _on_reset_aggregation(self) -> None: ...


class UserTurnController:
    """See the module docstring.

    Args:
        processor: The host processor (tasks and pushes go through it); it
            must implement :class:`UserTurnDelegate`.
        strategies: The strategies to run.
        user_turn_stop_timeout: Safety net in seconds (see the module docstring).
        clock: Time source for every timer; the event loop's by default.
    """

    def __init__(
        self,
        processor: FrameProcessor,
        strategies: UserTurnStrategies,
        *,
        user_turn_stop_timeout: float = 5.0,
        clock: TurnClock | None = None,
    ) -> None:
        self._processor = processor
        self._delegate: UserTurnDelegate = processor  # type: ignore[assignment]
        self._start = list(strategies.start or [])
        self._stop = list(strategies.stop or [])
        self._stop_timeout = user_turn_stop_timeout
        self._clock: TurnClock = clock or LoopClock()
        self._user_turn = False
        self._user_speaking = False
        self._bot_speaking = False
        self._vad_params: VADParams | None = None
        self._timeout_timer = Timer(
            self._clock, self._on_stop_timeout, create_task=self.create_task, name="user-turn-stop-timeout"
        )
        self._set_up = False

    # -- host interface for strategies ---------------------------------------------

    @property
    def clock(self) -> TurnClock:
        """Time source for every turn timer."""
        return self._clock

    @property
    def bot_speaking(self) -> bool:
        """Whether the bot is speaking."""
        return self._bot_speaking

    @property
    def user_speaking(self) -> bool:
        """Whether the user is speaking (VAD or external frames)."""
        return self._user_speaking

    @property
    def user_turn_active(self) -> bool:
        """Whether a user turn is open."""
        return self._user_turn

    @property
    def vad_params(self) -> VADParams | None:
        """The VAD parameters last announced."""
        return self._vad_params

    @property
    def start_strategies(self) -> list[BaseUserTurnStartStrategy]:
        """The start strategies, in order."""
        return list(self._start)

    def create_task(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Start a task owned by the host processor."""
        return self._processor.create_task(coroutine, name)

    async def push_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Push ``frame`` from the host processor."""
        await self._processor.push_frame(frame, direction)

    async def broadcast_frame(self, frame: Frame) -> None:
        """Push copies of ``frame`` both ways from the host processor."""
        await self._processor.broadcast_frame_instance(frame)

    async def reset_aggregation(self) -> None:
        """Ask the host to discard the user text aggregated so far."""
        await self._delegate._on_reset_aggregation()

    # -- lifecycle ----------------------------------------------------------------------

    async def setup(self) -> None:
        """Attach every strategy (idempotent)."""
        if self._set_up:
            return
        self._set_up = True
        for strategy in (*self._start, *self._stop):
            await strategy.setup(self)

    async def cleanup(self) -> None:
        """Stop timers and release every strategy."""
        self._timeout_timer.cancel()
        for strategy in (*self._start, *self._stop):
            await strategy.cleanup()

    # -- frames -------------------------------------------------------------------------

    async def process_frame(self, frame: Frame) -> None:
        """Update state from ``frame`` and run the strategies on it."""
        if isinstance(frame, (VADUserStartedSpeakingFrame, UserStartedSpeakingFrame)):
            self._user_speaking = True
        elif isinstance(frame, (VADUserStoppedSpeakingFrame, UserStoppedSpeakingFrame)):
            self._user_speaking = False
        elif isinstance(frame, BotStartedSpeakingFrame):
            self._bot_speaking = True
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._bot_speaking = False
        elif isinstance(frame, SpeechControlParamsFrame) and frame.vad_params is not None:
            self._vad_params = frame.vad_params
        if self._user_turn and isinstance(frame, _ACTIVITY):
            self._timeout_timer.start(self._stop_timeout)
        for strategy in self._start:
            if await strategy.process_frame(frame) is ProcessFrameResult.STOP:
                break
        for stop_strategy in self._stop:
            if await stop_strategy.process_frame(frame) is ProcessFrameResult.STOP:
                break

    # -- triggers -----------------------------------------------------------------------

    async def trigger_user_turn_started(
        self, strategy: BaseUserTurnStrategy, params: UserTurnStartedParams
    ) -> None:
        """Open a user turn; see the module docstring."""
        if self._user_turn:
            return
        self._user_turn = True
        for s in (*self._start, *self._stop):
            await s.reset()
        self._timeout_timer.start(self._stop_timeout)
        await self._delegate._on_user_turn_started(strategy, params)

    async def trigger_user_turn_stopped(
        self, strategy: BaseUserTurnStrategy | None, params: UserTurnStoppedParams
    ) -> None:
        """Close the user turn; see the module docstring."""
        if not self._user_turn:
            return
        self._user_turn = False
        self._timeout_timer.cancel()
        for stop_strategy in self._stop:
            await stop_strategy.reset()
        await self._delegate._on_user_turn_stopped(strategy, params)
        for start_strategy in self._start:
            await start_strategy.user_turn_stopped()

    async def _on_stop_timeout(self) -> None:
        if not self._user_turn:
            return
        if self._user_speaking:
            self._timeout_timer.start(self._stop_timeout)
            return
        await self._delegate._on_user_turn_stop_timeout()
        await self.trigger_user_turn_stopped(None, UserTurnStoppedParams())

    def update_stop_timeout(self, timeout: float) -> None:
        """Change ``user_turn_stop_timeout`` (applies from the next activity)."""
        self._stop_timeout = timeout
