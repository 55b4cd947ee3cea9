"""``ParallelPipeline``: several branches fed the same frames, merged into one stream.

Every frame arriving downstream goes into each branch; frames arriving upstream
go into each branch's end. What leaves the branches is merged:

* a frame that leaves several branches (the same instance passed through) is
  pushed on once — so system frames arrive once;
* the ``StartFrame`` is pushed once every branch has let it through, and
  before anything the branches produced meanwhile (those are buffered);
* ``EndFrame``/``StopFrame``/``CancelFrame`` are pushed once every branch has
  let them through — after everything the branches emitted before them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import CancelFrame, EndFrame, StartFrame, StopFrame
from voxpipe.pipeline._branched import BranchedProcessor
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["ParallelPipeline"]

_DOWN = FrameDirection.DOWNSTREAM
_UP = FrameDirection.UPSTREAM
_SYNCED = (StartFrame, EndFrame, StopFrame, CancelFrame)
_SEEN_LIMIT = 4096


class _BranchEdge(FrameProcessor):
    """Start or end of one branch: hands frames leaving the branch to the parallel pipeline."""

    def __init__(self, owner: ParallelPipeline, leaving: FrameDirection, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._owner = owner
        self._leaving = leaving

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if direction is self._leaving:
            await self._owner._branch_output(frame, direction)
        else:
            await self.push_frame(frame, direction)


class ParallelPipeline(BranchedProcessor):
    """Runs branches side by side; see the module docstring for the merge rules.

    Args:
        *args: One list of processors per branch.
        **kwargs: Passed to :class:`FrameProcessor`.

    Raises:
        ValueError: No branch was given.
        TypeError: A branch is not a list of processors.
    """

    def __init__(self, *args: Sequence[FrameProcessor], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not args:
            raise ValueError("ParallelPipeline needs at least one branch (a list of processors)")
        self._branches: list[Pipeline] = []
        self._heads: list[_BranchEdge] = []
        self._tails: list[_BranchEdge] = []
        for i, branch in enumerate(args):
            if not isinstance(branch, (list, tuple)):
                raise TypeError(f"ParallelPipeline branch {i} must be a list of processors, got {type(branch).__name__}")
            head = _BranchEdge(self, _UP, name=f"{self.name}::branch{i}::source")
            tail = _BranchEdge(self, _DOWN, name=f"{self.name}::branch{i}::sink")
            pipeline = Pipeline([head, *branch, tail])
            head._set_prev(self)  # branch heads join this processor's lane
            self._branches.append(pipeline)
            self._heads.append(head)
            self._tails.append(tail)
        self._seen: OrderedDict[tuple[int, FrameDirection], int] = OrderedDict()
        self._synced: dict[int, int] = {}
        self._started_out = False
        self._buffer: list[tuple[Frame, FrameDirection]] = []

    @property
    def branches(self) -> list[Pipeline]:
        """The branches, each wrapped in a :class:`Pipeline`."""
        return list(self._branches)

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Send ``frame`` into every branch."""
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            self._started_out = False
            self._buffer.clear()
        targets = self._heads if direction is _DOWN else self._tails
        for edge in targets:
            await edge._receive(frame, direction)

    async def _branch_output(self, frame: Frame, direction: FrameDirection) -> None:
        """A frame left a branch: merge it into this processor's output."""
        branches = len(self._branches)
        if isinstance(frame, _SYNCED):
            count = self._synced.get(frame.id, 0) + 1
            if count < branches:
                self._synced[frame.id] = count
                return
            self._synced.pop(frame.id, None)
            if isinstance(frame, StartFrame):
                self._started_out = True
                await self.push_frame(frame, direction)
                buffered, self._buffer = self._buffer, []
                for f, d in buffered:
                    await self.push_frame(f, d)
                return
            await self.push_frame(frame, direction)
            return
        if branches > 1:
            key = (frame.id, direction)
            seen = self._seen.get(key)
            if seen is not None:
                count = seen
                if count + 1 >= branches:
                    del self._seen[key]
                else:
                    self._seen[key] = count + 1
                return
            self._seen[key] = 1
            if len(self._seen) > _SEEN_LIMIT:
                self._seen.popitem(last=False)
        if not self._started_out and direction is _DOWN:
            self._buffer.append((frame, direction))
            return
        await self.push_frame(frame, direction)
