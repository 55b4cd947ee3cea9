"""``Pipeline``: a sequence of processors that acts as one processor.

``Pipeline([a, b, c])`` links ``a → b → c``. When a pipeline is itself linked
into a larger chain, the links go straight to its first and last processors,
so nesting pipelines adds no per-frame cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor, FrameProcessorSetup

__all__ = ["Pipeline", "PipelineSink", "PipelineSource"]


class PipelineSource(FrameProcessor):
    """Pass-through placeholder at the head of an empty pipeline."""

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Forward every frame."""
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)


class PipelineSink(PipelineSource):
    """Pass-through placeholder at the tail of an empty pipeline."""


class Pipeline(FrameProcessor):
    """Processors run in order; frames enter at the first and leave at the last.

    Args:
        processors: The processors, in downstream order. A processor may
            appear in only one place.
        **kwargs: Passed to :class:`FrameProcessor` (e.g. ``name``).

    Raises:
        TypeError: An element is not a :class:`FrameProcessor`.
        ValueError: The same processor appears twice.
    """

    def __init__(self, processors: Sequence[FrameProcessor], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        procs = list(processors)
        seen: set[int] = set()
        for p in procs:
            if not isinstance(p, FrameProcessor):
                raise TypeError(
                    f"Pipeline items must be FrameProcessor instances, got {type(p).__name__}: {p!r}"
                )
            if id(p) in seen:
                raise ValueError(f"{p} appears twice in the pipeline; create a second instance")
            seen.add(id(p))
        if not procs:
            procs = [PipelineSource(), PipelineSink()]
        self._processors = procs
        for a, b in zip(procs, procs[1:], strict=False):
            a.link(b)

    @property
    def processors(self) -> list[FrameProcessor]:
        """The processors of this pipeline, in order."""
        return list(self._processors)

    # Linking goes to the real first/last processors (no per-frame hop).

    def _first(self) -> FrameProcessor:
        return self._processors[0]._link_target_down()

    def _last(self) -> FrameProcessor:
        return self._processors[-1]._link_target_up()

    def _link_target_down(self) -> FrameProcessor:
        return self._first()

    def _link_target_up(self) -> FrameProcessor:
        return self._last()

    def link(self, processor: FrameProcessor) -> None:
        """Link this pipeline's last processor to ``processor``."""
        self._next = processor
        self._processors[-1].link(processor)

    def _set_prev(self, processor: FrameProcessor) -> None:
        self._prev = processor
        self._processors[0]._set_prev(processor)

    async def setup(self, setup: FrameProcessorSetup) -> None:
        """Set up every processor, in order."""
        self._fp_clock = setup.clock
        self._fp_task_manager = setup.task_manager
        for p in self._processors:
            await p.setup(setup)

    async def cleanup(self) -> None:
        """Clean up every processor, in order."""
        await self.wait_for_event_handlers()
        for p in self._processors:
            await p.cleanup()

    async def queue_frame(
        self, frame: Frame, direction: FrameDirection = FrameDirection.DOWNSTREAM, callback: Any = None
    ) -> None:
        """Queue ``frame`` at the first processor (downstream) or the last (upstream)."""
        target = self._first() if direction is FrameDirection.DOWNSTREAM else self._last()
        await target.queue_frame(frame, direction)

    async def _receive(self, frame: Frame, direction: FrameDirection) -> None:
        target = self._first() if direction is FrameDirection.DOWNSTREAM else self._last()
        await target._receive(frame, direction)

    def entry_processors(self) -> list[FrameProcessor]:
        """The first processor."""
        return [self._processors[0]]

    def processors_with_metrics(self) -> list[FrameProcessor]:
        """Every processor, at any depth, that reports metrics."""
        found: list[FrameProcessor] = []
        for p in self._processors:
            if p.can_generate_metrics():
                found.append(p)
            found.extend(p.processors_with_metrics())
        return found

    def flat_processors(self) -> list[FrameProcessor]:
        """Every leaf processor, depth first, in downstream order."""
        out: list[FrameProcessor] = []
        for p in self._processors:
            if isinstance(p, Pipeline):
                out.extend(p.flat_processors())
            else:
                out.append(p)
                sub = getattr(p, "flat_processors", None)
                if sub is not None:
                    out.extend(sub())
        return out
