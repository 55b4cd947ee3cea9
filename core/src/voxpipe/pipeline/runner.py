"""``PipelineRunner``: runs pipeline tasks and ends them cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from typing import Any

from voxpipe.pipeline.base_task import BasePipelineTask, PipelineTaskParams
from voxpipe.utils.base_object import BaseObject

__all__ = ["PipelineRunner"]

logger = logging.getLogger("voxpipe")


class PipelineRunner(BaseObject):
    """Runs tasks to completion.

    Args:
        name: Display name.
        handle_sigint: Cancel running tasks on SIGINT (Ctrl-C).
        handle_sigterm: Cancel running tasks on SIGTERM.
        force_gc: Run a garbage collection after each task.
        loop: Event loop to use; the running loop by default.
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        handle_sigint: bool = True,
        handle_sigterm: bool = True,
        force_gc: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(name=name)
        self._handle_sigint = handle_sigint
        self._handle_sigterm = handle_sigterm
        self._force_gc = force_gc
        self._loop = loop
        self._tasks: dict[int, BasePipelineTask] = {}
        self._sig_task: asyncio.Task[Any] | None = None

    async def run(self, task: BasePipelineTask) -> None:
        """Run ``task`` until it finishes, is cancelled, or a handled signal arrives."""
        loop = self._loop or asyncio.get_running_loop()
        installed = self._install_signals(loop)
        self._tasks[id(task)] = task
        try:
            await task.run(PipelineTaskParams(loop=loop))
        finally:
            self._tasks.pop(id(task), None)
            if not self._tasks:
                self._remove_signals(loop, installed)
            if self._sig_task is not None and not self._tasks:
                await asyncio.wait({self._sig_task}, timeout=1.0)
                self._sig_task = None
            if self._force_gc:
                gc.collect()

    async def stop_when_done(self) -> None:
        """Ask every running task to end after what it has queued."""
        for task in list(self._tasks.values()):
            await task.stop_when_done()

    async def cancel(self) -> None:
        """Cancel every running task."""
        for task in list(self._tasks.values()):
            await task.cancel()

    def _install_signals(self, loop: asyncio.AbstractEventLoop) -> list[int]:
        installed: list[int] = []
        if self._tasks:
            return installed  # already installed by an earlier run()
        wanted = []
        if self._handle_sigint:
            wanted.append(signal.SIGINT)
        if self._handle_sigterm:
            wanted.append(signal.SIGTERM)
        for sig in wanted:
            try:
                loop.add_signal_handler(sig, self._on_signal, sig)
                installed.append(sig)
            except (NotImplementedError, RuntimeError, ValueError):
                logger.debug("%s: cannot handle %s here", self, sig)
        return installed

    def _remove_signals(self, loop: asyncio.AbstractEventLoop, installed: list[int]) -> None:
        for sig in installed:
            try:
                loop.remove_signal_handler(sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass

    def _on_signal(self, sig: int) -> None:
        logger.warning("%s: received %s, cancelling", self, signal.Signals(sig).name)
        if self._sig_task is None:
            loop = self._loop or asyncio.get_event_loop()
            self._sig_task = loop.create_task(self.cancel(), name=f"{self}::signal")
