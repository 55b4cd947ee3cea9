"""``LLMContract``: LLM services (documented base: ``voxpipe.services.llm_service.LLMService``).

Input is an ``LLMContextFrame`` holding an ``LLMContext`` with the ``messages``
option (default: one user message). Function calling (capability
``function_calling``) needs options ``function_messages`` (a conversation the
emulator answers with a tool call) and ``function_name``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from voxpipe.frames.frames import (
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    LLMUpdateSettingsFrame,
)

from voxpipe_conformance.capabilities import requires
from voxpipe_conformance.contracts.service import ServiceContract

__all__ = ["LLMContract", "context_frame"]

DEFAULT_MESSAGES = [{"role": "user", "content": "Say hello in one short sentence."}]


def context_frame(messages: list[dict[str, Any]], tools: Any = None) -> Any:
    """An ``LLMContextFrame`` for ``messages`` (the universal ``LLMContext``)."""
    from voxpipe.frames.frames import LLMContextFrame
    from voxpipe.processors.aggregators.llm_context import LLMContext

    context = LLMContext(messages=list(messages)) if tools is None else LLMContext(
        messages=list(messages), tools=tools)
    return LLMContextFrame(context=context)


class LLMContract(ServiceContract):
    """Contract of LLM services."""

    kind = "llm"
    summary = "context in, LLMFullResponseStartFrame → LLMTextFrame… → LLMFullResponseEndFrame out"
    first_output = LLMTextFrame
    output_done = LLMFullResponseEndFrame
    expected_order = [LLMFullResponseStartFrame, LLMTextFrame, LLMFullResponseEndFrame]
    settings_frame = LLMUpdateSettingsFrame
    default_settings_delta = {"temperature": 0.25}

    def stimulus(self) -> list:
        """One ``LLMContextFrame`` with the ``messages`` option."""
        return [context_frame(self.option("messages", DEFAULT_MESSAGES))]

    def check_output(self, s: Any) -> None:
        """The streamed text is not empty."""
        text = "".join(f.text for f in s.down if isinstance(f, LLMTextFrame))
        assert text.strip(), "the LLM streamed no text"

    @requires("function_calling")
    async def test_function_call_invokes_registered_handler(self) -> None:
        """A tool call from the model runs the function registered with register_function.

        Source: Pipecat docs, Function calling › llm.register_function(name, handler)
        and FunctionCallsStartedFrame.
        """
        messages = self.need_option("function_messages")
        name = self.need_option("function_name")
        called = asyncio.Event()
        service = await self.make()

        async def handler(params: Any) -> None:
            called.set()
            await params.result_callback({"ok": True})

        service.register_function(name, handler)
        async with self.session(service) as s:
            await s.send(context_frame(messages))
            await asyncio.wait_for(called.wait(), timeout=self.option("output_within", 10.0))
