"""FunctionSchema / ToolsSchema: the provider-neutral tool definitions."""

from __future__ import annotations

import pytest
from voxpipe.adapters.schemas import AdapterType, FunctionSchema, ToolsSchema
from voxpipe.adapters.schemas.function_schema import FunctionSchema as FunctionSchemaDirect
from voxpipe.adapters.schemas.tools_schema import ToolsSchema as ToolsSchemaDirect


def weather() -> FunctionSchema:
    return FunctionSchema(
        name="get_weather",
        description="Get the current weather",
        properties={"location": {"type": "string", "description": "City and state"}},
        required=["location"],
    )


def test_documented_import_paths_are_the_same_classes():
    assert FunctionSchema is FunctionSchemaDirect
    assert ToolsSchema is ToolsSchemaDirect


def test_function_schema_to_default_dict_is_openai_function_json():
    assert weather().to_default_dict() == {
        "name": "get_weather",
        "description": "Get the current weather",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string", "description": "City and state"}},
            "required": ["location"],
        },
    }


def test_to_default_dict_is_a_copy():
    fn = weather()
    d = fn.to_default_dict()
    d["parameters"]["properties"]["location"]["type"] = "number"
    d["parameters"]["required"].append("x")
    assert fn.properties["location"]["type"] == "string"
    assert fn.required == ["location"]


def test_function_schema_rejects_unknown_required_and_empty_name():
    with pytest.raises(ValueError, match="not in properties"):
        FunctionSchema(name="f", description="", properties={}, required=["x"])
    with pytest.raises(ValueError, match="name"):
        FunctionSchema(name="", description="", properties={}, required=[])


@pytest.mark.parametrize("wrap", [False, True])
def test_function_schema_round_trips_through_openai_dicts(wrap):
    data = weather().to_default_dict()
    if wrap:
        data = {"type": "function", "function": data}
    assert FunctionSchema.from_dict(data) == weather()


def test_tools_schema_holds_standard_and_custom_tools():
    tools = ToolsSchema(
        standard_tools=[weather()],
        custom_tools={AdapterType.GEMINI: [{"google_search": {}}]},
    )
    assert tools.standard_tools == [weather()]
    assert tools.function_names == ["get_weather"]
    assert tools.get_custom_tools("gemini") == [{"google_search": {}}]
    assert tools.get_custom_tools(AdapterType.GEMINI) == [{"google_search": {}}]
    assert tools.get_custom_tools(AdapterType.OPENAI) == []
    assert len(tools) == 2


def test_tools_schema_merges_by_list_concatenation_as_documented():
    a = ToolsSchema(standard_tools=[weather()])
    b = ToolsSchema(standard_tools=[FunctionSchema("get_time", "Time", {}, [])])
    merged = ToolsSchema(standard_tools=a.standard_tools + b.standard_tools)
    assert merged.function_names == ["get_weather", "get_time"]


def test_tools_schema_rejects_duplicates_and_non_schemas():
    with pytest.raises(ValueError, match="get_weather"):
        ToolsSchema(standard_tools=[weather(), weather()])
    with pytest.raises(TypeError, match="FunctionSchema"):
        ToolsSchema(standard_tools=[{"name": "x"}])  # type: ignore[list-item]
