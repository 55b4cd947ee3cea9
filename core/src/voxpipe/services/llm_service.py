"""``LLMService``: the base of every LLM service, and function calling.

A provider plugin implements one coroutine, :meth:`LLMService._process_context`,
that streams a response for an :class:`~voxpipe.processors.aggregators.llm_context.LLMContext`.
The base class does the rest:

* on ``LLMContextFrame`` it pushes ``LLMFullResponseStartFrame``, the response
  (``LLMTextFrame`` ...), ``LLMFullResponseEndFrame``, with processing, TTFB
  (request to first output) and usage metrics;
* a provider timeout (``TimeoutError``) fires ``on_completion_timeout`` and
  pushes an ``ErrorFrame``; with ``retry_on_timeout=True`` the first attempt
  must start responding within ``retry_timeout_secs`` and a second attempt is
  made with no limit;
* an ``InterruptionFrame`` cancels the completion in flight (nothing of it is
  pushed after the interruption, not even the end frame) and the function calls
  registered with ``cancel_on_interruption=True``;
* function calls run through :meth:`LLMService.run_function_calls`
  (see :mod:`voxpipe.services.llm._function_calls` for the frame sequence);
* :meth:`LLMService.run_inference` runs a one-shot completion out of band;
* ``LLMContextSummaryRequestFrame`` (from the assistant aggregator) is
  answered downstream with an ``LLMContextSummaryResultFrame``, computed by
  ``run_inference`` in the background so the conversation keeps flowing;
* ``LLMUpdateSettingsFrame`` is applied by :class:`~voxpipe.services.ai_service.AIService`;
  ``LLMConfigureOutputFrame(skip_tts=...)`` marks the following output;
* ``filter_incomplete_user_turns`` (set by the user aggregator) adds the
  turn-completion instructions to the request, filters the ``✓``/``○``/``◐``
  marker out of the reply and re-prompts after an incomplete turn
  (:mod:`voxpipe.services.llm._turn_completion`).

``_process_context`` may be an async generator yielding ``str`` (text),
frames, :class:`FunctionCallFromLLM` (run after the stream ends) and
:class:`~voxpipe.metrics.metrics.LLMTokenUsage`; or a coroutine that pushes
frames and calls ``run_function_calls`` itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from typing import Any, ClassVar

from voxpipe.adapters.base_llm_adapter import BaseLLMAdapter
from voxpipe.adapters.services.open_ai_adapter import OpenAILLMAdapter
from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    FunctionCallFromLLM,
    FunctionCallInProgressFrame,
    FunctionCallsStartedFrame,
    LLMConfigureOutputFrame,
    LLMContextFrame,
    LLMContextSummaryRequestFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMMessagesFrame,
    LLMTextFrame,
    LLMThoughtStartFrame,
    LLMThoughtTextFrame,
    LLMUpdateSettingsFrame,
    TextFrame,
    UserStartedSpeakingFrame,
)
from voxpipe.metrics.metrics import LLMTokenUsage
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.services.ai_service import AIService
from voxpipe.services.llm._completion import (
    CompletionRun,
    FirstOutputDeadline,
    current_run,
    with_system_instruction,
)
from voxpipe.services.llm._registry import FunctionRegistry
from voxpipe.services.llm._summary import summarize
from voxpipe.services.llm._turn_completion import TurnCompletionDriver, config_from_settings
from voxpipe.services.llm._function_calls import (
    FunctionCallHandler,
    FunctionCallParams,
    FunctionCallRegistryItem,
    FunctionCallResultCallback,
    FunctionCallRunner,
)
from voxpipe.services.settings import LLMSettings, ServiceSettings
from voxpipe.turns.user_turn_completion_mixin import UserTurnCompletionLLMServiceMixin

__all__ = [
    "FunctionCallHandler",
    "FunctionCallParams",
    "FunctionCallRegistryItem",
    "FunctionCallResultCallback",
    "LLMService",
]

logger = logging.getLogger("voxpipe")

_DOWN = FrameDirection.DOWNSTREAM
_TIMEOUTS = (TimeoutError, asyncio.TimeoutError)
# Frames that mean "the model has started answering" (stop TTFB, disarm the retry deadline).
_OUTPUT_FRAMES = (
    TextFrame,
    LLMThoughtStartFrame,
    LLMThoughtTextFrame,
    FunctionCallsStartedFrame,
    FunctionCallInProgressFrame,
)
_SKIP_TTS_FRAMES = (TextFrame, LLMFullResponseStartFrame, LLMFullResponseEndFrame)

#: What ``_process_context`` may yield.
LLMOutput = str | Frame | FunctionCallFromLLM | LLMTokenUsage


class LLMService(UserTurnCompletionLLMServiceMixin, FunctionRegistry, AIService):
    """Base class of LLM services; see the module docstring for the contract.

    Args:
        run_in_parallel: Run the function calls of one response concurrently
            (True) or one after another.
        function_call_timeout_secs: Seconds a function call may take before it
            gets an error result; ``register_function(timeout_secs=...)``
            overrides it per function. None: no limit.
        retry_on_timeout: Retry once, without a limit, when the first attempt
            does not start responding within ``retry_timeout_secs``.
        retry_timeout_secs: Time to first output allowed to the first attempt
            when ``retry_on_timeout`` is on.
        **kwargs: Passed to :class:`AIService` (``settings``, ``name`` ...).

    Events:
        ``on_function_calls_started(service, function_calls)``: before the
        calls run (handlers run inline, so they finish first);
        ``on_completion_timeout(service)``: a completion timed out (an
        ``ErrorFrame`` is pushed too).
    """

    Settings: ClassVar[type[LLMSettings]] = LLMSettings  # type: ignore[assignment]
    settings_frame_type: ClassVar[type[LLMUpdateSettingsFrame]] = LLMUpdateSettingsFrame

    #: The adapter translating the universal context for this provider.
    adapter_class: ClassVar[type[BaseLLMAdapter]] = OpenAILLMAdapter

    def __init__(
        self,
        *,
        run_in_parallel: bool = True,
        function_call_timeout_secs: float | None = 10.0,
        retry_on_timeout: bool = False,
        retry_timeout_secs: float = 5.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._run_in_parallel = run_in_parallel
        self._function_call_timeout_secs = function_call_timeout_secs
        self._retry_on_timeout = retry_on_timeout
        self._retry_timeout_secs = retry_timeout_secs
        self._functions: dict[str | None, FunctionCallRegistryItem] = {}
        self._function_calls = FunctionCallRunner(self)
        self._skip_tts: bool | None = None
        self._adapter = self.adapter_class()
        self._turn_completion = TurnCompletionDriver(self)
        self._sync_turn_completion()
        self._register_event_handler("on_function_calls_started", sync=True)
        self._register_event_handler("on_completion_timeout")

    # -- configuration -------------------------------------------------------------

    @property
    def function_call_timeout_secs(self) -> float | None:
        """Default seconds a function call may take."""
        return self._function_call_timeout_secs

    @property
    def run_in_parallel(self) -> bool:
        """Whether the calls of one response run concurrently."""
        return self._run_in_parallel

    @property
    def retry_on_timeout(self) -> bool:
        """Whether a completion that does not start in time is retried once."""
        return self._retry_on_timeout

    @property
    def retry_timeout_secs(self) -> float:
        """Time to first output allowed to the first attempt when retrying is on."""
        return self._retry_timeout_secs

    async def _update_settings(self, delta: ServiceSettings | Mapping[str, Any]) -> set[str]:
        """Apply ``delta``; turns incomplete-turn filtering on or off when it changes."""
        changed = await super()._update_settings(delta)
        if changed & {"filter_incomplete_user_turns", "user_turn_completion_config"}:
            self._sync_turn_completion()
        return changed

    def _sync_turn_completion(self) -> None:
        settings = self._settings
        config = config_from_settings(
            getattr(settings, "filter_incomplete_user_turns", None),
            getattr(settings, "user_turn_completion_config", None),
        )
        self._turn_completion.configure(config)

    def get_llm_adapter(self) -> BaseLLMAdapter:
        """The adapter that turns an ``LLMContext`` into this provider's request."""
        return self._adapter

    # -- function calls ------------------------------------------------------------------

    async def run_function_calls(self, function_calls: Sequence[FunctionCallFromLLM]) -> None:
        """Announce ``function_calls`` and start their handlers.

        Returns once every call is announced (``on_function_calls_started``,
        ``FunctionCallsStartedFrame``, ``FunctionCallInProgressFrame``s).
        Handlers run in tasks owned by this service and answer with
        ``FunctionCallResultFrame``s. Called during a completion, the handlers
        start when the response ends, so results follow its
        ``LLMFullResponseEndFrame``. Announcing is shielded: a caller cancelled
        mid-way (an interruption) leaves every call started or cancelled, never
        half-announced. Ignored (logged) inside :meth:`run_inference`.
        """
        if not function_calls:
            return
        run = current_run.get()
        if run is not None and not run.closed and run.capture is not None:
            logger.debug(
                "%s: ignoring %d function call(s) in run_inference", self, len(function_calls)
            )
            return
        await self._response_started()
        completion = run if run is not None and not run.closed else None
        starter = self.create_task(
            self._function_calls.start(list(function_calls), self._run_in_parallel, completion),
            "start_function_calls",
        )
        await asyncio.shield(starter)

    # -- the provider hook ----------------------------------------------------------------

    def _process_context(self, context: LLMContext) -> AsyncIterator[LLMOutput] | Awaitable[None]:
        """Stream a response for ``context``; subclasses must implement it.

        Either an async generator yielding :data:`LLMOutput` items, or a
        coroutine pushing frames itself. Raise ``TimeoutError`` when the
        provider times out; other exceptions become an ``ErrorFrame``.
        Cancellation (interruption, shutdown) must be allowed to propagate.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement _process_context()")

    @property
    def _inference_max_tokens(self) -> int | None:
        """Inside ``_process_context``: the ``max_tokens`` of ``run_inference``, else None."""
        run = current_run.get()
        return run.max_tokens if run is not None and not run.closed else None

    async def _response_started(self) -> None:
        """Note that the provider started answering (stops TTFB, disarms the retry deadline).

        Called automatically on the first output frame or yielded item;
        subclasses may call it earlier (on the first chunk of the stream).
        """
        run = current_run.get()
        if run is None or run.closed:
            return
        if run.start_output() and run.ttfb_pending:
            run.ttfb_pending = False
            await self.stop_ttfb_metrics()

    # -- frames ---------------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Run completions for context frames; pass everything else on."""
        await super().process_frame(frame, direction)
        if self.consumes_settings_frame(frame):
            return
        if isinstance(frame, LLMContextFrame):
            await self._handle_context(frame)
        elif isinstance(frame, LLMMessagesFrame):
            await self._handle_context(LLMContextFrame(LLMContext(frame.messages)))
        elif isinstance(frame, LLMConfigureOutputFrame):
            self._skip_tts = frame.skip_tts
        elif isinstance(frame, LLMContextSummaryRequestFrame):
            self.create_task(self._answer_summary_request(frame), "summary")
        else:
            if isinstance(frame, UserStartedSpeakingFrame):
                self._turn_completion.cancel("the user started speaking")
            await self.push_frame(frame, direction)

    async def _answer_summary_request(self, request: LLMContextSummaryRequestFrame) -> None:
        await self.push_frame(await summarize(self, request))

    async def push_frame(self, frame: Frame, direction: FrameDirection = _DOWN) -> None:
        """Push ``frame``, noting a completion's first output; collected in ``run_inference``."""
        run = current_run.get()
        if run is not None and not run.closed:
            if isinstance(frame, _OUTPUT_FRAMES):
                await self._response_started()
            if run.capture is not None:
                if isinstance(frame, TextFrame):
                    run.capture.append(frame.text)
                return
            replaced = self._turn_completion.filter(frame)
            if replaced is not None:
                for out in replaced:
                    if getattr(out, "skip_tts", False):  # the marker: never spoken, whatever LLMConfigureOutputFrame says
                        await super().push_frame(out, direction)
                    else:
                        await self._push_output(out, direction)
                return
        await self._push_output(frame, direction)

    async def _push_output(self, frame: Frame, direction: FrameDirection) -> None:
        if self._skip_tts is not None and isinstance(frame, _SKIP_TTS_FRAMES):
            frame.skip_tts = self._skip_tts
        await super().push_frame(frame, direction)

    async def _handle_context(self, frame: LLMContextFrame) -> None:
        context = self._turn_completion.request(frame)
        run = CompletionRun(ttfb_pending=True)
        token = current_run.set(run)
        try:
            await self.push_frame(LLMFullResponseStartFrame())
            await self.start_processing_metrics()
            await self.start_ttfb_metrics()
            try:
                await self._run_completion(context, run)
            except _TIMEOUTS as exc:
                logger.warning("%s: LLM completion timed out: %s", self, exc)
                await self._call_event_handler("on_completion_timeout")
                await self.push_error(f"{self}: LLM completion timed out", exception=exc)
            except Exception as exc:
                logger.exception("%s: LLM completion failed", self)
                await self.push_error(f"{self}: LLM completion failed: {exc}", exception=exc)
            for held in self._turn_completion.finish():
                await self._push_output(held, _DOWN)
            await self.stop_processing_metrics()
            await self.push_frame(LLMFullResponseEndFrame())
        finally:
            self._turn_completion.abandon()
            run.close()  # starts the function calls this response asked for
            current_run.reset(token)

    async def _run_completion(self, context: LLMContext, run: CompletionRun) -> None:
        if not self._retry_on_timeout:
            await self._attempt(context, run, None)
            return
        try:
            await self._attempt(context, run, self._retry_timeout_secs)
            return
        except _TIMEOUTS:
            if run.output_started:
                raise  # output was already pushed: a retry would repeat it
            logger.warning(
                "%s: no response within %.1fs; retrying without a timeout",
                self,
                self._retry_timeout_secs,
            )
        await self._attempt(context, run, None)

    async def _attempt(
        self, context: LLMContext, run: CompletionRun, timeout: float | None
    ) -> None:
        run.output_started = False
        deadline = FirstOutputDeadline(timeout) if timeout is not None else None
        run.deadline = deadline
        try:
            await self._drive(self._process_context(context))
        except BaseException as exc:
            if deadline is not None and deadline.convert(exc):
                raise TimeoutError(f"no response within {timeout}s") from None
            raise
        else:
            if deadline is not None:
                deadline.convert(None)
        finally:
            run.deadline = None

    async def _drive(self, stream: AsyncIterator[LLMOutput] | Awaitable[None]) -> None:
        if not hasattr(stream, "__aiter__"):
            await stream  # type: ignore[misc]
            return
        calls: list[FunctionCallFromLLM] = []
        try:
            async for item in stream:  # type: ignore[union-attr]
                if isinstance(item, str):
                    if item:
                        await self.push_frame(LLMTextFrame(item))
                elif isinstance(item, Frame):
                    await self.push_frame(item)
                elif isinstance(item, FunctionCallFromLLM):
                    await self._response_started()
                    calls.append(item)
                elif isinstance(item, LLMTokenUsage):
                    await self.start_llm_usage_metrics(item)
                else:
                    raise TypeError(
                        f"_process_context yielded an unsupported {type(item).__name__}"
                    )
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()
        await self.run_function_calls(calls)

    async def run_inference(
        self,
        context: LLMContext,
        max_tokens: int | None = None,
        system_instruction: str | None = None,
    ) -> str | None:
        """Run one completion out of band and return its text; push nothing.

        Args:
            context: The conversation (left unchanged).
            max_tokens: Token limit for this answer (providers read it from
                ``self._inference_max_tokens``).
            system_instruction: Replaces the context's system prompt for this call.

        Returns:
            The response text, or None when the model produced no text.

        Raises:
            TimeoutError: The provider timed out (after the retry, if enabled).
            Exception: Whatever the provider raised.
        """
        if system_instruction is not None:
            context = with_system_instruction(context, system_instruction)
        run = CompletionRun(capture=[], max_tokens=max_tokens)
        token = current_run.set(run)
        try:
            await self._run_completion(context, run)
        finally:
            run.close()
            current_run.reset(token)
        return "".join(run.capture) if run.capture else None

    # -- interruption and lifecycle ----------------------------------------------------------

    async def _start_interruption(self) -> None:
        """Cancel the completion in flight and the interruptible function calls."""
        await super()._start_interruption()
        self._turn_completion.cancel("interruption")
        await self._function_calls.cancel(interruption=True)

    async def stop(self, frame: EndFrame) -> None:
        """Cancel function calls still running; the pipeline is ending."""
        await super().stop(frame)
        self._turn_completion.cancel("pipeline ending")
        await self._function_calls.cancel(interruption=False)

    async def cancel(self, frame: CancelFrame) -> None:
        """Cancel function calls still running."""
        await super().cancel(frame)
        self._turn_completion.cancel("pipeline cancelled")
        await self._function_calls.cancel(interruption=False)
