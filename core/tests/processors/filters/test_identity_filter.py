"""IdentityFilter forwards every frame, unchanged, both ways."""

from voxpipe.frames.frames import (
    InterruptionFrame,
    LLMFullResponseStartFrame,
    OutputAudioRawFrame,
    StartFrame,
    TextFrame,
)
from voxpipe.processors.filters import IdentityFilter
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.tests.utils import run_test


async def test_forwards_everything_downstream_as_the_same_objects():
    frames = [
        InterruptionFrame(),  # first: an interruption discards data frames queued before it
        TextFrame("a"),
        LLMFullResponseStartFrame(),
        OutputAudioRawFrame(audio=b"\x01\x00", sample_rate=8000, num_channels=1),
    ]
    down, up = await run_test(IdentityFilter(), frames_to_send=frames, ignore_start=False)
    assert isinstance(down[0], StartFrame)
    assert all(a is b for a, b in zip(down[1:], frames, strict=True))
    assert up == []


async def test_forwards_everything_upstream():
    frames = [TextFrame("u"), LLMFullResponseStartFrame()]
    _, up = await run_test(
        IdentityFilter(), frames_to_send=frames, frames_to_send_direction=FrameDirection.UPSTREAM
    )
    assert up == frames
