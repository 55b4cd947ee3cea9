"""``FrameProcessorContract``: any ``FrameProcessor`` (the kernel's base, already built).

Options: ``inputs`` (frames to send) and ``expected`` (classes expected
downstream, in order, as a subsequence); ``passthrough`` (default True) —
whether unknown frames must pass through.
"""

from __future__ import annotations

from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    ErrorFrame,
    InterruptionFrame,
    StartFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

from voxpipe_conformance.contracts.base import Contract, ContractSkip, assert_in_order
from voxpipe_conformance.contracts.service import ConformanceProbeFrame

__all__ = ["FrameProcessorContract"]

UP = FrameDirection.UPSTREAM


class FrameProcessorContract(Contract):
    """Contract of frame processors."""

    kind = "processor"
    summary = "lifecycle frames flow, unknown frames pass through in order, cancel is prompt"

    async def test_is_a_frame_processor(self) -> None:
        """The object under test is a FrameProcessor, so it links into pipelines.

        Source: Pipecat docs, Custom frame processors › subclass FrameProcessor.
        """
        processor = await self.make()
        assert isinstance(processor, FrameProcessor), f"{type(processor).__name__} is not a FrameProcessor"

    async def test_start_and_end_flow_through(self) -> None:
        """StartFrame and EndFrame pass through the processor and the run ends promptly.

        Source: Pipecat docs, Custom frame processors › call super().process_frame() and
        push lifecycle frames on; Pipeline task › EndFrame ends the pipeline.
        """
        processor = await self.make()
        async with self.session(processor) as s:
            await s.wait_for(StartFrame)
        assert any(isinstance(f, EndFrame) for f in s.down), "EndFrame did not pass through"

    async def test_cancel_is_prompt(self) -> None:
        """A CancelFrame ends the run within the cancel timeout, with nothing left running.

        Source: Pipecat docs, Pipeline task › cancel() stops the pipeline immediately.
        """
        processor = await self.make()
        async with self.session(processor, finish="cancel", finish_timeout=3.0) as s:
            await s.settle(0.02)
        assert any(isinstance(f, CancelFrame) for f in s.down) or s.finished_in is not None

    async def test_unknown_frames_pass_through_in_order(self) -> None:
        """Frames the processor does not handle pass through unchanged, in order, each direction.

        Source: Pipecat docs, Custom frame processors › push every frame you do not consume.
        """
        if not self.option("passthrough", True):
            raise ContractSkip("the case declares the processor consumes unknown frames")
        processor = await self.make()
        async with self.session(processor) as s:
            for i in range(5):
                await s.send(ConformanceProbeFrame(label=f"d{i}"))
            await s.send(ConformanceProbeFrame(label="u"), UP)
            await s.wait_for(ConformanceProbeFrame, count=5)
            await s.wait_for(ConformanceProbeFrame, direction=UP)
        labels = [f.label for f in s.down if isinstance(f, ConformanceProbeFrame)]
        assert labels == [f"d{i}" for i in range(5)], f"probes arrived as {labels}"

    async def test_interruption_and_errors_pass(self) -> None:
        """InterruptionFrame passes downstream and ErrorFrame passes upstream without breaking the run.

        Source: Pipecat docs, Frames › system frames (InterruptionFrame, ErrorFrame) are
        processed immediately and forwarded.
        """
        processor = await self.make()
        async with self.session(processor) as s:
            await s.send(InterruptionFrame())
            await s.send(ErrorFrame(error="conformance probe error"), UP)
            await s.wait_for(InterruptionFrame)
            await s.wait_for(ErrorFrame, direction=UP)
            await s.send(ConformanceProbeFrame(label="after"))
            if self.option("passthrough", True):
                await s.wait_for(ConformanceProbeFrame)

    async def test_documented_input_output(self) -> None:
        """The case's inputs produce its expected frames downstream, in order.

        Source: the processor's own documentation (the case's ``inputs``/``expected``).
        """
        inputs = self.need_option("inputs")
        expected = self.need_option("expected")
        processor = await self.make()
        async with self.session(processor) as s:
            for frame in inputs:
                await s.send(frame)
            if expected:
                await s.wait_for(expected[-1], timeout=self.option("output_within", 5.0))
        assert_in_order(s.down, list(expected), "output")
