"""OpenAILLMAdapter: the universal context as a Chat Completions request."""

from __future__ import annotations

from voxpipe.adapters.schemas import AdapterType, FunctionSchema, ToolsSchema
from voxpipe.adapters.services.open_ai_adapter import OpenAILLMAdapter
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.services.settings import NOT_GIVEN


def test_tools_become_function_tools_plus_own_custom_tools():
    fn = FunctionSchema("get_weather", "Weather", {"city": {"type": "string"}}, ["city"])
    tools = ToolsSchema(
        [fn],
        custom_tools={AdapterType.OPENAI: [{"type": "web_search"}], AdapterType.GEMINI: [{"x": 1}]},
    )
    assert OpenAILLMAdapter().to_provider_tools_format(tools) == [
        {"type": "function", "function": fn.to_default_dict()},
        {"type": "web_search"},
    ]


def test_invocation_params_skip_other_providers_messages_and_unwrap_own():
    context = LLMContext([{"role": "system", "content": "Be brief."}])
    context.add_message(LLMContext.create_llm_specific_message("anthropic", {"thinking": "..."}))
    context.add_message(
        LLMContext.create_llm_specific_message(
            AdapterType.OPENAI, {"role": "user", "content": "hi"}
        )
    )
    params = OpenAILLMAdapter().get_llm_invocation_params(context)
    assert params["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
    ]
    assert params["tools"] is NOT_GIVEN
    assert params["tool_choice"] is NOT_GIVEN


def test_tool_choice_only_sent_with_tools():
    context = LLMContext(tool_choice="required")
    assert OpenAILLMAdapter().get_llm_invocation_params(context)["tool_choice"] is NOT_GIVEN
    context.set_tools(ToolsSchema([FunctionSchema("f", "", {}, [])]))
    assert OpenAILLMAdapter().get_llm_invocation_params(context)["tool_choice"] == "required"


def test_logging_view_shortens_inline_images():
    context = LLMContext()
    context.add_image_frame_message(
        format="JPEG", size=(1, 1), image=b"\xff" * 200, text="what is it?"
    )
    logged = OpenAILLMAdapter().get_messages_for_logging(context)
    assert logged[0]["content"][1]["image_url"]["url"] == "data:image/jpeg;base64,..."
    # the context itself is untouched
    assert len(context.messages[0]["content"][1]["image_url"]["url"]) > 200
