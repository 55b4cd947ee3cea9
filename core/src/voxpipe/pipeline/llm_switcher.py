"""``LLMSwitcher``: a :class:`ServiceSwitcher` for LLM services.

On top of switching it keeps function calling uniform across the LLMs —
:meth:`LLMSwitcher.register_function` and
:meth:`LLMSwitcher.register_direct_function` register with *every* LLM, so a
switch never loses a tool — and runs one-shot inferences on whichever LLM is
active (:meth:`LLMSwitcher.run_inference`).

The LLMs only need the methods called on them (``register_function``,
``register_direct_function``, ``run_inference``), as ``LLMService`` provides.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from voxpipe.pipeline.service_switcher import (
    ServiceSwitcher,
    ServiceSwitcherStrategy,
    ServiceSwitcherStrategyManual,
)
from voxpipe.processors.frame_processor import FrameProcessor

__all__ = ["LLMSwitcher"]


class LLMSwitcher(ServiceSwitcher):
    """Switches between LLM services and fans function registration out to all of them.

    Args:
        llms: The LLM services, in order; the first starts active.
        strategy_type: The strategy *class*; defaults to
            :class:`~voxpipe.pipeline.service_switcher.ServiceSwitcherStrategyManual`.
        **kwargs: Passed to :class:`~voxpipe.pipeline.service_switcher.ServiceSwitcher`.

    Example::

        llm_switcher = LLMSwitcher(llms=[openai, gemini])
        llm_switcher.register_function("get_weather", handle_weather)
        await task.queue_frame(ManuallySwitchServiceFrame(service=gemini))
    """

    def __init__(
        self,
        llms: Sequence[FrameProcessor],
        strategy_type: type[ServiceSwitcherStrategy] = ServiceSwitcherStrategyManual,
        **kwargs: Any,
    ) -> None:
        super().__init__(services=llms, strategy_type=strategy_type, **kwargs)

    @property
    def llms(self) -> list[Any]:
        """The LLM services, in the order given."""
        return self.services

    @property
    def active_llm(self) -> Any | None:
        """The LLM currently receiving frames (None only if there were no LLMs)."""
        return self.active_service

    async def run_inference(self, context: Any, **kwargs: Any) -> str | None:
        """Run a one-shot inference on the active LLM, outside the pipeline's flow.

        Args:
            context: The ``LLMContext`` to complete.
            **kwargs: Forwarded to the LLM's ``run_inference`` (e.g.
                ``max_tokens``, ``system_instruction``).

        Returns:
            The LLM's reply, or None when there is no active LLM.
        """
        llm = self.active_llm
        if llm is None:
            return None
        return await llm.run_inference(context, **kwargs)

    def register_function(
        self,
        function_name: str | None,
        handler: Callable[..., Any],
        start_callback: Callable[..., Any] | None = None,
        *,
        cancel_on_interruption: bool = True,
        timeout_secs: float | None = None,
    ) -> None:
        """Register ``handler`` for ``function_name`` with every LLM, active or not.

        Args:
            function_name: The function's name; None registers a catch-all
                handler for every call.
            handler: Async handler receiving one ``FunctionCallParams``.
            start_callback: Deprecated; put that code at the top of ``handler``.
            cancel_on_interruption: Cancel the call when the user interrupts.
            timeout_secs: Per-function timeout overriding the LLM's
                ``function_call_timeout_secs``.
        """
        extra: dict[str, Any] = {}
        if start_callback is not None:
            warnings.warn(
                "register_function(start_callback=...) is deprecated; "
                "put that code at the top of the handler",
                DeprecationWarning,
                stacklevel=2,
            )
            extra["start_callback"] = start_callback
        for llm in self.llms:
            llm.register_function(
                function_name,
                handler,
                cancel_on_interruption=cancel_on_interruption,
                timeout_secs=timeout_secs,
                **extra,
            )

    def register_direct_function(
        self,
        handler: Callable[..., Any],
        *,
        cancel_on_interruption: bool = True,
        timeout_secs: float | None = None,
    ) -> None:
        """Register a direct function (schema read from its signature) with every LLM.

        Args:
            handler: The direct function; it follows the ``DirectFunction`` protocol.
            cancel_on_interruption: Cancel the call when the user interrupts.
            timeout_secs: Per-function timeout overriding the LLM's
                ``function_call_timeout_secs``.
        """
        for llm in self.llms:
            llm.register_direct_function(
                handler, cancel_on_interruption=cancel_on_interruption, timeout_secs=timeout_secs
            )
