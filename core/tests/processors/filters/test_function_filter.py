"""FunctionFilter asks an async predicate about frames going the configured way."""

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    EndFrame,
    InterruptionFrame,
    LLMFullResponseStartFrame,
    StartFrame,
    TextFrame,
    UserStartedSpeakingFrame,
)
from voxpipe.processors.filters import FunctionFilter
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.tests.utils import run_test


async def long_text(frame: Frame) -> bool:
    return isinstance(frame, TextFrame) and len(frame.text) > 3


async def test_defaults():
    f = FunctionFilter(filter=long_text)
    assert f._direction is FrameDirection.DOWNSTREAM
    assert f._filter_system_frames is False


async def test_predicate_selects_downstream_frames():
    down, _ = await run_test(
        FunctionFilter(filter=long_text),
        frames_to_send=[
            TextFrame("hi"),
            TextFrame("hello"),
            LLMFullResponseStartFrame(),
            TextFrame("world!"),
        ],
        expected_down_frames=[TextFrame, TextFrame],
    )
    assert [f.text for f in down] == ["hello", "world!"]


async def test_predicate_sees_each_filtered_frame_once_and_never_lifecycle_frames():
    seen: list[Frame] = []

    async def record(frame: Frame) -> bool:
        seen.append(frame)
        return True

    frames = [TextFrame("a"), TextFrame("b")]
    await run_test(
        FunctionFilter(record), frames_to_send=frames, expected_down_frames=[TextFrame, TextFrame]
    )
    assert seen == frames


async def test_system_and_end_frames_bypass_the_predicate_by_default():
    await run_test(
        FunctionFilter(filter=long_text),
        frames_to_send=[
            UserStartedSpeakingFrame(),
            InterruptionFrame(),
            TextFrame("no"),
            EndFrame(),
        ],
        expected_down_frames=[StartFrame, UserStartedSpeakingFrame, InterruptionFrame, EndFrame],
        ignore_start=False,
        send_end_frame=False,
    )


async def test_filter_system_frames_runs_system_frames_through_predicate_but_not_lifecycle():
    async def reject_all(frame: Frame) -> bool:
        return False

    await run_test(
        FunctionFilter(filter=reject_all, filter_system_frames=True),
        frames_to_send=[UserStartedSpeakingFrame(), TextFrame("x"), EndFrame()],
        expected_down_frames=[StartFrame, EndFrame],
        ignore_start=False,
        send_end_frame=False,
    )


async def test_frames_in_the_other_direction_pass_untouched():
    async def reject_all(frame: Frame) -> bool:
        return False

    _, up = await run_test(
        FunctionFilter(filter=reject_all, direction=FrameDirection.DOWNSTREAM),
        frames_to_send=[TextFrame("up")],
        frames_to_send_direction=FrameDirection.UPSTREAM,
        expected_up_frames=[TextFrame],
    )
    assert up[0].text == "up"


async def test_upstream_direction_filters_upstream_and_ignores_downstream():
    _, up = await run_test(
        FunctionFilter(filter=long_text, direction=FrameDirection.UPSTREAM),
        frames_to_send=[TextFrame("no"), TextFrame("yes!")],
        frames_to_send_direction=FrameDirection.UPSTREAM,
        expected_up_frames=[TextFrame],
    )
    assert up[0].text == "yes!"
    await run_test(
        FunctionFilter(filter=long_text, direction=FrameDirection.UPSTREAM),
        frames_to_send=[TextFrame("no")],
        expected_down_frames=[TextFrame],
    )
