"""Metrics data types: keyword construction, defaults, dumping, and the metrics frame."""

from __future__ import annotations

import dataclasses

import pytest
from voxpipe.frames.frames import MetricsFrame, SystemFrame
from voxpipe.metrics.metrics import (
    LLMTokenUsage,
    LLMUsageMetricsData,
    MetricsData,
    ProcessingMetricsData,
    SmartTurnMetricsData,
    TextAggregationMetricsData,
    TTFBMetricsData,
    TTSUsageMetricsData,
    TurnMetricsData,
)


def _fields(cls: type) -> dict[str, object]:
    return {
        f.name: (f.default if f.default is not dataclasses.MISSING else "REQUIRED")
        for f in dataclasses.fields(cls)
    }


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (MetricsData, {"processor": "REQUIRED", "model": None}),
        (TTFBMetricsData, {"processor": "REQUIRED", "model": None, "value": "REQUIRED"}),
        (ProcessingMetricsData, {"processor": "REQUIRED", "model": None, "value": "REQUIRED"}),
        (TextAggregationMetricsData, {"processor": "REQUIRED", "model": None, "value": "REQUIRED"}),
        (LLMUsageMetricsData, {"processor": "REQUIRED", "model": None, "value": "REQUIRED"}),
        (TTSUsageMetricsData, {"processor": "REQUIRED", "model": None, "value": "REQUIRED"}),
        (
            TurnMetricsData,
            {
                "processor": "REQUIRED",
                "model": None,
                "is_complete": "REQUIRED",
                "probability": "REQUIRED",
                "e2e_processing_time_ms": "REQUIRED",
            },
        ),
        (
            LLMTokenUsage,
            {
                "prompt_tokens": "REQUIRED",
                "completion_tokens": "REQUIRED",
                "total_tokens": "REQUIRED",
                "cache_read_input_tokens": None,
                "cache_creation_input_tokens": None,
                "reasoning_tokens": None,
            },
        ),
    ],
)
def test_fields_and_defaults(cls: type, expected: dict[str, object]) -> None:
    assert _fields(cls) == expected


def test_construction_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        TTFBMetricsData("tts", None, 0.2)  # type: ignore[misc]
    data = TTFBMetricsData(processor="CartesiaTTSService#0", model="sonic", value=0.2)
    assert (data.processor, data.model, data.value) == ("CartesiaTTSService#0", "sonic", 0.2)


def test_subclasses_are_metrics_data() -> None:
    for cls in (
        TTFBMetricsData,
        ProcessingMetricsData,
        TextAggregationMetricsData,
        LLMUsageMetricsData,
        TTSUsageMetricsData,
        TurnMetricsData,
    ):
        assert issubclass(cls, MetricsData)


def test_model_dump_nests_token_usage() -> None:
    usage = LLMTokenUsage(
        prompt_tokens=10, completion_tokens=5, total_tokens=15, reasoning_tokens=2
    )
    data = LLMUsageMetricsData(processor="llm", value=usage)
    assert data.model_dump() == {
        "processor": "llm",
        "model": None,
        "value": {
            "prompt_tokens": 10,
            "completion_tokens": 5,
            "total_tokens": 15,
            "cache_read_input_tokens": None,
            "cache_creation_input_tokens": None,
            "reasoning_tokens": 2,
        },
    }
    assert data.model_dump(exclude_none=True) == {
        "processor": "llm",
        "value": {
            "prompt_tokens": 10,
            "completion_tokens": 5,
            "total_tokens": 15,
            "reasoning_tokens": 2,
        },
    }


def test_smart_turn_metrics_is_deprecated_turn_metrics() -> None:
    with pytest.warns(DeprecationWarning, match="TurnMetricsData") as record:
        data = SmartTurnMetricsData(
            processor="turn", is_complete=True, probability=0.9, e2e_processing_time_ms=12.0
        )
    assert record[0].filename == __file__
    assert isinstance(data, TurnMetricsData)
    assert (data.inference_time_ms, data.server_total_time_ms) == (0.0, 0.0)


def test_metrics_frame_carries_a_list_of_data() -> None:
    entries = [
        TTFBMetricsData(processor="stt", value=0.1),
        TTSUsageMetricsData(processor="tts", value=42),
    ]
    frame = MetricsFrame(data=entries)
    assert isinstance(frame, SystemFrame)
    assert frame.data is entries
    assert frame.name.startswith("MetricsFrame#")
