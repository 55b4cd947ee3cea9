"""``LocalModelWorker``: one worker thread per service for an in-process model.

Local models (Whisper, Piper, ...) block while they run, so a service runs
them on a single thread it owns: the thread starts with the pipeline (and
begins loading the model at once, without holding up the start), and is
released on ``EndFrame`` (after the base class finished what was pending) or
``CancelFrame`` (at once, queued work dropped). Mix it in before the service
base class and implement :meth:`LocalModelWorker._load_quietly`::

    class MySTT(LocalModelWorker, SegmentedSTTService):
        worker_name = "voxpipe-mystt"
"""

from __future__ import annotations

import concurrent.futures
from typing import Any, ClassVar

from voxpipe.frames.frames import CancelFrame, EndFrame, StartFrame

__all__ = ["LocalModelWorker"]


class LocalModelWorker:
    """Owns ``self._executor``: a one-thread pool, started and released with the pipeline."""

    #: Name prefix of the worker thread.
    worker_name: ClassVar[str] = "voxpipe-model"
    _executor: concurrent.futures.ThreadPoolExecutor | None = None

    def _load_quietly(self) -> None:
        """Load the model on the worker thread; log (do not raise) a failure."""

    async def start(self, frame: StartFrame) -> None:
        """Start the service, then the worker thread, which begins loading the model."""
        await super().start(frame)  # type: ignore[misc]
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=self.worker_name
            )
            self._executor.submit(self._load_quietly)

    async def stop(self, frame: EndFrame) -> None:
        """Finish pending work (the base class), then release the worker."""
        await super().stop(frame)  # type: ignore[misc]
        self._release()

    async def cancel(self, frame: CancelFrame) -> None:
        """Drop pending work and release the worker at once."""
        await super().cancel(frame)  # type: ignore[misc]
        self._release()

    def _release(self) -> Any:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
