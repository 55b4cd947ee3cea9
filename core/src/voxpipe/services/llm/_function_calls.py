"""Function calling for ``LLMService``: the handler contract and the calls in flight.

Life of a batch of calls (all frames are broadcast, so the user aggregator
upstream and the assistant aggregator downstream both see it)::

    on_function_calls_started(service, calls)     # event, before anything runs
    FunctionCallsStartedFrame                     # system
    FunctionCallInProgressFrame  x N              # uninterruptible control
    (LLMFullResponseEndFrame, when called from a completion)
    ... handlers run (in parallel, or one by one) ...
    FunctionCallResultFrame      per call         # uninterruptible data
      | FunctionCallCancelFrame                   # interruption + cancel_on_interruption

Every call ends with exactly one result or cancel frame, whatever its handler
does: a handler that raises, never calls ``result_callback``, or outlives its
timeout produces an error result (and an ``ErrorFrame`` upstream); an unknown
function produces an error result. ``run_llm`` defaults to True only on the
result of the last call still outstanding, so the LLM runs once per batch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from voxpipe.frames.frames import (
    FunctionCallCancelFrame,
    FunctionCallFromLLM,
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
    FunctionCallResultProperties,
    FunctionCallsStartedFrame,
)

if TYPE_CHECKING:
    from voxpipe.services.llm._completion import CompletionRun
    from voxpipe.services.llm_service import LLMService

__all__ = [
    "FunctionCallHandler",
    "FunctionCallParams",
    "FunctionCallRegistryItem",
    "FunctionCallResultCallback",
    "FunctionCallRunner",
]

logger = logging.getLogger("voxpipe")


class FunctionCallResultCallback(Protocol):
    """What a handler calls, once, with its result."""

    async def __call__(
        self, result: Any, *, properties: FunctionCallResultProperties | None = None
    ) -> None:
        """Deliver ``result`` (JSON-serialisable) for the call; later calls are ignored."""


@dataclass
class FunctionCallParams:
    """Everything a function handler receives.

    Attributes:
        function_name: The function the LLM called.
        tool_call_id: The LLM's identifier for this call.
        arguments: The arguments the LLM passed.
        llm: The LLM service running the call.
        context: The LLM context at the time of the call.
        result_callback: Await it with the result; see :class:`FunctionCallResultCallback`.
    """

    function_name: str
    tool_call_id: str
    arguments: Mapping[str, Any]
    llm: LLMService
    context: Any
    result_callback: FunctionCallResultCallback


#: An ``async def handler(params: FunctionCallParams) -> None``.
FunctionCallHandler = Callable[[FunctionCallParams], Awaitable[None]]


@dataclass
class FunctionCallRegistryItem:
    """A registered handler and how its calls run.

    Attributes:
        function_name: The function handled, or None for the catch-all.
        handler: The handler (a legacy six-argument handler when ``legacy``).
        cancel_on_interruption: Whether a user interruption cancels its calls.
        timeout_secs: Per-function timeout; None uses the service's
            ``function_call_timeout_secs``.
        legacy: The handler takes ``(function_name, tool_call_id, args, llm,
            context, result_callback)``.
        start_callback: Deprecated ``(function_name, llm, context)`` callback
            awaited before the handler.
    """

    function_name: str | None
    handler: Callable[..., Awaitable[None]]
    cancel_on_interruption: bool = True
    timeout_secs: float | None = None
    legacy: bool = False
    start_callback: Callable[..., Awaitable[None]] | None = None


@dataclass(eq=False)
class _Call:
    call: FunctionCallFromLLM
    item: FunctionCallRegistryItem | None
    finished: bool = False
    delivered: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    @property
    def cancel_on_interruption(self) -> bool:
        return self.item.cancel_on_interruption if self.item is not None else True


class FunctionCallRunner:
    """Runs function calls for one ``LLMService`` and tracks the ones in flight."""

    def __init__(self, service: LLMService) -> None:
        self._service = service
        self._outstanding: dict[str, _Call] = {}

    @property
    def outstanding(self) -> list[str]:
        """Tool call ids that have neither a result nor a cancel yet."""
        return list(self._outstanding)

    async def start(
        self,
        calls: Sequence[FunctionCallFromLLM],
        parallel: bool,
        completion: CompletionRun | None = None,
    ) -> None:
        """Announce ``calls``, then start their handlers.

        When ``completion`` (a pipeline completion still open) is given, the
        handlers start when it closes — after ``LLMFullResponseEndFrame`` — so
        results always follow the end of the response that asked for them.
        """
        service = self._service
        runs = [_Call(c, service._lookup_function(c.function_name)) for c in calls]
        for run in runs:
            self._outstanding[run.call.tool_call_id] = run
        await service._call_event_handler("on_function_calls_started", list(calls))
        await service.broadcast_frame(FunctionCallsStartedFrame, function_calls=list(calls))
        for run in runs:
            if run.finished:  # an interruption already cancelled it
                continue
            await service.broadcast_frame(
                FunctionCallInProgressFrame,
                function_name=run.call.function_name,
                tool_call_id=run.call.tool_call_id,
                arguments=run.call.arguments,
                cancel_on_interruption=run.cancel_on_interruption,
            )
        # No await from here on: the check and the hand-over are atomic.
        if completion is not None and not completion.closed:
            completion.on_close.append(lambda: self._launch(runs, parallel))
        else:
            self._launch(runs, parallel)

    def _launch(self, runs: list[_Call], parallel: bool) -> None:
        previous: asyncio.Task[None] | None = None
        for run in runs:
            if run.finished:
                continue
            run.task = self._service.create_task(
                self._execute(run, None if parallel else previous),
                f"function_call[{run.call.function_name}]",
            )
            previous = run.task

    async def cancel(self, *, interruption: bool) -> None:
        """Cancel calls in flight.

        Args:
            interruption: True: cancel only calls with ``cancel_on_interruption``
                and broadcast a ``FunctionCallCancelFrame`` for each. False
                (the pipeline is ending): cancel all, quietly.
        """
        for run in list(self._outstanding.values()):
            if interruption and not run.cancel_on_interruption:
                continue
            self._finish(run)
            if run.task is not None:
                run.task.cancel()
            if interruption:
                logger.debug(
                    "%s: cancelling function call %s", self._service, run.call.tool_call_id
                )
                await self._service.broadcast_frame(
                    FunctionCallCancelFrame,
                    function_name=run.call.function_name,
                    tool_call_id=run.call.tool_call_id,
                )

    def _finish(self, run: _Call) -> None:
        run.finished = True
        run.delivered.set()
        self._outstanding.pop(run.call.tool_call_id, None)

    async def _execute(self, run: _Call, after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await asyncio.wait({after})
        if run.finished:
            return
        service, call, item = self._service, run.call, run.item
        if item is None:
            logger.warning("%s: the LLM called unknown function %r", service, call.function_name)
            await self._deliver(
                run, {"error": f"function {call.function_name!r} is not registered"}, None
            )
            return
        timeout = (
            item.timeout_secs
            if item.timeout_secs is not None
            else service.function_call_timeout_secs
        )
        # Not asyncio.wait_for: it waits for a cancelled handler without bound.
        inner = service.create_task(self._invoke(run, item), f"function_call[{call.function_name}]")
        try:
            done, _ = await asyncio.wait({inner}, timeout=timeout)
        except asyncio.CancelledError:
            inner.cancel()
            raise
        if not done:
            inner.cancel()
            if not run.finished:
                message = f"function {call.function_name!r} timed out after {timeout}s"
                await service.push_error(f"{service}: {message} (tool call {call.tool_call_id})")
                await self._deliver(run, {"error": message}, None)
            return
        exc = None if inner.cancelled() else inner.exception()
        if exc is None:
            return
        logger.error("%s: function %r raised", service, call.function_name, exc_info=exc)
        if not run.finished:
            await service.push_error(
                f"{service}: function {call.function_name!r} failed: {exc}",
                exception=exc if isinstance(exc, Exception) else None,
            )
            await self._deliver(
                run, {"error": f"function {call.function_name!r} failed: {exc}"}, None
            )

    async def _invoke(self, run: _Call, item: FunctionCallRegistryItem) -> None:
        service, call = self._service, run.call

        async def result_callback(
            result: Any, *, properties: FunctionCallResultProperties | None = None
        ) -> None:
            await self._deliver(run, result, properties)

        if item.start_callback is not None:
            await item.start_callback(call.function_name, service, call.context)
        if item.legacy:
            await item.handler(
                call.function_name,
                call.tool_call_id,
                call.arguments,
                service,
                call.context,
                result_callback,
            )
        else:
            params = FunctionCallParams(
                function_name=call.function_name,
                tool_call_id=call.tool_call_id,
                arguments=call.arguments,
                llm=service,
                context=call.context,
                result_callback=result_callback,
            )
            await item.handler(params)
        # A handler may hand result_callback to someone else and return: the
        # call is over only when the result arrives (still within the timeout).
        await run.delivered.wait()

    async def _deliver(
        self, run: _Call, result: Any, properties: FunctionCallResultProperties | None
    ) -> None:
        if run.finished:
            logger.warning(
                "%s: result for %s (%s) ignored: the call already ended",
                self._service,
                run.call.function_name,
                run.call.tool_call_id,
            )
            return
        self._finish(run)
        run_llm = not self._outstanding
        if properties is not None and properties.run_llm is not None:
            run_llm = properties.run_llm
        await self._service.broadcast_frame(
            FunctionCallResultFrame,
            function_name=run.call.function_name,
            tool_call_id=run.call.tool_call_id,
            arguments=run.call.arguments,
            result=result,
            run_llm=run_llm,
            properties=properties,
        )
