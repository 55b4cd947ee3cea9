"""ProducerProcessor shares selected frames; ConsumerProcessor injects them elsewhere."""

import asyncio

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    ErrorFrame,
    InputAudioRawFrame,
    LLMFullResponseStartFrame,
    StartFrame,
    TextFrame,
    TTSAudioRawFrame,
)
from voxpipe.pipeline.parallel_pipeline import ParallelPipeline
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineTask
from voxpipe.processors.consumer_processor import ConsumerProcessor
from voxpipe.processors.filters import FunctionFilter, NullFilter
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.processors.producer_processor import ProducerProcessor, identity_transformer
from voxpipe.tests.utils import SleepFrame, run_test


async def is_text(frame: Frame) -> bool:
    return isinstance(frame, TextFrame)


async def accept_all(frame: Frame) -> bool:
    return True


async def shout(frame: Frame) -> Frame:
    return TextFrame(frame.text.upper())


def drain(queue: asyncio.Queue) -> list:
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


class Recorder(FrameProcessor):
    """Records every downstream frame it sees and forwards everything."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.frames: list[Frame] = []

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if direction is FrameDirection.DOWNSTREAM:
            self.frames.append(frame)
        await self.push_frame(frame, direction)


# -- producer ------------------------------------------------------------------------


async def test_defaults():
    producer = ProducerProcessor(filter=is_text)
    assert producer.passthrough is True
    assert producer._transformer is identity_transformer
    consumer = ConsumerProcessor(producer)
    assert consumer.producer is producer
    assert consumer._direction is FrameDirection.DOWNSTREAM
    assert consumer._transformer is identity_transformer


async def test_passthrough_shares_and_keeps_matching_frames():
    producer = ProducerProcessor(filter=is_text)
    queue = producer.add_consumer()
    a, b = TextFrame("a"), TextFrame("b")
    down, _ = await run_test(
        producer,
        frames_to_send=[a, LLMFullResponseStartFrame(), b],
        expected_down_frames=[TextFrame, LLMFullResponseStartFrame, TextFrame],
    )
    assert down[0] is a and down[2] is b
    assert drain(queue) == [a, b]


async def test_without_passthrough_shared_frames_leave_the_branch():
    producer = ProducerProcessor(filter=is_text, transformer=shout, passthrough=False)
    queue = producer.add_consumer()
    await run_test(
        producer,
        frames_to_send=[TextFrame("a"), LLMFullResponseStartFrame(), TextFrame("b")],
        expected_down_frames=[LLMFullResponseStartFrame],
    )
    assert [f.text for f in drain(queue)] == ["A", "B"]


async def test_transformer_runs_once_and_every_consumer_gets_the_result():
    calls = []

    async def counting(frame: Frame) -> Frame:
        calls.append(frame)
        return TextFrame(f"<{frame.text}>")

    producer = ProducerProcessor(filter=is_text, transformer=counting)
    q1, q2 = producer.add_consumer(), producer.add_consumer()
    await run_test(producer, frames_to_send=[TextFrame("x")])
    assert len(calls) == 1
    (s1,), (s2,) = drain(q1), drain(q2)
    assert s1 is s2 and s1.text == "<x>"


async def test_lifecycle_frames_are_never_shared_or_dropped():
    producer = ProducerProcessor(filter=accept_all, passthrough=False)
    queue = producer.add_consumer()
    await run_test(
        producer,
        frames_to_send=[TextFrame("t"), EndFrame()],
        expected_down_frames=[StartFrame, EndFrame],
        ignore_start=False,
        send_end_frame=False,
    )
    assert [type(f) for f in drain(queue)] == [TextFrame]


async def test_add_and_remove_consumer():
    producer = ProducerProcessor(filter=is_text)
    queue = producer.add_consumer()
    assert producer.add_consumer(queue) is queue
    producer.remove_consumer(queue)
    producer.remove_consumer(queue)  # unknown: no-op
    await run_test(producer, frames_to_send=[TextFrame("x")])
    assert queue.empty()


# -- consumer --------------------------------------------------------------------------


async def test_consumer_in_another_parallel_branch_receives_the_producers_frames():
    """The documented use: TTS audio from one branch becomes input audio in another."""

    async def is_tts_audio(frame: Frame) -> bool:
        return isinstance(frame, TTSAudioRawFrame)

    async def to_input_audio(frame: Frame) -> Frame:
        return InputAudioRawFrame(
            audio=frame.audio, sample_rate=frame.sample_rate, num_channels=frame.num_channels
        )

    producer = ProducerProcessor(filter=is_tts_audio, transformer=to_input_audio, passthrough=False)
    consumer = ConsumerProcessor(producer=producer, direction=FrameDirection.DOWNSTREAM)
    recorder = Recorder()
    chunks = [
        TTSAudioRawFrame(audio=bytes([i, 0]) * 80, sample_rate=24000, num_channels=1)
        for i in range(3)
    ]
    down, _ = await run_test(
        ParallelPipeline(
            [producer],
            [NullFilter(), consumer, recorder],  # the branch sees only what the consumer injects
        ),
        frames_to_send=[*chunks, TextFrame("kept"), SleepFrame(0.05)],
    )
    injected = [f for f in recorder.frames if isinstance(f, InputAudioRawFrame)]
    assert [f.audio for f in injected] == [c.audio for c in chunks]
    assert all(f.sample_rate == 24000 for f in injected)
    assert [type(f) for f in down].count(InputAudioRawFrame) == 3
    assert not any(isinstance(f, TTSAudioRawFrame) for f in down)  # passthrough=False
    assert [f.text for f in down if isinstance(f, TextFrame)] == ["kept"]


async def test_consumer_in_a_separate_pipeline_task_receives_the_producers_frames():
    producer = ProducerProcessor(filter=is_text, transformer=shout)
    sink = Recorder()
    consumer_task = PipelineTask(
        Pipeline([ConsumerProcessor(producer), sink]),
        idle_timeout_secs=None,
        enable_turn_tracking=False,
    )
    runner = PipelineRunner(handle_sigint=False, handle_sigterm=False)
    run = asyncio.create_task(runner.run(consumer_task))
    try:
        down, _ = await run_test(producer, frames_to_send=[TextFrame("one"), TextFrame("two")])
        assert [f.text for f in down] == ["one", "two"]  # passthrough keeps them here
        await consumer_task.stop_when_done()
        await asyncio.wait_for(run, 5)
    finally:
        if not run.done():
            await consumer_task.cancel()
    assert [f.text for f in sink.frames if isinstance(f, TextFrame)] == ["ONE", "TWO"]


async def test_consumer_pushes_upstream_with_its_own_transformer():
    async def tag(frame: Frame) -> Frame:
        return TextFrame(f"{frame.text}!")

    producer = ProducerProcessor(filter=is_text, transformer=shout)
    consumer = ConsumerProcessor(producer, transformer=tag, direction=FrameDirection.UPSTREAM)
    down, up = await run_test(
        Pipeline([consumer, producer]),
        frames_to_send=[TextFrame("hi"), SleepFrame(0.05)],
    )
    assert [f.text for f in down] == ["hi"]
    assert [f.text for f in up] == ["HI!"]


async def test_frames_shared_before_end_are_pushed_before_the_end_frame():
    producer = ProducerProcessor(filter=is_text)
    consumer = ConsumerProcessor(producer)
    queue = consumer._queue
    for text in ("a", "b", "c"):
        queue.put_nowait(TextFrame(text))  # shared before the consumer's branch even started
    down, _ = await run_test(consumer, frames_to_send=[], send_end_frame=True)
    assert [f.text for f in down] == ["a", "b", "c"]


async def test_reader_task_lives_from_start_to_end():
    producer = ProducerProcessor(filter=is_text)
    consumer = ConsumerProcessor(producer)
    seen_task = []

    async def peek(frame: Frame) -> bool:
        seen_task.append(consumer._task)
        return True

    await run_test(Pipeline([FunctionFilter(peek), consumer]), frames_to_send=[TextFrame("x")])
    assert seen_task and isinstance(seen_task[0], asyncio.Task)
    assert consumer._task is None
    assert seen_task[0].done()
    assert not consumer._fp_tasks


async def test_cancel_stops_the_reader_at_once():
    producer = ProducerProcessor(filter=is_text)
    consumer = ConsumerProcessor(producer)
    await run_test(consumer, frames_to_send=[CancelFrame()], send_end_frame=False)
    assert consumer._task is None
    assert not consumer._fp_tasks


async def test_transformer_error_becomes_an_error_frame_and_the_reader_continues():
    async def picky(frame: Frame) -> Frame:
        if frame.text == "bad":
            raise ValueError("cannot transform")
        return frame

    producer = ProducerProcessor(filter=is_text)
    consumer = ConsumerProcessor(producer, transformer=picky)
    for text in ("bad", "good"):
        consumer._queue.put_nowait(TextFrame(text))
    down, up = await run_test(consumer, frames_to_send=[SleepFrame(0.05)])
    assert [f.text for f in down] == ["good"]
    assert [type(f) for f in up] == [ErrorFrame]
    assert "cannot transform" in up[0].error
