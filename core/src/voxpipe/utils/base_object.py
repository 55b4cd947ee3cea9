"""``BaseObject``: identity and the event system shared by processors, tasks and services.

A component declares the events it emits with :meth:`BaseObject._register_event_handler`;
users attach handlers with ``@obj.event_handler("on_x")`` or
``obj.add_event_handler("on_x", fn)``. Handlers may be ``def`` or ``async def``;
several handlers for one event run in registration order. The first argument
a handler receives is always the emitting object.

*Synchronous* events (``sync=True``) run their handlers inline: the emitter
waits for them. *Asynchronous* events (the default) run them in a background
task owned by the emitter, so the emitter never waits on user I/O; those tasks
are awaited (bounded) or cancelled by :meth:`BaseObject.cleanup`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from voxpipe.errors import UnknownEventError

__all__ = ["BaseObject", "EventHandler"]

logger = logging.getLogger("voxpipe")

EventHandler = Callable[..., Any]

_object_ids = itertools.count(1)
_name_counts: dict[str, itertools.count] = {}


class _Event:
    __slots__ = ("handlers", "sync")

    def __init__(self, sync: bool) -> None:
        self.sync = sync
        self.handlers: list[EventHandler] = []


class BaseObject:
    """Identity (``id``, ``name``) plus named events with user handlers.

    Args:
        name: Display name; defaults to ``ClassName#n``.
    """

    def __init__(self, *, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._id = next(_object_ids)
        if name is None:
            cls_name = type(self).__name__
            counter = _name_counts.get(cls_name)
            if counter is None:
                counter = _name_counts[cls_name] = itertools.count(0)
            name = f"{cls_name}#{next(counter)}"
        self._name = name
        self._bo_events: dict[str, _Event] = {}
        self._bo_event_tasks: set[asyncio.Task[None]] = set()

    @property
    def id(self) -> int:
        """Unique id of this object."""
        return self._id

    @property
    def name(self) -> str:
        """Display name of this object."""
        return self._name

    def __str__(self) -> str:
        return self._name

    # -- events -------------------------------------------------------------

    def _register_event_handler(self, event_name: str, sync: bool = False) -> None:
        """Declare an event this object emits (for component authors).

        Args:
            event_name: The event's name, conventionally ``on_<something>``.
            sync: Run handlers inline (the emitter waits) instead of in a
                background task.
        """
        if event_name not in self._bo_events:
            self._bo_events[event_name] = _Event(sync)

    def event_handler(self, event_name: str) -> Callable[[EventHandler], EventHandler]:
        """Decorator form of :meth:`add_event_handler`.

        Raises:
            UnknownEventError: The object does not emit ``event_name``.
        """

        def decorator(handler: EventHandler) -> EventHandler:
            self.add_event_handler(event_name, handler)
            return handler

        return decorator

    def add_event_handler(self, event_name: str, handler: EventHandler) -> None:
        """Attach ``handler`` to ``event_name``; handlers run in registration order.

        Raises:
            UnknownEventError: The object does not emit ``event_name``.
        """
        event = self._bo_events.get(event_name)
        if event is None:
            known = ", ".join(sorted(self._bo_events)) or "none"
            raise UnknownEventError(
                f"{self} has no event {event_name!r}; events it emits: {known}"
            )
        if not callable(handler):
            raise TypeError(f"event handler for {event_name!r} must be callable, got {handler!r}")
        event.handlers.append(handler)

    def has_event_handlers(self, event_name: str) -> bool:
        """True when at least one handler is attached to ``event_name``."""
        event = self._bo_events.get(event_name)
        return bool(event and event.handlers)

    @property
    def event_names(self) -> list[str]:
        """The names of the events this object emits."""
        return list(self._bo_events)

    async def _call_event_handler(self, event_name: str, *args: Any, **kwargs: Any) -> None:
        """Emit ``event_name`` with ``(self, *args)`` (for component authors).

        A handler that raises is logged and does not stop the other handlers or
        the emitter.
        """
        event = self._bo_events.get(event_name)
        if event is None:
            raise UnknownEventError(f"{self} emits no event {event_name!r}; register it first")
        if not event.handlers:
            return
        if event.sync:
            await self._run_handlers(event_name, list(event.handlers), args, kwargs)
            return
        task = asyncio.get_running_loop().create_task(
            self._run_handlers(event_name, list(event.handlers), args, kwargs),
            name=f"{self}::{event_name}",
        )
        self._bo_event_tasks.add(task)
        task.add_done_callback(self._bo_event_tasks.discard)

    async def _run_handlers(
        self, event_name: str, handlers: list[EventHandler], args: tuple, kwargs: dict
    ) -> None:
        for handler in handlers:
            try:
                result = handler(self, *args, **kwargs)
                if isinstance(result, Awaitable):
                    await result
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("%s: handler %r for %s raised", self, handler, event_name)

    async def wait_for_event_handlers(self, timeout: float = 5.0) -> None:
        """Wait (at most ``timeout`` seconds) for running async-event handlers, then cancel the rest."""
        pending = {t for t in self._bo_event_tasks if t is not asyncio.current_task()}
        if not pending:
            return
        done, still = await asyncio.wait(pending, timeout=timeout)
        for t in still:
            t.cancel()
        if still:
            logger.warning(
                "%s: %d event handler(s) still running after %.1fs were cancelled",
                self,
                len(still),
                timeout,
            )
            await asyncio.wait(still, timeout=1.0)

    async def cleanup(self) -> None:
        """Release what this object owns: waits briefly for its event handlers."""
        await self.wait_for_event_handlers()
