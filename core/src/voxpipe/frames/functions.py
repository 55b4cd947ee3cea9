"""Function calling: the helper dataclasses and the frames of a call's life.

Order of a call: :class:`FunctionCallsStartedFrame` (system) →
:class:`FunctionCallInProgressFrame` (control, uninterruptible) →
:class:`FunctionCallResultFrame` (data, uninterruptible) or
:class:`FunctionCallCancelFrame` (system, when an interruption cancels a call
whose ``cancel_on_interruption`` is set). The uninterruptible ones always
reach the context aggregator, so the context never loses a call or result.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from voxpipe.frames._base import ControlFrame, DataFrame, SystemFrame, UninterruptibleFrame

__all__ = [
    "FunctionCallCancelFrame",
    "FunctionCallFromLLM",
    "FunctionCallInProgressFrame",
    "FunctionCallResultFrame",
    "FunctionCallResultProperties",
    "FunctionCallsStartedFrame",
]


@dataclass
class FunctionCallFromLLM:
    """A function call the LLM asked for, ready to run (a plain dataclass, not a frame).

    Attributes:
        function_name: Name of the function to call.
        tool_call_id: The LLM's identifier for this call.
        arguments: Arguments for the function.
        context: The LLM context at the moment of the call.
    """

    function_name: str
    tool_call_id: str
    arguments: Mapping[str, Any]
    context: Any


@dataclass
class FunctionCallResultProperties:
    """How a function call result is handled (a plain dataclass, not a frame).

    Attributes:
        run_llm: Whether to run the LLM once the result is in the context;
            None keeps the default behaviour.
        on_context_updated: Awaited after the context has been updated with
            the result.
    """

    run_llm: bool | None = None
    on_context_updated: Callable[[], Awaitable[None]] | None = None


@dataclass
class FunctionCallsStartedFrame(SystemFrame):
    """One or more function calls are about to run.

    Attributes:
        function_calls: The calls that will run.
    """

    function_calls: Sequence[FunctionCallFromLLM]


@dataclass
class FunctionCallInProgressFrame(ControlFrame, UninterruptibleFrame):
    """A function call is running; never dropped by an interruption.

    Attributes:
        function_name: Name of the running function.
        tool_call_id: Identifier of the call.
        arguments: Arguments passed to the function.
        cancel_on_interruption: Whether a user interruption cancels the call.
    """

    function_name: str
    tool_call_id: str
    arguments: Any
    cancel_on_interruption: bool = False


@dataclass
class FunctionCallResultFrame(DataFrame, UninterruptibleFrame):
    """The result of a finished function call; never dropped by an interruption.

    Attributes:
        function_name: Name of the function that ran.
        tool_call_id: Identifier of the call.
        arguments: Arguments that were passed to the function.
        result: What the function returned.
        run_llm: Whether to run the LLM after this result; None keeps the
            default behaviour.
        properties: Further handling options.
    """

    function_name: str
    tool_call_id: str
    arguments: Any
    result: Any
    run_llm: bool | None = None
    properties: FunctionCallResultProperties | None = None


@dataclass
class FunctionCallCancelFrame(SystemFrame):
    """A function call was cancelled, usually by a user interruption.

    Attributes:
        function_name: Name of the cancelled function.
        tool_call_id: Identifier of the cancelled call.
    """

    function_name: str
    tool_call_id: str
