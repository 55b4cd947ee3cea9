"""``TaskObserver``: fans observer callbacks out to the task's observers.

Each observer gets its own queue and task, so a slow observer delays only
itself; callbacks reach every observer in the order they happened. A task
with no observers never creates one of these.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from voxpipe.observers.base_observer import BaseObserver, FrameProcessed, FramePushed
from voxpipe.utils.asyncio.task_manager import BaseTaskManager

__all__ = ["TaskObserver"]

logger = logging.getLogger("voxpipe")

_STOP = object()


class _ObserverFeed:
    __slots__ = ("observer", "items", "wakeup", "task")

    def __init__(self, observer: BaseObserver) -> None:
        self.observer = observer
        self.items: deque[tuple[str, Any]] = deque()
        self.wakeup: asyncio.Event = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def put(self, kind: str, data: Any) -> None:
        self.items.append((kind, data))
        self.wakeup.set()

    async def run(self) -> None:
        obs = self.observer
        while True:
            while not self.items:
                self.wakeup.clear()
                await self.wakeup.wait()
            kind, data = self.items.popleft()
            if kind is _STOP:
                return
            try:
                if kind == "push":
                    await obs.on_push_frame(data)
                elif kind == "process":
                    await obs.on_process_frame(data)
                elif kind == "started":
                    await obs.on_pipeline_started()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("observer %s failed on %s", obs, kind)


class TaskObserver(BaseObserver):
    """An observer that forwards everything to a list of observers, each on its own task."""

    def __init__(self, observers: list[BaseObserver], task_manager: BaseTaskManager) -> None:
        super().__init__()
        self._task_manager = task_manager
        self._feeds: list[_ObserverFeed] = []
        for o in observers:
            self.add_observer(o)

    @property
    def observers(self) -> list[BaseObserver]:
        """The observers fed by this fan-out."""
        return [f.observer for f in self._feeds]

    def add_observer(self, observer: BaseObserver) -> None:
        """Start feeding ``observer``."""
        feed = _ObserverFeed(observer)
        feed.task = self._task_manager.create_task(feed.run(), f"observer::{observer}")
        self._feeds.append(feed)

    async def remove_observer(self, observer: BaseObserver) -> None:
        """Stop feeding ``observer`` after what it already has queued."""
        for feed in list(self._feeds):
            if feed.observer is observer:
                self._feeds.remove(feed)
                await self._stop_feed(feed, timeout=1.0)

    async def on_push_frame(self, data: FramePushed) -> None:
        """Queue ``data`` for every observer."""
        for feed in self._feeds:
            feed.put("push", data)

    async def on_process_frame(self, data: FrameProcessed) -> None:
        """Queue ``data`` for every observer."""
        for feed in self._feeds:
            feed.put("process", data)

    async def on_pipeline_started(self) -> None:
        """Tell every observer the pipeline started."""
        for feed in self._feeds:
            feed.put("started", None)

    async def _stop_feed(self, feed: _ObserverFeed, timeout: float) -> None:
        feed.put(_STOP, None)  # type: ignore[arg-type]
        if feed.task is None:
            return
        done, _ = await asyncio.wait({feed.task}, timeout=timeout)
        if not done:
            feed.task.cancel()
            await asyncio.wait({feed.task}, timeout=0.5)

    async def stop(self, timeout: float = 2.0) -> None:
        """Let observers drain what they have (bounded), then stop their tasks."""
        for feed in self._feeds:
            await self._stop_feed(feed, timeout)
        for feed in self._feeds:
            await feed.observer.cleanup()
