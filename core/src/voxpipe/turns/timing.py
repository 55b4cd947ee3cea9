"""Injectable time for every turn-taking timer.

All waits in turn management (speech timeout, stop timeout, idle, wake-phrase
windows, incomplete-turn re-prompts, summary timeouts) read time from a
:class:`TurnClock`. The default, :class:`LoopClock`, is the event loop's own
monotonic time; tests inject a manual clock
(:class:`voxpipe.testing.fakes.ManualClock`) and advance it explicitly, so a
scripted conversation runs in microseconds and the same way every time.

:class:`Timer` is the one timer primitive: a single pending deadline whose
waiting task is created through the owning processor's ``create_task`` (so it
is owned and cancelled at cleanup) and which calls back once when it expires.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol, runtime_checkable

__all__ = ["LoopClock", "TaskFactory", "Timer", "TurnClock"]

logger = logging.getLogger("voxpipe")

#: ``create_task(coroutine, name)`` of the owner (usually ``FrameProcessor.create_task``).
TaskFactory = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]


@runtime_checkable
class TurnClock(Protocol):
    """A monotonic time source in seconds, with a matching sleep."""

    def time(self) -> float:
        """Seconds on a monotonic scale (only differences are meaningful)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return after ``seconds`` of this clock's time have passed."""
        ...


class LoopClock:
    """The running event loop's time and ``asyncio.sleep``: the default clock."""

    def time(self) -> float:
        """``loop.time()`` of the running loop."""
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep(seconds)``."""
        await asyncio.sleep(max(0.0, seconds))


def _default_factory(coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
    return asyncio.get_running_loop().create_task(coro, name=name)


class Timer:
    """One resettable deadline that awaits ``callback()`` when it expires.

    Contract: at most one deadline is pending; :meth:`start` replaces it;
    :meth:`cancel` drops it. The callback runs on the timer's own task, once
    per expiry, and is never cancelled by a :meth:`start` or :meth:`cancel`
    issued *from inside* the callback (it can re-arm itself).

    Args:
        clock: Time source.
        callback: Awaited on expiry.
        create_task: Task factory of the owner; the default creates a bare
            loop task (tests only — processors pass ``self.create_task``).
        name: Task name suffix, for debugging.
    """

    def __init__(
        self,
        clock: TurnClock,
        callback: Callable[[], Awaitable[None]],
        *,
        create_task: TaskFactory | None = None,
        name: str = "timer",
    ) -> None:
        self._clock = clock
        self._callback = callback
        self._create_task = create_task or _default_factory
        self._name = name
        self._task: asyncio.Task[Any] | None = None
        self._firing = False
        self.deadline: float | None = None

    @property
    def running(self) -> bool:
        """True while a deadline is pending."""
        return self.deadline is not None

    def start(self, delay: float) -> None:
        """Arm (or re-arm) the timer to expire ``delay`` seconds from now."""
        self.cancel()
        self.deadline = self._clock.time() + max(0.0, delay)
        self._task = self._create_task(self._run(max(0.0, delay)), self._name)

    def cancel(self) -> None:
        """Drop the pending deadline, if any (never cancels a running callback)."""
        self.deadline = None
        task, self._task = self._task, None
        if task is not None and not task.done() and not self._firing_in(task):
            task.cancel()

    def _firing_in(self, task: asyncio.Task[Any]) -> bool:
        return self._firing and task is asyncio.current_task()

    async def _run(self, delay: float) -> None:
        await self._clock.sleep(delay)
        self.deadline = None
        me = asyncio.current_task()
        self._firing = True
        try:
            await self._callback()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("timer %s: callback failed", self._name)
        finally:
            self._firing = False
            if self._task is me:
                self._task = None
