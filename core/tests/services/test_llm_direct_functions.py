"""Direct functions: schema from signature and docstring; register_direct_function passes keywords."""

from __future__ import annotations

from typing import Literal

import pytest
from test_llm_fakes import FakeLLM, Turn, context_frame

from voxpipe.adapters.schemas.direct_function import direct_function_schema
from voxpipe.adapters.schemas.tools_schema import ToolsSchema
from voxpipe.frames.frames import FunctionCallResultFrame
from voxpipe.services.llm_service import FunctionCallParams
from voxpipe.tests.utils import SleepFrame, run_test


async def get_weather(
    params: FunctionCallParams,
    location: str,
    unit: Literal["celsius", "fahrenheit"] = "celsius",
    days: int | None = None,
    tags: list[str] | None = None,
) -> None:
    """Get the current weather for a place.

    Args:
        location: City and country, e.g. "Paris, France".
        unit: The temperature unit.
        days: Forecast days; today only
            when omitted.
        tags: Extra labels.
    """
    await params.result_callback({"location": location, "unit": unit, "days": days})


def test_schema_comes_from_signature_and_docstring():
    schema = direct_function_schema(get_weather)
    assert schema.name == "get_weather"
    assert schema.description == "Get the current weather for a place."
    assert schema.required == ["location"]
    props = schema.properties
    assert props["location"] == {"type": "string", "description": 'City and country, e.g. "Paris, France".'}
    assert props["unit"]["enum"] == ["celsius", "fahrenheit"] and props["unit"]["type"] == "string"
    assert props["days"]["type"] == "integer"
    assert props["days"]["description"] == "Forecast days; today only when omitted."
    assert props["tags"]["type"] == "array" and props["tags"]["items"] == {"type": "string"}


def test_tools_schema_accepts_direct_functions():
    tools = ToolsSchema(standard_tools=[get_weather])
    assert [t.name for t in tools.standard_tools] == ["get_weather"]


def test_not_a_direct_function_is_a_clear_error():
    async def undocumented(params, x: int):
        pass

    def sync(params, x: int):
        """Sync."""

    with pytest.raises(TypeError, match="docstring"):
        direct_function_schema(undocumented)
    with pytest.raises(TypeError, match="async def"):
        direct_function_schema(sync)


async def test_register_direct_function_calls_it_with_keyword_arguments():
    llm = FakeLLM([Turn(calls=[("get_weather", {"location": "Paris", "days": 2, "bogus": 1})])])
    llm.register_direct_function(get_weather, cancel_on_interruption=False)
    assert llm.has_function("get_weather")
    down, _ = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.1)])
    result = [f for f in down if isinstance(f, FunctionCallResultFrame)][0]
    assert result.result == {"location": "Paris", "unit": "celsius", "days": 2}
