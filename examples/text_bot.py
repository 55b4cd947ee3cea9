"""A text-only voxpipe bot: type a line, the bot answers.

    python3 scripts/dev.py demo          # or: .venv/bin/python examples/text_bot.py

It shows the kernel's moving parts without any model or network: a
``PipelineTask`` running ``Pipeline([responder, printer])``, frames queued from
the keyboard, an interruption when you type ``/stop`` while the bot is still
"speaking", and a clean end on ``/quit``, end of input or Ctrl-C.
When standard input is not a terminal and empty, a short scripted
conversation plays instead.
"""

from __future__ import annotations

import asyncio
import sys
import time

from voxpipe.frames.frames import EndFrame, InterruptionFrame, TextFrame, TranscriptionFrame
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.frame_processor import FrameProcessor

SCRIPT = ["hello", "what can you do?", "tell me about interruptions", "/quit"]

REPLIES = {
    "hello": "Hi! I'm a text bot running on the voxpipe kernel.",
    "what can you do": "I answer from a small table. The voice bot arrives with the plugins.",
    "interruption": "Type /stop while I'm answering and I'll stop mid-sentence.",
}


class Responder(FrameProcessor):
    """Turns each user transcription into a reply, streamed word by word."""

    own_lane = True  # replies take time: don't hold up the input side

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if isinstance(frame, TranscriptionFrame):
            reply = next(
                (text for key, text in REPLIES.items() if key in frame.text.lower()),
                f"You said: {frame.text!r}. Try 'hello'.",
            )
            for word in reply.split():
                await asyncio.sleep(0.04)  # stand-in for a model streaming tokens
                await self.push_frame(TextFrame(word + " "))
            await self.push_frame(TextFrame("\n"))
        else:
            await self.push_frame(frame, direction)


class Printer(FrameProcessor):
    """Prints the bot's words as they arrive."""

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if isinstance(frame, TextFrame):
            print(frame.text, end="", flush=True)
        elif isinstance(frame, InterruptionFrame):
            print(" [interrupted]", flush=True)
        await self.push_frame(frame, direction)


async def read_lines(interactive: bool):
    if not interactive:
        for line in SCRIPT:
            print(f"you> {line}")
            yield line
            await asyncio.sleep(0.6)
        return
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        yield line.strip()


async def main() -> None:
    task = PipelineTask(
        Pipeline([Responder(), Printer()]),
        params=PipelineParams(),
        idle_timeout_secs=300,
    )
    interactive = sys.stdin.isatty()
    started = asyncio.Event()

    @task.event_handler("on_pipeline_started")
    async def greet(task, frame):
        print("voxpipe text bot — type a message, /stop to interrupt, /quit to leave")
        started.set()

    async def feed():
        await asyncio.wait_for(started.wait(), 10)
        async for line in read_lines(interactive):
            if line in ("/quit", "/exit"):
                break
            if line == "/stop":
                await task.queue_frame(InterruptionFrame())
                continue
            if line:
                await task.queue_frame(TranscriptionFrame(line, "user", str(time.time())))
        await asyncio.sleep(0.1)
        await task.queue_frame(EndFrame())

    feeder = asyncio.create_task(feed())
    try:
        await PipelineRunner().run(task)
    finally:
        feeder.cancel()
        await asyncio.gather(feeder, return_exceptions=True)
    print("bye", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
