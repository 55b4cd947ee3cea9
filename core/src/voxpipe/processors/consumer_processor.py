"""``ConsumerProcessor``: inject a producer's shared frames into this branch."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import CancelFrame, EndFrame, StartFrame, StopFrame
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.processors.producer_processor import (
    FrameTransformer,
    ProducerProcessor,
    identity_transformer,
)

__all__ = ["ConsumerProcessor"]

logger = logging.getLogger("voxpipe")

# Put on the queue at EndFrame/StopFrame: the reader drains what came before it, then stops.
_DRAINED = object()


class ConsumerProcessor(FrameProcessor):
    """Pushes the frames a :class:`ProducerProcessor` shares, from an owned task.

    The consumer registers with ``producer`` when constructed, so frames shared
    before this branch starts wait on its queue. On ``StartFrame`` it starts a
    task that takes each shared frame, applies ``transformer`` and pushes the
    result in ``direction``. On ``EndFrame``/``StopFrame`` the task pushes the
    frames shared until then (waiting at most ``drain_timeout`` seconds) and
    stops before the end frame goes on; on ``CancelFrame`` it is cancelled at
    once. All frames the consumer receives from its neighbours pass through
    unchanged.

    Args:
        producer: The producer whose frames to inject.
        transformer: Async function applied to each frame before pushing it.
        direction: Which way to push the shared frames.
        drain_timeout: Longest wait, in seconds, for queued frames at the end.
        **kwargs: Passed to :class:`FrameProcessor`.
    """

    def __init__(
        self,
        producer: ProducerProcessor,
        transformer: FrameTransformer = identity_transformer,
        direction: FrameDirection = FrameDirection.DOWNSTREAM,
        drain_timeout: float = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._producer = producer
        self._transformer = transformer
        self._direction = direction
        self._drain_timeout = drain_timeout
        self._queue: asyncio.Queue[Any] = producer.add_consumer()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def producer(self) -> ProducerProcessor:
        """The producer this consumer reads from."""
        return self._producer

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Start or stop the reader task on lifecycle frames; forward every frame."""
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            # Push first: processors after this one drop frames that beat the StartFrame.
            await self.push_frame(frame, direction)
            self._start_reader()
            return
        if isinstance(frame, (EndFrame, StopFrame)):
            await self._drain_and_stop()
        elif isinstance(frame, CancelFrame):
            await self._cancel_reader()
        await self.push_frame(frame, direction)

    async def cleanup(self) -> None:
        """Cancel the reader task and unregister from the producer."""
        await self._cancel_reader()
        self._producer.remove_consumer(self._queue)
        await super().cleanup()

    def _start_reader(self) -> None:
        self._stopping = False
        self._producer.add_consumer(self._queue)  # again, if a previous run's cleanup removed it
        if self._task is None or self._task.done():
            self._task = self.create_task(self._read(), "consumer_reader")

    async def _read(self) -> None:
        queue = self._queue
        while True:
            item = await queue.get()
            if item is _DRAINED:
                if self._stopping:
                    return
                continue  # left over from an earlier run that timed out
            try:
                frame = await self._transformer(item)
            except Exception as exc:  # noqa: BLE001 - a bad transform must not kill the reader
                await self.push_error(f"{self} transformer failed on {item}: {exc}", exception=exc)
                continue
            await self.push_frame(frame, self._direction)

    async def _drain_and_stop(self) -> None:
        task, self._task = self._task, None
        if task is None or task.done():
            return
        self._stopping = True
        self._queue.put_nowait(_DRAINED)
        done, _ = await asyncio.wait({task}, timeout=self._drain_timeout)
        if not done:
            logger.warning(
                "%s: queued frames not pushed within %.1fs; dropping them",
                self,
                self._drain_timeout,
            )
            await self.cancel_task(task)

    async def _cancel_reader(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            await self.cancel_task(task)
