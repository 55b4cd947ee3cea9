"""``BranchedProcessor``: a processor that owns several inner pipelines (branches).

Shared by :class:`~voxpipe.pipeline.parallel_pipeline.ParallelPipeline` and
:class:`~voxpipe.pipeline.service_switcher.ServiceSwitcher`: it sets the
branches up and cleans them up with itself, and reports their processors to
the task (metrics, observers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voxpipe.processors.frame_processor import FrameProcessor, FrameProcessorSetup

if TYPE_CHECKING:
    from voxpipe.pipeline.pipeline import Pipeline

__all__ = ["BranchedProcessor"]


class BranchedProcessor(FrameProcessor):
    """A processor whose work happens in ``self._branches``; subclasses fill that list."""

    _branches: list[Pipeline]

    def processors_with_metrics(self) -> list[FrameProcessor]:
        """Metrics-reporting processors of every branch."""
        return [p for b in self._branches for p in b.processors_with_metrics()]

    def entry_processors(self) -> list[FrameProcessor]:
        """The first processor of each branch."""
        return [b.processors[0] for b in self._branches]

    def flat_processors(self) -> list[FrameProcessor]:
        """Every processor of every branch (their edges included)."""
        return [p for b in self._branches for p in b.flat_processors()]

    async def setup(self, setup: FrameProcessorSetup) -> None:
        """Set up this processor, then every branch."""
        await super().setup(setup)
        for b in self._branches:
            await b.setup(setup)

    async def cleanup(self) -> None:
        """Clean up every branch, then this processor."""
        for b in self._branches:
            await b.cleanup()
        await super().cleanup()
