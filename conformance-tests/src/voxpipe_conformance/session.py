"""``Session``: run one processor in a real pipeline and talk to it while it runs.

:func:`voxpipe.testing.drive` sends a fixed list of frames and returns what came
out. Contracts need more: send a frame, wait for the first audio, interrupt,
drop the server's connection, then end or cancel — with every wait bounded.
``Session`` builds ``[head capture] → processor → [tail capture]`` inside a
:class:`~voxpipe.pipeline.task.PipelineTask` exactly like ``drive`` does::

    async with Session(tts, enable_metrics=True) as s:
        await s.send(TTSSpeakFrame("Hello"))
        await s.wait_for(TTSStoppedFrame)
    # leaving the block queues an EndFrame (or cancels: Session(..., finish="cancel"))
    s.down, s.up   # what left the processor each way
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import EndFrame, StartFrame
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["Session", "SessionTimeout"]

DOWN = FrameDirection.DOWNSTREAM
UP = FrameDirection.UPSTREAM


class SessionTimeout(AssertionError):
    """A bounded wait of a :class:`Session` ran out; the message lists what was seen."""


class _Tap(FrameProcessor):
    def __init__(self, direction: FrameDirection, sink: list[Frame], changed: asyncio.Event, **kw: Any):
        super().__init__(**kw)
        self._direction = direction
        self._sink = sink
        self._changed = changed

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if direction is self._direction:
            self._sink.append(frame)
            self._changed.set()
        await self.push_frame(frame, direction)


Matcher = type[Frame] | tuple[type[Frame], ...] | Callable[[Frame], bool]


def _matches(frame: Frame, what: Matcher) -> bool:
    if isinstance(what, (type, tuple)):
        return isinstance(frame, what)
    return bool(what(frame))


def _label(what: Matcher) -> str:
    if isinstance(what, type):
        return what.__name__
    if isinstance(what, tuple):
        return " | ".join(t.__name__ for t in what)
    return getattr(what, "__name__", repr(what))


class Session:
    """A running pipeline around one processor, driven from a contract test.

    Args:
        processor: The processor under test.
        finish: How leaving the ``async with`` block ends the run: ``"end"``
            queues an ``EndFrame``, ``"cancel"`` calls ``task.cancel()``.
        start_timeout: Seconds the pipeline may take to start.
        finish_timeout: Seconds the end or cancel may take; longer is a hang.
        **params: ``PipelineParams`` fields (``enable_metrics=True`` ...).
    """

    def __init__(
        self,
        processor: FrameProcessor,
        *,
        finish: str = "end",
        start_timeout: float = 5.0,
        finish_timeout: float = 5.0,
        **params: Any,
    ) -> None:
        self.processor = processor
        self.finish = finish
        self.start_timeout = start_timeout
        self.finish_timeout = finish_timeout
        self.down: list[Frame] = []
        self.up: list[Frame] = []
        self._changed = asyncio.Event()
        self._head = _Tap(UP, self.up, self._changed, name="ConformanceHead")
        self._tail = _Tap(DOWN, self.down, self._changed, name="ConformanceTail")
        self.task = PipelineTask(
            Pipeline([self._head, processor, self._tail]),
            params=PipelineParams(**params),
            idle_timeout_secs=None,
            cancel_on_idle_timeout=False,
            enable_turn_tracking=False,
        )
        self._run: asyncio.Task[Any] | None = None
        self.finished_in: float | None = None

    async def __aenter__(self) -> Session:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop(self.finish)

    async def start(self) -> None:
        """Start the pipeline and wait (bounded) until the ``StartFrame`` went through."""
        started = asyncio.Event()

        @self.task.event_handler("on_pipeline_started")
        async def _started(_task: Any, _frame: StartFrame) -> None:
            started.set()

        runner = PipelineRunner(handle_sigint=False, handle_sigterm=False)
        self._run = asyncio.get_running_loop().create_task(
            runner.run(self.task), name="voxpipe-conformance::session"
        )
        waiter = asyncio.ensure_future(started.wait())
        try:
            await asyncio.wait(
                {self._run, waiter}, timeout=self.start_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            waiter.cancel()
        if not started.is_set():
            if self._run.done():
                self._run.result()
                raise AssertionError("the pipeline finished before it started")
            await self._abandon()
            raise SessionTimeout(f"the pipeline did not start within {self.start_timeout}s")

    async def send(self, frame: Frame, direction: FrameDirection = DOWN) -> None:
        """Queue ``frame`` into the pipeline (downstream before the processor by default)."""
        await self.task.queue_frame(frame, direction)

    async def wait_for(
        self,
        what: Matcher,
        *,
        direction: FrameDirection = DOWN,
        timeout: float = 5.0,
        count: int = 1,
        after: int = 0,
    ) -> Frame:
        """Wait until ``count`` frames matching ``what`` left the processor one way.

        Args:
            what: A frame class, a tuple of classes or a predicate.
            direction: Which capture to watch.
            timeout: Seconds to wait; then :class:`SessionTimeout` lists what came.
            count: How many matching frames to wait for.
            after: Only look at frames from this index on.

        Returns:
            The ``count``-th matching frame.
        """
        frames = self.down if direction is DOWN else self.up
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [f for f in frames[after:] if _matches(f, what)]
            if len(found) >= count:
                return found[count - 1]
            if self._run is not None and self._run.done():
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.05))
            except asyncio.TimeoutError:
                pass
        way = "downstream" if direction is DOWN else "upstream"
        raise SessionTimeout(
            f"waited {timeout}s for {count} {_label(what)} {way}; saw {self.names(frames)}"
        )

    async def settle(self, seconds: float = 0.1) -> None:
        """Let the pipeline run for ``seconds`` (for "nothing more arrives" checks)."""
        await asyncio.sleep(seconds)

    @staticmethod
    def names(frames: list[Frame]) -> list[str]:
        """Class names of ``frames``, compressing runs (``TTSAudioRawFrame x12``)."""
        out: list[str] = []
        for frame in frames:
            name = type(frame).__name__
            if out and out[-1].split(" x")[0] == name:
                head, _, n = out[-1].partition(" x")
                out[-1] = f"{head} x{int(n or 1) + 1}"
            else:
                out.append(name)
        return out

    async def stop(self, how: str = "end") -> None:
        """End (``EndFrame``) or cancel the run and wait for it, bounded by ``finish_timeout``.

        Raises:
            SessionTimeout: The run did not finish in time (it is then cancelled
                and abandoned so the test itself never hangs).
        """
        run = self._run
        if run is None or run.done():
            if run is not None and not run.cancelled() and run.exception() is not None:
                raise run.exception()  # type: ignore[misc]
            return
        loop = asyncio.get_running_loop()
        began = loop.time()
        if how == "cancel":
            await asyncio.wait({asyncio.ensure_future(self.task.cancel(reason="conformance"))},
                               timeout=self.finish_timeout)
        else:
            await self.task.queue_frame(EndFrame())
        done, _ = await asyncio.wait({run}, timeout=self.finish_timeout)
        if not done:
            await self._abandon()
            raise SessionTimeout(
                f"the pipeline did not finish within {self.finish_timeout}s after "
                f"{'cancel()' if how == 'cancel' else 'an EndFrame'}; "
                f"saw downstream {self.names(self.down)}"
            )
        self.finished_in = loop.time() - began
        run.result()

    async def _abandon(self) -> None:
        run = self._run
        if run is None or run.done():
            return
        try:
            await asyncio.wait({asyncio.ensure_future(self.task.cancel(reason="abandon"))}, timeout=2.0)
        except Exception:  # noqa: BLE001 - best effort
            pass
        if not run.done():
            run.cancel()
            await asyncio.wait({run}, timeout=2.0)
