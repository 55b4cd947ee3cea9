"""Metrics data types carried by ``MetricsFrame.data``.

Every type is a keyword-only dataclass (``TTFBMetricsData(processor="tts",
value=0.21)``), the same construction style as the documented Pydantic
models, without the dependency. ``model_dump()`` gives the plain-dict form
that observers and the RTVI ``metrics`` message use.

Hierarchy::

    MetricsData(processor, model=None)
    ├── TTFBMetricsData(value: seconds)
    ├── ProcessingMetricsData(value: seconds)
    ├── TextAggregationMetricsData(value: seconds)
    ├── LLMUsageMetricsData(value: LLMTokenUsage)
    ├── TTSUsageMetricsData(value: characters)
    └── TurnMetricsData(is_complete, probability, e2e_processing_time_ms)
        └── SmartTurnMetricsData (deprecated)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from voxpipe.frames._deprecation import warn_deprecated

__all__ = [
    "LLMTokenUsage",
    "LLMUsageMetricsData",
    "MetricsData",
    "ProcessingMetricsData",
    "SmartTurnMetricsData",
    "TTFBMetricsData",
    "TTSUsageMetricsData",
    "TextAggregationMetricsData",
    "TurnMetricsData",
]


class _Dumpable:
    """Adds ``model_dump()`` so code written against the Pydantic models keeps working."""

    def model_dump(self, *, exclude_none: bool = False) -> dict[str, Any]:
        """Return the fields as a plain dict, nested values included.

        Args:
            exclude_none: Leave out fields whose value is None.

        Returns:
            A new dict of field name to value.
        """
        data = dataclasses.asdict(self)  # type: ignore[call-overload]
        if exclude_none:
            data = _drop_none(data)
        return data


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: _drop_none(value) if isinstance(value, dict) else value
        for key, value in data.items()
        if value is not None
    }


@dataclass(kw_only=True)
class MetricsData(_Dumpable):
    """Base of every measurement.

    Attributes:
        processor: Name of the processor that measured it.
        model: The model involved, if any.
    """

    processor: str
    model: str | None = None


@dataclass(kw_only=True)
class TTFBMetricsData(MetricsData):
    """Time to first byte: from request to the first piece of the response.

    Attributes:
        value: Seconds.
    """

    value: float


@dataclass(kw_only=True)
class ProcessingMetricsData(MetricsData):
    """Time a processor spent producing a complete result.

    Attributes:
        value: Seconds.
    """

    value: float


@dataclass(kw_only=True)
class TextAggregationMetricsData(MetricsData):
    """Time from the first LLM token to the first complete sentence sent to TTS.

    Attributes:
        value: Seconds.
    """

    value: float


@dataclass(kw_only=True)
class LLMTokenUsage(_Dumpable):
    """Token counts of one LLM request.

    Attributes:
        prompt_tokens: Tokens in the input.
        completion_tokens: Tokens generated.
        total_tokens: Prompt plus completion tokens.
        cache_read_input_tokens: Input tokens served from the prompt cache, if reported.
        cache_creation_input_tokens: Input tokens written to the prompt cache, if reported.
        reasoning_tokens: Tokens spent on reasoning, if reported.
    """

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cache_read_input_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    reasoning_tokens: int | None = None


@dataclass(kw_only=True)
class LLMUsageMetricsData(MetricsData):
    """LLM token usage of one request.

    Attributes:
        value: The token counts.
    """

    value: LLMTokenUsage


@dataclass(kw_only=True)
class TTSUsageMetricsData(MetricsData):
    """TTS usage of one request.

    Attributes:
        value: Characters synthesized.
    """

    value: int


@dataclass(kw_only=True)
class TurnMetricsData(MetricsData):
    """One turn-detection prediction.

    Attributes:
        is_complete: Whether the model judged the user's turn complete.
        probability: The model's confidence that the turn is complete.
        e2e_processing_time_ms: Milliseconds from the VAD's speech-to-silence
            transition to the decision.
    """

    is_complete: bool
    probability: float
    e2e_processing_time_ms: float


@dataclass(kw_only=True)
class SmartTurnMetricsData(TurnMetricsData):
    """Deprecated: use :class:`TurnMetricsData`; warns when constructed.

    Attributes:
        inference_time_ms: Model inference time in milliseconds.
        server_total_time_ms: Total server time in milliseconds.
    """

    inference_time_ms: float = 0.0
    server_total_time_ms: float = 0.0

    def __post_init__(self) -> None:
        warn_deprecated("SmartTurnMetricsData is deprecated; use TurnMetricsData.")
