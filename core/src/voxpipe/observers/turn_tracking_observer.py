"""``TurnTrackingObserver``: numbers the conversation's turns and reports when each starts and ends.

A turn is one user→bot exchange:

* turn 1 starts with the ``StartFrame`` (the bot may speak first);
* a ``UserStartedSpeakingFrame`` starts a new turn when there is no turn
  open, or when the bot already answered in the current one. If the bot is
  speaking at that moment the current turn ends *interrupted* and the new
  one starts at once. While the user speaks before the bot has answered,
  the turn simply continues;
* a ``BotStoppedSpeakingFrame`` starts the end timeout
  (``turn_end_timeout_secs``); if the bot does not speak again before it
  expires, the turn ends (not interrupted). The bot speaking again keeps the
  turn open;
* an ``EndFrame``/``StopFrame`` ends an open turn — as completed if the bot
  had answered and finished speaking, else as interrupted; a ``CancelFrame``
  ends it as interrupted.

Events: ``on_turn_started(observer, turn_number)`` and
``on_turn_ended(observer, turn_number, duration, was_interrupted)``, with
``duration`` in seconds of task-clock time from the turn's start to the event
that ended it (for a timeout, the bot's stop plus the timeout).

A :class:`~voxpipe.pipeline.task.PipelineTask` creates one of these when
``enable_turn_tracking=True`` (the default).
"""

from __future__ import annotations

import asyncio
from typing import Any

from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    StartFrame,
    StopFrame,
    UserStartedSpeakingFrame,
)
from voxpipe.observers._util import FrameHistory
from voxpipe.observers.base_observer import BaseObserver, FramePushed

__all__ = ["TurnTrackingObserver"]

_TRACKED = (
    StartFrame,
    UserStartedSpeakingFrame,
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    EndFrame,
    StopFrame,
    CancelFrame,
)


class TurnTrackingObserver(BaseObserver):
    """Tracks conversation turns and interruptions (see the module docstring).

    Args:
        max_frames: How many frames to remember so each counts once.
        turn_end_timeout_secs: Seconds after the bot stops speaking before
            the turn is considered over.
        **kwargs: Passed to :class:`BaseObserver`.
    """

    def __init__(self, *, max_frames: int = 100, turn_end_timeout_secs: float = 2.5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._timeout_ns = int(turn_end_timeout_secs * 1e9)
        self._turn_end_timeout_secs = turn_end_timeout_secs
        self._history = FrameHistory(max_frames)
        self._turn_count = 0
        self._turn_active = False
        self._turn_start_ns = 0
        self._bot_speaking = False
        self._bot_spoke = False
        self._end_timer: asyncio.Task[None] | None = None
        self._register_event_handler("on_turn_started")
        self._register_event_handler("on_turn_ended")

    @property
    def turn_count(self) -> int:
        """Number of turns started so far."""
        return self._turn_count

    @property
    def is_turn_active(self) -> bool:
        """Whether a turn is open."""
        return self._turn_active

    async def on_push_frame(self, data: FramePushed) -> None:
        """Advance the turn state on the frames listed in the module docstring."""
        frame = data.frame
        if not isinstance(frame, _TRACKED) or self._history.seen(frame):
            return
        ts = data.timestamp
        if isinstance(frame, StartFrame):
            if self._turn_count == 0 and not self._turn_active:
                await self._start_turn(ts)
        elif isinstance(frame, UserStartedSpeakingFrame):
            await self._user_started(ts)
        elif isinstance(frame, BotStartedSpeakingFrame):
            self._cancel_timer()
            self._bot_speaking = True
            self._bot_spoke = True
        elif isinstance(frame, BotStoppedSpeakingFrame):
            if self._bot_speaking:
                self._bot_speaking = False
                if self._turn_active:
                    self._schedule_end(ts)
        elif self._turn_active:  # EndFrame, StopFrame, CancelFrame
            completed = not isinstance(frame, CancelFrame) and self._bot_spoke and not self._bot_speaking
            await self._end_turn(ts, was_interrupted=not completed)

    async def _user_started(self, ts: int) -> None:
        if self._bot_speaking:
            if self._turn_active:
                await self._end_turn(ts, was_interrupted=True)
            self._bot_speaking = False
            await self._start_turn(ts)
        elif not self._turn_active:
            await self._start_turn(ts)
        elif self._bot_spoke:
            await self._end_turn(ts, was_interrupted=False)
            await self._start_turn(ts)

    async def _start_turn(self, ts: int) -> None:
        self._cancel_timer()
        self._turn_count += 1
        self._turn_active = True
        self._turn_start_ns = ts
        self._bot_spoke = False
        await self._call_event_handler("on_turn_started", self._turn_count)

    async def _end_turn(self, ts: int, was_interrupted: bool) -> None:
        self._cancel_timer()
        if not self._turn_active:
            return
        self._turn_active = False
        duration = max(0, ts - self._turn_start_ns) / 1e9
        await self._call_event_handler("on_turn_ended", self._turn_count, duration, was_interrupted)

    def _schedule_end(self, bot_stopped_ns: int) -> None:
        self._cancel_timer()
        self._end_timer = asyncio.get_running_loop().create_task(
            self._end_after_timeout(bot_stopped_ns), name=f"{self}::turn_end_timeout"
        )

    async def _end_after_timeout(self, bot_stopped_ns: int) -> None:
        await asyncio.sleep(self._turn_end_timeout_secs)
        self._end_timer = None
        if self._turn_active and not self._bot_speaking:
            await self._end_turn(bot_stopped_ns + self._timeout_ns, was_interrupted=False)

    def _cancel_timer(self) -> None:
        timer, self._end_timer = self._end_timer, None
        if timer is not None and timer is not asyncio.current_task():
            timer.cancel()

    async def cleanup(self) -> None:
        """Stop the end timeout, then wait briefly for event handlers."""
        timer, self._end_timer = self._end_timer, None
        if timer is not None:
            timer.cancel()
            await asyncio.wait({timer}, timeout=1.0)
        await super().cleanup()
