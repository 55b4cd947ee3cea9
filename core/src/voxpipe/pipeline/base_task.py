"""``BasePipelineTask``: what a runner needs from a task."""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from dataclasses import dataclass

from voxpipe.utils.base_object import BaseObject

__all__ = ["BasePipelineTask", "PipelineTaskParams"]


@dataclass
class PipelineTaskParams:
    """What a runner hands a task when running it.

    Attributes:
        loop: The event loop the task runs on.
    """

    loop: asyncio.AbstractEventLoop


class BasePipelineTask(BaseObject):
    """A runnable unit: ``run`` until done, ``stop_when_done`` to end, ``cancel`` to stop now."""

    @abstractmethod
    async def run(self, params: PipelineTaskParams | None = None) -> None:
        """Run until the task reaches a terminal state."""

    @abstractmethod
    async def stop_when_done(self) -> None:
        """End after the frames already queued."""

    @abstractmethod
    async def cancel(self) -> None:
        """Stop now."""

    @abstractmethod
    def has_finished(self) -> bool:
        """Whether the task reached a terminal state."""
