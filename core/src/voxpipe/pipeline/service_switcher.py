"""``ServiceSwitcher``: several interchangeable services, exactly one of them active.

Put a switcher where a single service would go (``ServiceSwitcher(services=[
deepgram, whisper])``) and switch at runtime with
``await task.queue_frame(ManuallySwitchServiceFrame(service=whisper))``.

Routing contract:

* Every service is set up, started and stopped with the pipeline:
  ``StartFrame``, ``EndFrame``, ``StopFrame`` and ``CancelFrame`` go into every
  service and leave the switcher once, after every service let them through
  (like :class:`~voxpipe.pipeline.parallel_pipeline.ParallelPipeline`).
  ``InterruptionFrame`` also reaches every service, so a service switched
  away from mid-response stops talking.
* Any other frame goes into the active service only, except a frame whose
  ``service`` field names one of the switcher's services (settings updates,
  metadata requests): it goes to that service.
* What leaves a service is pushed on only if that service is active — plus
  lifecycle frames (merged as above) and error frames, which are never
  swallowed. Everything else an inactive service emits is dropped.
* Switcher frames (``ServiceSwitcherFrame``) go to the strategy, then on
  downstream (a second switcher may be theirs). The newly active service gets
  a ``ServiceSwitcherRequestMetadataFrame`` so it re-announces itself.
* A switch drains the old service: the switch frame is sent through it,
  behind the frames it already had; its output passes until the switch frame
  comes out (and is pushed on), so work accepted before the switch is kept.

A frame costs the switcher about three inline hops (the switcher and the two
edges around the active service), whatever the number of services.

Strategies pick the active service: :class:`ServiceSwitcherStrategyManual` (the
default) follows ``ManuallySwitchServiceFrame``; :class:`ServiceSwitcherStrategyFailover`
also moves on when the active service reports a non-fatal error. Both the
strategy and the switcher emit ``on_service_switched``.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
from collections.abc import Sequence
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    ErrorFrame,
    InterruptionFrame,
    ManuallySwitchServiceFrame,
    ServiceSwitcherFrame,
    ServiceSwitcherRequestMetadataFrame,
    StartFrame,
    StopFrame,
)
from voxpipe.pipeline._branched import BranchedProcessor
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.utils.base_object import BaseObject

__all__ = [
    "ServiceSwitcher",
    "ServiceSwitcherStrategy",
    "ServiceSwitcherStrategyFailover",
    "ServiceSwitcherStrategyManual",
]

logger = logging.getLogger("voxpipe")

_DOWN = FrameDirection.DOWNSTREAM
_UP = FrameDirection.UPSTREAM
_SYNCED = (StartFrame, EndFrame, StopFrame, CancelFrame)
_TO_ALL = (*_SYNCED, InterruptionFrame)

# Frame type -> whether it has a ``service`` field (an addressed frame).
_ADDRESSED: dict[type, bool] = {}


def _is_addressed(cls: type) -> bool:
    found = _ADDRESSED.get(cls)
    if found is None:
        found = _ADDRESSED[cls] = any(f.name == "service" for f in dataclasses.fields(cls))
    return found


# -- strategies -------------------------------------------------------------------------


class ServiceSwitcherStrategy(BaseObject):
    """Decides which service of a switcher is active; subclass to write your own.

    The first service starts active. Override :meth:`handle_frame` and/or
    :meth:`handle_error`; call :meth:`switch_to` to change the active service.

    Args:
        services: The switcher's services, in order.
        **kwargs: Passed to :class:`BaseObject`.

    Raises:
        ValueError: ``services`` is empty.

    Events: ``on_service_switched(strategy, service)``.
    """

    def __init__(self, services: Sequence[FrameProcessor], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not services:
            raise ValueError("a service switcher needs at least one service")
        self._services = list(services)
        self._active: FrameProcessor = self._services[0]
        self._register_event_handler("on_service_switched")

    @property
    def services(self) -> list[FrameProcessor]:
        """The services, in the order given."""
        return list(self._services)

    @property
    def active_service(self) -> FrameProcessor:
        """The service currently receiving frames."""
        return self._active

    async def handle_frame(
        self, frame: ServiceSwitcherFrame, direction: FrameDirection
    ) -> FrameProcessor | None:
        """React to a switcher control frame.

        Returns:
            The newly active service if this frame caused a switch, else None.
        """
        return None

    async def handle_error(self, error: ErrorFrame) -> FrameProcessor | None:
        """React to a non-fatal error reported by the active service.

        Returns:
            The newly active service if the error caused a switch, else None.
        """
        return None

    async def switch_to(self, service: FrameProcessor) -> FrameProcessor | None:
        """Make ``service`` active and emit ``on_service_switched``.

        Returns:
            ``service`` if it became active; None if it already was active or
            is not one of the services (that is logged and ignored).
        """
        if not any(s is service for s in self._services):
            logger.warning("%s: %s is not one of its services; not switching", self, service)
            return None
        if service is self._active:
            return None
        self._active = service
        await self._call_event_handler("on_service_switched", service)
        return service


class ServiceSwitcherStrategyManual(ServiceSwitcherStrategy):
    """Switches when a ``ManuallySwitchServiceFrame`` names one of the services."""

    async def handle_frame(
        self, frame: ServiceSwitcherFrame, direction: FrameDirection
    ) -> FrameProcessor | None:
        """Switch to ``frame.service`` for a ``ManuallySwitchServiceFrame`` naming a service of ours."""
        if isinstance(frame, ManuallySwitchServiceFrame) and any(
            s is frame.service for s in self._services
        ):
            return await self.switch_to(frame.service)
        return None


class ServiceSwitcherStrategyFailover(ServiceSwitcherStrategyManual):
    """Manual switching, plus: a non-fatal error from the active service moves to the next one.

    The next service is the one after the active service in the list,
    wrapping around to the first. The failed service stays in the list;
    switching back is up to the application (e.g. in ``on_service_switched``).
    """

    async def handle_error(self, error: ErrorFrame) -> FrameProcessor | None:
        """Move to the next service (wrapping around); None with a single service."""
        if len(self._services) < 2:
            return None
        index = next(i for i, s in enumerate(self._services) if s is self._active)
        return await self.switch_to(self._services[(index + 1) % len(self._services)])


# -- the switcher -------------------------------------------------------------------------


class _SwitchEdge(FrameProcessor):
    """Start or end of one service's branch: hands frames leaving the branch to the switcher."""

    def __init__(self, owner: ServiceSwitcher, index: int, leaving: FrameDirection, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._owner = owner
        self._index = index
        self._leaving = leaving

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if direction is self._leaving:
            await self._owner._branch_output(self._index, frame, direction)
        else:
            await self.push_frame(frame, direction)


async def _maybe_await(value: Any) -> Any:  # strategies may be written sync or async
    return await value if inspect.isawaitable(value) else value


class ServiceSwitcher(BranchedProcessor):
    """Holds several services and routes frames through the active one only.

    See the module docstring for the routing contract.

    Args:
        services: The services (any frame processors), in order; the first
            starts active. Each may appear only once.
        strategy_type: The strategy *class* (not an instance); defaults to
            :class:`ServiceSwitcherStrategyManual`.
        **kwargs: Passed to :class:`FrameProcessor`.

    Raises:
        ValueError: No services, or the same service twice.
        TypeError: A service is not a :class:`FrameProcessor`, or
            ``strategy_type`` is not a :class:`ServiceSwitcherStrategy` subclass.

    Events: ``on_service_switched(switcher, service)``.
    """

    def __init__(
        self,
        services: Sequence[FrameProcessor],
        strategy_type: type[ServiceSwitcherStrategy] = ServiceSwitcherStrategyManual,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        services = list(services)
        if not services or len({id(s) for s in services}) != len(services):
            raise ValueError("ServiceSwitcher needs one or more services, each given once")
        bad = [type(s).__name__ for s in services if not isinstance(s, FrameProcessor)]
        if bad:
            raise TypeError(f"ServiceSwitcher services must be FrameProcessors, got {', '.join(bad)}")
        if not (isinstance(strategy_type, type) and issubclass(strategy_type, ServiceSwitcherStrategy)):
            raise TypeError(
                "strategy_type must be a ServiceSwitcherStrategy subclass (the class, not an instance), "
                f"got {strategy_type!r}"
            )
        self._services = services
        self._strategy = strategy_type(services)
        self._heads: list[_SwitchEdge] = []
        self._tails: list[_SwitchEdge] = []
        self._branches: list[Pipeline] = []
        for i, service in enumerate(services):
            head = _SwitchEdge(self, i, _UP, name=f"{self.name}::{service.name}::source")
            tail = _SwitchEdge(self, i, _DOWN, name=f"{self.name}::{service.name}::sink")
            self._branches.append(Pipeline([head, service, tail]))
            head._set_prev(self)  # branch heads join this processor's lane
            self._heads.append(head)
            self._tails.append(tail)
        self._active_index = 0
        self._synced: dict[int, int] = {}
        self._draining: dict[int, int] = {}  # switch frame id -> index of the service it drains
        self._started_out = False
        self._buffer: list[tuple[Frame, FrameDirection]] = []
        self._register_event_handler("on_service_switched")

    @property
    def services(self) -> list[FrameProcessor]:
        """The services, in the order given."""
        return list(self._services)

    @property
    def strategy(self) -> ServiceSwitcherStrategy:
        """The strategy instance deciding which service is active."""
        return self._strategy

    @property
    def active_service(self) -> FrameProcessor:
        """The service currently receiving frames."""
        return self._services[self._active_index]

    async def cleanup(self) -> None:
        """Clean up the strategy, then every service and this processor."""
        await self._strategy.cleanup()
        await super().cleanup()

    # -- routing ------------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Route ``frame`` into the active service (see the module docstring)."""
        await super().process_frame(frame, direction)
        if isinstance(frame, _TO_ALL):
            if isinstance(frame, StartFrame):
                self._started_out = False
                self._buffer.clear()
                self._draining.clear()
            edges = self._heads if direction is _DOWN else self._tails
            for edge in edges:
                await edge._receive(frame, direction)
            return
        if isinstance(frame, ServiceSwitcherFrame):
            previous = self._active_index
            service = await _maybe_await(self._strategy.handle_frame(frame, direction))
            if await self._sync_active(service) and direction is _DOWN and self.started:
                # Drain: the switch frame follows the frames already sent to the
                # old service; its output is accepted until the switch frame leaves.
                self._draining[frame.id] = previous
                await self._heads[previous]._receive(frame, direction)
                return
            await self.push_frame(frame, direction)
            return
        index = self._active_index
        if _is_addressed(type(frame)):
            target = getattr(frame, "service", None)
            for i, s in enumerate(self._services):
                if s is target:
                    index = i
                    break
        edge = self._heads[index] if direction is _DOWN else self._tails[index]
        await edge._receive(frame, direction)

    async def _sync_active(self, service: FrameProcessor | None) -> bool:
        """Follow the strategy after it may have switched; announce a switch.

        Returns:
            Whether the active service changed.
        """
        active = service if service is not None else self._strategy.active_service
        index = next((i for i, s in enumerate(self._services) if s is active), None)
        if index is None:
            logger.warning("%s: strategy chose %s, which is not one of its services", self, active)
            return False
        if index == self._active_index:
            return False
        self._active_index = index
        logger.debug("%s: switched to %s", self, active)
        await self._call_event_handler("on_service_switched", active)
        if self.started:
            await self._heads[index]._receive(ServiceSwitcherRequestMetadataFrame(service=active), _DOWN)
        return True

    async def _branch_output(self, index: int, frame: Frame, direction: FrameDirection) -> None:
        """A frame left service ``index``'s branch: merge it into this processor's output."""
        if isinstance(frame, _SYNCED):
            count = self._synced.get(frame.id, 0) + 1
            if count < len(self._services):
                self._synced[frame.id] = count
                return
            self._synced.pop(frame.id, None)
            await self.push_frame(frame, direction)
            if isinstance(frame, StartFrame):
                self._started_out = True
                buffered, self._buffer = self._buffer, []
                for f, d in buffered:
                    await self.push_frame(f, d)
            return
        if isinstance(frame, ErrorFrame):
            if index == self._active_index and not frame.fatal and direction is _UP:
                service = await _maybe_await(self._strategy.handle_error(frame))
                await self._sync_active(service)
        elif index != self._active_index:
            if isinstance(frame, ServiceSwitcherFrame) and self._draining.pop(frame.id, None) is not None:
                await self.push_frame(frame, direction)  # the old service is drained
                return
            if index not in self._draining.values():
                logger.debug("%s: dropping %s from inactive %s", self, frame, self._services[index])
                return
        elif isinstance(frame, ServiceSwitcherFrame) and self._draining.pop(frame.id, None) is not None:
            await self.push_frame(frame, direction)  # switched back before the drain ended
            return
        elif isinstance(frame, ServiceSwitcherRequestMetadataFrame) and frame.service is self._services[index]:
            return  # our own request, answered
        if not self._started_out and direction is _DOWN:
            self._buffer.append((frame, direction))
            return
        await self.push_frame(frame, direction)
