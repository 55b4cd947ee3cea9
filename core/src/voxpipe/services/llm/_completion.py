"""One completion run of ``LLMService``: its first-output deadline and capture mode.

A :class:`CompletionRun` lives in a context variable for the duration of a
completion, so the service's ``push_frame`` can tell, per task, whether the
frame being pushed is the run's first output (stop TTFB, disarm the retry
deadline) and whether the run is out-of-band (``run_inference``: collect the
text, push nothing).
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voxpipe.processors.aggregators.llm_context import LLMContext

__all__ = ["CompletionRun", "FirstOutputDeadline", "current_run", "with_system_instruction"]


class FirstOutputDeadline:
    """Cancels the current task unless :meth:`disarm` is called within ``timeout`` seconds.

    The owner converts the resulting ``CancelledError`` into ``TimeoutError``
    with :meth:`convert`. It works on Python 3.10 (no ``asyncio.timeout``)
    and, on 3.11+, keeps the task's cancellation count balanced so an
    unrelated cancellation (an interruption) is never mistaken for a timeout.
    """

    __slots__ = ("_handle", "_task", "expired")

    def __init__(self, timeout: float) -> None:
        self._task = asyncio.current_task()
        self.expired = False
        loop = asyncio.get_running_loop()
        self._handle: asyncio.TimerHandle | None = loop.call_later(timeout, self._expire)

    def _expire(self) -> None:
        self._handle = None
        if self._task is not None and not self._task.done():
            self.expired = True
            self._task.cancel()

    def disarm(self) -> None:
        """Stop the clock: output has started (idempotent)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def convert(self, exc: BaseException | None) -> bool:
        """Settle the deadline after the guarded code ended with ``exc``.

        Returns:
            True when ``exc`` is the deadline's own cancellation and should be
            raised as ``TimeoutError``; False otherwise (re-raise ``exc``).
        """
        self.disarm()
        if not self.expired:
            return False
        uncancel = getattr(self._task, "uncancel", None)
        remaining = uncancel() if uncancel is not None else 0
        return isinstance(exc, asyncio.CancelledError) and remaining == 0


@dataclass(eq=False)
class CompletionRun:
    """State of one completion.

    Attributes:
        capture: Text chunks collected instead of pushed (``run_inference``),
            or None for a pipeline completion.
        max_tokens: Token limit asked by ``run_inference``, or None.
        deadline: The first-output deadline of the current attempt, if any.
        output_started: Whether the current attempt produced output.
        ttfb_pending: A TTFB measurement waits for the first output.
        closed: The run is over; tasks it spawned no longer count as its output.
        on_close: Callbacks run (synchronously) by :meth:`close`.
    """

    capture: list[str] | None = None
    max_tokens: int | None = None
    deadline: FirstOutputDeadline | None = None
    output_started: bool = False
    ttfb_pending: bool = False
    closed: bool = False
    on_close: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """End the run and run its ``on_close`` callbacks (each once)."""
        self.closed = True
        callbacks, self.on_close = self.on_close, []
        for callback in callbacks:
            callback()

    def start_output(self) -> bool:
        """Note that output started; True the first time for this attempt."""
        if self.output_started:
            return False
        self.output_started = True
        if self.deadline is not None:
            self.deadline.disarm()
        return True


#: The completion the current task is running, if any.
current_run: ContextVar[CompletionRun | None] = ContextVar("voxpipe_llm_completion", default=None)


def with_system_instruction(context: LLMContext, instruction: str) -> LLMContext:
    """A copy of ``context`` whose system prompt is ``instruction`` (replaced or inserted first)."""
    clone = context.copy()
    messages = clone.messages
    system = {"role": "system", "content": instruction}
    if messages and isinstance(messages[0], dict) and messages[0].get("role") == "system":
        messages[0] = system
    else:
        messages.insert(0, system)
    return clone
