"""LLMContext: messages, tools and tool choice in the universal format."""

from __future__ import annotations

import base64
import io
import struct
import wave
import zlib
from dataclasses import dataclass

import pytest
from voxpipe.adapters.schemas.function_schema import FunctionSchema
from voxpipe.adapters.schemas.tools_schema import AdapterType, ToolsSchema
from voxpipe.processors.aggregators.llm_context import LLMContext, LLMSpecificMessage
from voxpipe.services.settings import NOT_GIVEN


def test_defaults_are_empty_and_not_given():
    context = LLMContext()
    assert context.messages == []
    assert context.tools is NOT_GIVEN
    assert context.tool_choice is NOT_GIVEN


def test_messages_are_added_set_and_live():
    system = {"role": "system", "content": "You are helpful."}
    context = LLMContext([system])
    context.add_message({"role": "user", "content": "Hi"})
    context.add_messages(
        [{"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Bye"}]
    )
    assert [m["role"] for m in context.messages] == ["system", "user", "assistant", "user"]
    context.messages.append({"role": "assistant", "content": "Ciao"})
    assert len(context.get_messages()) == 5
    context.set_messages([system])
    assert context.messages == [system]


def test_documented_add_user_message():
    context = LLMContext()
    context.add_user_message("What is the capital of France?")
    assert context.messages == [{"role": "user", "content": "What is the capital of France?"}]


def test_bad_messages_are_rejected_before_any_is_added():
    context = LLMContext()
    with pytest.raises(TypeError, match="role/content dict"):
        context.add_messages([{"role": "user", "content": "ok"}, "not a message"])  # type: ignore[list-item]
    assert context.messages == []


def test_llm_specific_messages_are_filtered_per_provider():
    context = LLMContext([{"role": "user", "content": "Hi"}])
    thought = context.create_llm_specific_message(AdapterType.ANTHROPIC, {"type": "thinking"})
    assert thought == LLMSpecificMessage(llm="anthropic", message={"type": "thinking"})
    context.add_message(thought)
    assert context.get_messages() == [{"role": "user", "content": "Hi"}, thought]
    assert context.get_messages("anthropic") == [{"role": "user", "content": "Hi"}, thought]
    assert context.get_messages("openai") == [{"role": "user", "content": "Hi"}]


def test_tools_schema_and_openai_lists_are_accepted():
    fn = FunctionSchema("get_weather", "Weather", {"city": {"type": "string"}}, ["city"])
    context = LLMContext(tools=ToolsSchema(standard_tools=[fn]))
    assert context.tools.standard_tools == [fn]  # type: ignore[union-attr]
    context.set_tools(
        [{"type": "function", "function": fn.to_default_dict()}, {"type": "web_search"}]
    )
    assert context.tools.standard_tools == [fn]  # type: ignore[union-attr]
    assert context.tools.get_custom_tools(AdapterType.OPENAI) == [{"type": "web_search"}]  # type: ignore[union-attr]


@pytest.mark.parametrize("empty", [None, [], ToolsSchema(standard_tools=[]), NOT_GIVEN])
def test_no_tools_is_not_given(empty):
    context = LLMContext(tools=ToolsSchema([FunctionSchema("f", "", {}, [])]))
    context.set_tools(empty)
    assert context.tools is NOT_GIVEN


def test_tool_choice_values():
    context = LLMContext(tool_choice="auto")
    assert context.tool_choice == "auto"
    context.set_tool_choice({"type": "function", "function": {"name": "f"}})
    assert context.tool_choice == {"type": "function", "function": {"name": "f"}}
    context.set_tool_choice(None)
    assert context.tool_choice is NOT_GIVEN
    with pytest.raises(ValueError, match="tool_choice"):
        context.set_tool_choice("sometimes")  # type: ignore[arg-type]


def _png_pixels(png: bytes) -> tuple[int, int, int, bytes]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        tag, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + body)
        if tag == b"IHDR":
            header = body
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, _depth, color_type = struct.unpack(">IIBB", header[:10])
    return width, height, color_type, zlib.decompress(idat)


def test_raw_image_becomes_a_png_data_url_with_text():
    pixels = bytes(range(2 * 3 * 3))  # 2 wide, 3 high, RGB
    context = LLMContext()
    context.add_image_frame_message(format="RGB", size=(2, 3), image=pixels, text="What is this?")
    content = context.messages[0]["content"]
    assert context.messages[0]["role"] == "user"
    assert content[0] == {"type": "text", "text": "What is this?"}
    url = content[1]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    width, height, color_type, raw = _png_pixels(base64.b64decode(url.split(",", 1)[1]))
    assert (width, height, color_type) == (2, 3, 2)
    rows = [raw[i * 7 : (i + 1) * 7] for i in range(3)]
    assert b"".join(r[1:] for r in rows) == pixels and all(r[0] == 0 for r in rows)


def test_encoded_image_passes_through_and_bad_sizes_fail():
    context = LLMContext()
    context.add_image_frame_message(format="JPEG", size=(1, 1), image=b"\xff\xd8jpeg")
    url = context.messages[0]["content"][0]["image_url"]["url"]
    assert base64.b64decode(url.split(",", 1)[1]) == b"\xff\xd8jpeg"
    with pytest.raises(ValueError, match="bytes do not make"):
        context.add_image_frame_message(format="RGB", size=(2, 2), image=b"\x00" * 5)
    with pytest.raises(ValueError, match="unsupported image format"):
        context.add_image_frame_message(format="TIFF", size=(1, 1), image=b"")


@dataclass
class _Audio:
    audio: bytes
    sample_rate: int = 16000
    num_channels: int = 1


def test_audio_frames_become_one_wav_message():
    context = LLMContext()
    context.add_audio_frames_message(
        audio_frames=[_Audio(b"\x01\x00" * 10), _Audio(b"\x02\x00" * 10)]
    )
    text, audio = context.messages[0]["content"]
    assert text == {"type": "text", "text": "Audio follows"}
    assert audio["input_audio"]["format"] == "wav"
    with wave.open(io.BytesIO(base64.b64decode(audio["input_audio"]["data"]))) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getnframes()) == (16000, 1, 20)
    with pytest.raises(ValueError, match="share one sample rate"):
        context.add_audio_frames_message(audio_frames=[_Audio(b""), _Audio(b"", sample_rate=8000)])


def test_copy_is_independent():
    context = LLMContext([{"role": "user", "content": "Hi"}], tool_choice="auto")
    clone = context.copy()
    clone.messages[0]["content"] = "changed"
    clone.add_user_message("more")
    assert context.messages == [{"role": "user", "content": "Hi"}]
    assert clone.tool_choice == "auto"
