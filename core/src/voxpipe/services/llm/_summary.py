"""Answer an ``LLMContextSummaryRequestFrame`` with an out-of-band completion.

The assistant aggregator asks the pipeline's LLM for a summary of the older
part of the context; the service answers with an ``LLMContextSummaryResultFrame``
(never an exception: failures and timeouts travel in its ``error`` field).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from voxpipe.frames.frames import LLMContextSummaryRequestFrame, LLMContextSummaryResultFrame

if TYPE_CHECKING:
    from voxpipe.services.llm_service import LLMService

__all__ = ["summarize"]

logger = logging.getLogger("voxpipe")

_INSTRUCTION = {"role": "user", "content": "Summarize the conversation above."}


def _last_index(messages: list, keep: int) -> int:
    """Index of the last message to summarize: keep ``keep`` recent ones, never split a tool result."""
    last = len(messages) - keep - 1
    while 0 <= last and last + 1 < len(messages):
        following = messages[last + 1]
        if not (isinstance(following, dict) and following.get("role") == "tool"):
            break
        last -= 1
    return last


async def summarize(
    service: LLMService, request: LLMContextSummaryRequestFrame
) -> LLMContextSummaryResultFrame:
    """Run the summary ``request`` on ``service``; errors are reported in the result."""
    last = _last_index(list(request.context.messages), request.min_messages_to_keep)
    summary, error = "", None
    if last < 0:
        error = "nothing to summarize"
    else:
        context = request.context.copy()
        context.set_messages([*context.messages[: last + 1], dict(_INSTRUCTION)])
        try:
            summary = (
                await asyncio.wait_for(
                    service.run_inference(  # type: ignore[arg-type]
                        context,
                        max_tokens=request.target_context_tokens,
                        system_instruction=request.summarization_prompt,
                    ),
                    request.summarization_timeout,
                )
                or ""
            )
        except (TimeoutError, asyncio.TimeoutError):
            error = f"summary timed out after {request.summarization_timeout}s"
        except Exception as exc:  # reported to the aggregator, never raised into the pipeline
            logger.warning("%s: summarization failed: %s", service, exc)
            error = f"summarization failed: {exc}"
        if not error and not summary.strip():
            error = "the LLM returned an empty summary"
    return LLMContextSummaryResultFrame(
        request_id=request.request_id, summary=summary, last_summarized_index=last, error=error
    )
