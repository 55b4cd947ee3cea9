"""LLMLogObserver logs LLM events once each, only for frames leaving or reaching an LLM service."""

from __future__ import annotations

import logging

import pytest

from voxpipe.frames.frames import (
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    TextFrame,
)
from voxpipe.observers.base_observer import FramePushed
from voxpipe.observers.loggers import LLMLogObserver as Exported
from voxpipe.observers.loggers.llm_log_observer import LLMLogObserver
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

pytestmark = pytest.mark.timeout(60)

DOWN = FrameDirection.DOWNSTREAM


class LLMService(FrameProcessor):
    """Stands in for the kernel's LLMService (matched by class name)."""


class MyLLM(LLMService):
    pass


LLM, OTHER = MyLLM(name="llm"), FrameProcessor(name="tts")


async def push(obs, src, dst, frame, t=1.5):
    await obs.on_push_frame(FramePushed(src, dst, frame, DOWN, int(t * 1e9)))


async def test_logs_llm_output_and_input(caplog):
    obs = LLMLogObserver()
    assert Exported is LLMLogObserver
    with caplog.at_level(logging.INFO, logger="voxpipe"):
        await push(obs, LLM, OTHER, LLMFullResponseStartFrame())
        text = LLMTextFrame("Hello")
        await push(obs, LLM, OTHER, text)
        await push(obs, OTHER, FrameProcessor(), text)  # later hop: not from the LLM, and seen
        await push(obs, LLM, OTHER, FunctionCallInProgressFrame(function_name="f", tool_call_id="1", arguments={"a": 1}))
        await push(obs, OTHER, LLM, FunctionCallResultFrame(function_name="f", tool_call_id="1", arguments={}, result=42))
        await push(obs, LLM, OTHER, LLMFullResponseEndFrame(), t=2.0)
        await push(obs, OTHER, LLM, TextFrame("not an LLM event"))
        await push(obs, OTHER, FrameProcessor(), LLMTextFrame("not from the LLM"))
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "🧠 llm → LLM START RESPONSE at 1.50s",
        "🧠 llm → LLM GENERATING: 'Hello' at 1.50s",
        "🧠 llm → LLM FUNCTION CALL: f({'a': 1}) at 1.50s",
        "🧠 → llm LLM FUNCTION CALL RESULT: f: 42 at 1.50s",
        "🧠 llm → LLM END RESPONSE at 2.00s",
    ]


async def test_log_level_is_configurable(caplog):
    obs = LLMLogObserver(log_level=logging.DEBUG)
    with caplog.at_level(logging.DEBUG, logger="voxpipe"):
        await push(obs, LLM, OTHER, LLMTextFrame("x"))
    assert caplog.records[0].levelno == logging.DEBUG
