"""FrameFilter passes the listed types (and subclasses) plus system and end frames."""

from voxpipe.frames.frames import (
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    OutputAudioRawFrame,
    StartFrame,
    TextFrame,
    TTSSpeakFrame,
    UserStartedSpeakingFrame,
)
from voxpipe.processors.filters import FrameFilter
from voxpipe.processors.filters.frame_filter import FrameFilter as FrameFilterDirect
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.tests.utils import run_test


def audio() -> OutputAudioRawFrame:
    return OutputAudioRawFrame(audio=b"\x00\x00" * 160, sample_rate=16000, num_channels=1)


def test_package_reexports_module_class():
    assert FrameFilter is FrameFilterDirect


async def test_passes_listed_types_and_drops_the_rest_in_order():
    first, second, pcm = TextFrame("a"), TextFrame("b"), audio()
    down, _ = await run_test(
        FrameFilter(types=(TextFrame, OutputAudioRawFrame)),
        frames_to_send=[first, TTSSpeakFrame("dropped"), pcm, LLMFullResponseStartFrame(), second],
        expected_down_frames=[TextFrame, OutputAudioRawFrame, TextFrame],
    )
    assert down == [first, pcm, second]
    assert down[0] is first and down[2] is second


async def test_subclasses_of_listed_types_pass():
    down, _ = await run_test(
        FrameFilter(types=(TextFrame,)),
        frames_to_send=[LLMTextFrame("hi"), TTSSpeakFrame("no")],
        expected_down_frames=[LLMTextFrame],
    )
    assert down[0].text == "hi"


async def test_system_frames_always_pass_and_start_end_reach_the_sink():
    await run_test(
        FrameFilter(types=(LLMTextFrame,)),
        frames_to_send=[UserStartedSpeakingFrame(), InterruptionFrame(), TextFrame("no")],
        expected_down_frames=[StartFrame, UserStartedSpeakingFrame, InterruptionFrame],
        ignore_start=False,
    )


async def test_empty_types_blocks_all_data_but_pipeline_still_ends():
    await run_test(
        FrameFilter(types=()),
        frames_to_send=[TextFrame("x"), LLMFullResponseEndFrame()],
        expected_down_frames=[],
    )


async def test_filters_upstream_frames_too():
    _, up = await run_test(
        FrameFilter(types=(LLMTextFrame,)),
        frames_to_send=[InterruptionFrame(), TextFrame("no"), LLMTextFrame("yes")],
        frames_to_send_direction=FrameDirection.UPSTREAM,
        expected_up_frames=[InterruptionFrame, LLMTextFrame],
    )
    assert up[1].text == "yes"


def test_types_property_is_a_tuple():
    assert FrameFilter(types=[TextFrame]).types == (TextFrame,)
