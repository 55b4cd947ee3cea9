"""``ProducerProcessor``: share selected frames with consumers elsewhere in a pipeline.

A producer checks each frame with an async ``filter``; frames it accepts are
transformed once and put on the queue of every registered consumer
(:class:`~voxpipe.processors.consumer_processor.ConsumerProcessor`), which
injects them into its own branch. With ``passthrough=False`` shared frames are
removed from the producer's own branch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.processors.filters._passthrough import is_lifecycle
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["FrameTransformer", "ProducerFilter", "ProducerProcessor", "identity_transformer"]

#: Async predicate: True for frames to share.
ProducerFilter = Callable[[Frame], Awaitable[bool]]
#: Async function mapping a frame to the frame to send on.
FrameTransformer = Callable[[Frame], Awaitable[Frame]]


async def identity_transformer(frame: Frame) -> Frame:
    """Return ``frame`` unchanged (the default transformer)."""
    return frame


class ProducerProcessor(FrameProcessor):
    """Copies frames accepted by ``filter`` to every consumer's queue.

    Every frame is offered to ``filter`` in both directions, except the
    lifecycle frames (``StartFrame``, ``EndFrame``, ``StopFrame``,
    ``CancelFrame``), which always pass on and are never shared: each branch
    gets its own. An accepted frame is passed through ``transformer`` once and
    the result is put, without waiting, on each consumer's queue in the order
    the consumers registered. The original frame continues downstream (or
    upstream) if ``passthrough`` is True and is dropped otherwise; frames the
    filter rejects always continue.

    Args:
        filter: Async predicate selecting the frames to share.
        transformer: Async function applied to a shared frame before queueing.
        passthrough: Keep shared frames in this branch too.
        **kwargs: Passed to :class:`FrameProcessor`.
    """

    def __init__(
        self,
        filter: ProducerFilter,
        transformer: FrameTransformer = identity_transformer,
        passthrough: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._filter = filter
        self._transformer = transformer
        self._passthrough = passthrough
        self._consumers: list[asyncio.Queue[Any]] = []

    @property
    def passthrough(self) -> bool:
        """Whether shared frames also continue in this branch."""
        return self._passthrough

    def add_consumer(self, queue: asyncio.Queue[Any] | None = None) -> asyncio.Queue[Any]:
        """Register a consumer and return the queue it reads.

        Args:
            queue: Queue to register again (e.g. after :meth:`remove_consumer`);
                a new unbounded queue when None. Registering a queue twice is a no-op.

        Returns:
            The queue on which frames shared from now on are put.
        """
        if queue is None:
            queue = asyncio.Queue()
        if not any(q is queue for q in self._consumers):
            self._consumers.append(queue)
        return queue

    def remove_consumer(self, queue: asyncio.Queue[Any]) -> None:
        """Stop sharing frames with the consumer reading ``queue`` (no-op if unknown)."""
        try:
            self._consumers.remove(queue)
        except ValueError:
            pass

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Share ``frame`` with the consumers if the filter accepts it, then forward it."""
        await super().process_frame(frame, direction)
        if is_lifecycle(frame) or not await self._filter(frame):
            await self.push_frame(frame, direction)
            return
        await self._produce(frame)
        if self._passthrough:
            await self.push_frame(frame, direction)

    async def _produce(self, frame: Frame) -> None:
        if not self._consumers:
            return
        shared = await self._transformer(frame)
        for queue in self._consumers:
            queue.put_nowait(shared)
