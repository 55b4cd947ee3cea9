"""Shared types of turn strategies: the result of a step, turn parameters, the host.

A strategy never pushes frames or starts tasks on its own: it talks to the
:class:`UserTurnHost` it was set up with (the ``UserTurnController`` of a user
aggregator or ``UserTurnProcessor``), which owns the tasks and the clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from voxpipe.utils.base_object import BaseObject

if TYPE_CHECKING:
    from voxpipe.audio.vad.vad_analyzer import VADParams
    from voxpipe.frames._base import Frame
    from voxpipe.processors.frame_processor import FrameDirection
    from voxpipe.turns.timing import TurnClock

__all__ = [
    "BaseUserTurnStrategy",
    "ProcessFrameResult",
    "UserTurnHost",
    "UserTurnStartedParams",
    "UserTurnStoppedParams",
]


class ProcessFrameResult(Enum):
    """What a strategy tells the controller after a frame."""

    CONTINUE = 1  #: let the next strategy of the list see the frame
    STOP = 2  #: skip the remaining strategies of the list for this frame


@dataclass
class UserTurnStartedParams:
    """How a started turn is announced.

    Attributes:
        enable_interruptions: Interrupt the bot (and any response in flight).
        enable_user_speaking_frames: Emit ``UserStartedSpeakingFrame``.
    """

    enable_interruptions: bool = True
    enable_user_speaking_frames: bool = True


@dataclass
class UserTurnStoppedParams:
    """How a stopped turn is announced.

    Attributes:
        enable_user_speaking_frames: Emit ``UserStoppedSpeakingFrame``.
    """

    enable_user_speaking_frames: bool = True


class UserTurnHost(Protocol):
    """What strategies may ask of the controller that runs them."""

    @property
    def clock(self) -> TurnClock:
        """Time source for every strategy timer."""
        ...

    @property
    def bot_speaking(self) -> bool:
        """Whether the bot is speaking (between Bot Started/Stopped frames)."""
        ...

    @property
    def user_turn_active(self) -> bool:
        """Whether a user turn is open."""
        ...

    @property
    def vad_params(self) -> VADParams | None:
        """The VAD parameters last announced, if any."""
        ...

    def create_task(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Start an owned task."""
        ...

    async def push_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Push ``frame`` from the host processor."""
        ...

    async def broadcast_frame(self, frame: Frame) -> None:
        """Push copies of ``frame`` both ways from the host processor."""
        ...

    async def trigger_user_turn_started(
        self, strategy: BaseUserTurnStrategy, params: UserTurnStartedParams
    ) -> None:
        """Open a user turn (ignored when one is open)."""
        ...

    async def trigger_user_turn_stopped(
        self, strategy: BaseUserTurnStrategy, params: UserTurnStoppedParams
    ) -> None:
        """Close the user turn (ignored when none is open)."""
        ...

    async def reset_aggregation(self) -> None:
        """Discard user text aggregated so far."""
        ...


class BaseUserTurnStrategy(BaseObject):
    """Common base of start and stop strategies.

    Subclasses override :meth:`process_frame` (and :meth:`reset` when they
    keep state). ``self.host`` is available after :meth:`setup`.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._host: UserTurnHost | None = None

    @property
    def host(self) -> UserTurnHost:
        """The controller running this strategy."""
        if self._host is None:
            raise RuntimeError(f"{self} is not set up: add it to UserTurnStrategies")
        return self._host

    async def setup(self, host: UserTurnHost) -> None:
        """Attach to the controller (called at pipeline start)."""
        self._host = host

    async def cleanup(self) -> None:
        """Release timers and handlers (called at pipeline end)."""
        await super().cleanup()

    async def reset(self) -> None:
        """Forget per-turn state (called when a turn starts, and for stop strategies when it stops)."""

    async def process_frame(self, frame: Frame) -> ProcessFrameResult:
        """Look at one frame; trigger the turn through the host when the condition is met."""
        return ProcessFrameResult.CONTINUE
