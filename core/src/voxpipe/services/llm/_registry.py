"""``FunctionRegistry``: the ``register_function`` family of ``LLMService``.

A mixin so the service module stays readable; it only keeps the table of
handlers. Running calls is :mod:`voxpipe.services.llm._function_calls`.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from voxpipe.services.llm._function_calls import FunctionCallRegistryItem

__all__ = ["FunctionRegistry"]


class FunctionRegistry:
    """Function handlers by name (``None``: the catch-all)."""

    _functions: dict[str | None, FunctionCallRegistryItem]

    def register_function(
        self,
        function_name: str | None,
        handler: Callable[..., Awaitable[None]],
        start_callback: Callable[..., Awaitable[None]] | None = None,
        *,
        cancel_on_interruption: bool = True,
        timeout_secs: float | None = None,
    ) -> None:
        """Handle calls to ``function_name`` with ``handler``.

        Args:
            function_name: The function's name; None registers a catch-all for
                every function without its own handler.
            handler: ``async def handler(params: FunctionCallParams)``; it must
                ``await params.result_callback(result)`` (possibly later, from
                elsewhere, within the timeout). A legacy six-argument handler
                ``(function_name, tool_call_id, args, llm, context,
                result_callback)`` still works and warns.
            start_callback: Deprecated; awaited with ``(function_name, llm,
                context)`` before the handler. Put that code in the handler.
            cancel_on_interruption: Cancel the call when the user interrupts.
            timeout_secs: Overrides ``function_call_timeout_secs`` for this function.

        Raises:
            TypeError: ``handler`` is not callable.
        """
        if not callable(handler):
            raise TypeError(f"function handler for {function_name!r} must be callable")
        legacy = _is_legacy_handler(handler)
        if legacy:
            warnings.warn(
                "function handlers taking (function_name, tool_call_id, args, llm, context, "
                "result_callback) are deprecated; take a single FunctionCallParams",
                DeprecationWarning,
                stacklevel=2,
            )
        if start_callback is not None:
            warnings.warn(
                "register_function(start_callback=...) is deprecated; put that code at the top "
                "of the handler",
                DeprecationWarning,
                stacklevel=2,
            )
        self._functions[function_name] = FunctionCallRegistryItem(
            function_name=function_name,
            handler=handler,
            cancel_on_interruption=cancel_on_interruption,
            timeout_secs=timeout_secs,
            legacy=legacy,
            start_callback=start_callback,
        )

    def register_direct_function(
        self,
        handler: Callable[..., Awaitable[None]],
        *,
        cancel_on_interruption: bool = True,
        timeout_secs: float | None = None,
    ) -> None:
        """Handle calls to a direct function, named after it, passing the arguments as keywords.

        ``handler`` is ``async def name(params: FunctionCallParams, **arguments)``
        with a docstring (see :mod:`voxpipe.adapters.schemas.direct_function`);
        put the same function in ``ToolsSchema(standard_tools=[...])`` so the
        LLM learns its schema.

        Raises:
            TypeError: ``handler`` is not a direct function.
        """
        from voxpipe.adapters.schemas.direct_function import direct_function_schema

        schema = direct_function_schema(handler)  # validates it and names it

        async def call(params: Any) -> None:
            arguments = dict(params.arguments or {})
            unknown = sorted(set(arguments) - set(schema.properties))
            for name in unknown:
                arguments.pop(name)
            await handler(params, **arguments)

        call.__name__ = handler.__name__
        self.register_function(
            schema.name,
            call,
            cancel_on_interruption=cancel_on_interruption,
            timeout_secs=timeout_secs,
        )

    def function(
        self,
        function_name: str | None,
        *,
        cancel_on_interruption: bool = True,
        timeout_secs: float | None = None,
    ) -> Callable[[Callable[..., Awaitable[None]]], Callable[..., Awaitable[None]]]:
        """Decorator form of :meth:`register_function` (``@llm.function("name")``)."""

        def decorator(handler: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
            self.register_function(
                function_name,
                handler,
                cancel_on_interruption=cancel_on_interruption,
                timeout_secs=timeout_secs,
            )
            return handler

        return decorator

    def unregister_function(self, function_name: str | None) -> None:
        """Forget the handler of ``function_name`` (None: the catch-all); no-op if absent."""
        self._functions.pop(function_name, None)

    def has_function(self, function_name: str) -> bool:
        """Whether a call to ``function_name`` has a handler (its own or the catch-all)."""
        return function_name in self._functions or None in self._functions

    def _lookup_function(self, function_name: str) -> FunctionCallRegistryItem | None:
        return self._functions.get(function_name) or self._functions.get(None)


def _is_legacy_handler(handler: Callable[..., Any]) -> bool:
    import inspect  # only at registration: keeps ``inspect`` off the import path

    try:
        parameters = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 6
