"""Scripted fake LLM services shared by the LLM tests (plus checks of the fakes themselves)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from voxpipe.frames.frames import FunctionCallFromLLM, LLMContextFrame, LLMTextFrame
from voxpipe.metrics.metrics import LLMTokenUsage
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.services.llm_service import LLMService
from voxpipe.tests.utils import SleepFrame, run_test


@dataclass
class Turn:
    """One scripted response.

    Attributes:
        tokens: Text chunks, ``delay`` seconds apart.
        first_delay: Seconds before the first chunk (the TTFB).
        delay: Seconds between chunks.
        calls: ``(function_name, arguments)`` pairs returned after the text.
        error: Raised after ``first_delay`` (or after the tokens when ``error_after_tokens``).
        error_after_tokens: Raise ``error`` after streaming the tokens.
        usage: Token usage yielded at the end.
    """

    tokens: Sequence[str] = ()
    first_delay: float = 0.0
    delay: float = 0.01
    calls: Sequence[tuple[str, dict[str, Any]]] = ()
    error: BaseException | None = None
    error_after_tokens: bool = False
    usage: LLMTokenUsage | None = None


@dataclass
class Request:
    """What the fake was asked: the messages and the run_inference token limit."""

    messages: list[Any]
    max_tokens: int | None
    started: float = field(default_factory=time.monotonic)


class FakeLLM(LLMService):
    """Streams scripted turns, one per request (the last one repeats)."""

    def __init__(self, turns: Sequence[Turn], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.turns = list(turns)
        self.requests: list[Request] = []
        self._call_ids = 0

    def _next_turn(self, context: LLMContext) -> Turn:
        self.requests.append(Request(list(context.messages), self._inference_max_tokens))
        return self.turns.pop(0) if len(self.turns) > 1 else self.turns[0]

    async def _process_context(self, context: LLMContext) -> AsyncIterator[Any]:  # type: ignore[override]
        turn = self._next_turn(context)
        await asyncio.sleep(turn.first_delay)
        if turn.error is not None and not turn.error_after_tokens:
            raise turn.error
        limit = self._inference_max_tokens
        for i, token in enumerate(turn.tokens[:limit]):
            if i:
                await asyncio.sleep(turn.delay)
            yield token
        if turn.error is not None:
            raise turn.error
        for name, arguments in turn.calls:
            self._call_ids += 1
            yield FunctionCallFromLLM(name, f"call_{self._call_ids}", arguments, context)
        if turn.usage is not None:
            yield turn.usage


class PushingFakeLLM(FakeLLM):
    """The same script, but pushing frames and running calls itself (the other hook style)."""

    async def _process_context(self, context: LLMContext) -> None:  # type: ignore[override]
        turn = self._next_turn(context)
        await asyncio.sleep(turn.first_delay)
        for i, token in enumerate(turn.tokens):
            if i:
                await asyncio.sleep(turn.delay)
            await self.push_frame(LLMTextFrame(token))
        calls = []
        for name, arguments in turn.calls:
            self._call_ids += 1
            calls.append(FunctionCallFromLLM(name, f"call_{self._call_ids}", arguments, context))
        await self.run_function_calls(calls)


def context_frame(text: str = "Hello") -> LLMContextFrame:
    return LLMContextFrame(LLMContext([{"role": "user", "content": text}]))


def texts(frames: Sequence[Any]) -> str:
    return "".join(f.text for f in frames if isinstance(f, LLMTextFrame))


async def test_generator_and_pushing_fakes_stream_the_same_text():
    for cls in (FakeLLM, PushingFakeLLM):
        llm = cls([Turn(tokens=["Hel", "lo", "!"])])
        down, _ = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.1)])
        assert texts(down) == "Hello!", cls.__name__
        assert len(llm.requests) == 1
