"""NullFilter blocks everything except system and end frames, both ways."""

from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    ErrorFrame,
    InterruptionFrame,
    LLMFullResponseStartFrame,
    StartFrame,
    StopFrame,
    TextFrame,
)
from voxpipe.processors.filters import NullFilter
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.tests.utils import run_test


async def test_blocks_data_and_control_frames_but_passes_start_system_and_end():
    await run_test(
        NullFilter(),
        frames_to_send=[
            InterruptionFrame(),
            TextFrame("x"),
            LLMFullResponseStartFrame(),
            EndFrame(),
        ],
        expected_down_frames=[StartFrame, InterruptionFrame, EndFrame],
        ignore_start=False,
        send_end_frame=False,
    )


async def test_stop_frame_passes_so_the_run_can_stop():
    await run_test(
        NullFilter(),
        frames_to_send=[TextFrame("x"), StopFrame()],
        expected_down_frames=[StopFrame],
        send_end_frame=False,
    )


async def test_cancel_frame_passes():
    await run_test(
        NullFilter(),
        frames_to_send=[TextFrame("x"), CancelFrame()],
        expected_down_frames=[CancelFrame],
        send_end_frame=False,
    )


async def test_blocks_upstream_too_except_system_frames():
    _, up = await run_test(
        NullFilter(),
        frames_to_send=[TextFrame("x"), ErrorFrame(error="boom")],
        frames_to_send_direction=FrameDirection.UPSTREAM,
        expected_up_frames=[ErrorFrame],
    )
    assert up[0].error == "boom"
