"""Task ownership: every asyncio task voxpipe starts has an owner that ends it.

A :class:`TaskManager` belongs to a pipeline task. Processors create their
background tasks through it (``FrameProcessor.create_task``), so when the
pipeline ends nothing is left running: :meth:`TaskManager.cancel_all` cancels
what is left and waits a bounded time, logging any task that ignores
cancellation instead of hanging on it.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

__all__ = ["BaseTaskManager", "TaskManager", "TaskManagerParams", "cancel_and_wait"]

logger = logging.getLogger("voxpipe")


@dataclass
class TaskManagerParams:
    """Parameters of a :class:`TaskManager`.

    Attributes:
        loop: The event loop tasks are created on.
    """

    loop: asyncio.AbstractEventLoop


async def cancel_and_wait(task: asyncio.Task[Any], timeout: float | None = 1.0) -> bool:
    """Cancel ``task`` and wait up to ``timeout`` seconds for it to finish.

    Returns:
        True if the task finished; False if it ignored cancellation (logged).
    """
    if task.done():
        return True
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        logger.warning("task %s ignored cancellation for %.1fs; abandoning it", task.get_name(), timeout)
        return False
    if not task.cancelled() and task.exception() is not None:
        logger.debug("task %s ended with %r while cancelling", task.get_name(), task.exception())
    return True


class BaseTaskManager(ABC):
    """Creates, tracks and cancels the asyncio tasks of one pipeline task."""

    @abstractmethod
    def setup(self, params: TaskManagerParams) -> None:
        """Bind the manager to an event loop."""

    @abstractmethod
    def get_event_loop(self) -> asyncio.AbstractEventLoop:
        """The loop tasks are created on."""

    @abstractmethod
    def create_task(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Start ``coroutine`` as a tracked task named ``name``."""

    @abstractmethod
    async def cancel_task(self, task: asyncio.Task[Any], timeout: float | None = None) -> None:
        """Cancel ``task`` and wait (bounded) for it."""

    @abstractmethod
    def current_tasks(self) -> list[asyncio.Task[Any]]:
        """Tracked tasks that have not finished."""


class TaskManager(BaseTaskManager):
    """The default :class:`BaseTaskManager`."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def setup(self, params: TaskManagerParams) -> None:
        """Bind the manager to an event loop."""
        self._loop = params.loop

    def get_event_loop(self) -> asyncio.AbstractEventLoop:
        """The loop tasks are created on (the running loop if not set up)."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    def create_task(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Start ``coroutine`` as a tracked task; an exception it raises is logged."""
        task = self.get_event_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("task %s failed: %r", task.get_name(), task.exception(), exc_info=task.exception())

    async def cancel_task(self, task: asyncio.Task[Any], timeout: float | None = 1.0) -> None:
        """Cancel ``task`` and wait up to ``timeout`` seconds."""
        await cancel_and_wait(task, timeout)

    def current_tasks(self) -> list[asyncio.Task[Any]]:
        """Tracked tasks that have not finished."""
        return [t for t in self._tasks if not t.done()]

    async def cancel_all(self, timeout: float = 1.0) -> list[asyncio.Task[Any]]:
        """Cancel every tracked task and wait up to ``timeout`` in total.

        Returns:
            The tasks that ignored cancellation (already logged).
        """
        current = asyncio.current_task()
        pending = [t for t in self.current_tasks() if t is not current]
        for t in pending:
            t.cancel()
        if not pending:
            return []
        _, still = await asyncio.wait(pending, timeout=timeout)
        for t in still:
            logger.warning("task %s ignored cancellation for %.1fs; abandoning it", t.get_name(), timeout)
        return list(still)
