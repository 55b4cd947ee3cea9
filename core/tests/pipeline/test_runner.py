"""PipelineRunner: SIGINT and SIGTERM end a running bot cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

BOT = textwrap.dedent(
    """
    import asyncio
    from voxpipe.frames.frames import TextFrame
    from voxpipe.pipeline.pipeline import Pipeline
    from voxpipe.pipeline.runner import PipelineRunner
    from voxpipe.pipeline.task import PipelineTask
    from voxpipe.processors.frame_processor import FrameProcessor

    class Pass(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            await self.push_frame(frame, direction)

    async def main():
        task = PipelineTask(Pipeline([Pass()]), idle_timeout_secs=None)

        @task.event_handler("on_pipeline_started")
        async def started(task, frame):
            print("started", flush=True)

        @task.event_handler("on_pipeline_finished")
        async def finished(task, frame):
            print("finished", type(frame).__name__, flush=True)

        await PipelineRunner().run(task)
        print("left", len([t for t in asyncio.all_tasks() if t is not asyncio.current_task()]), flush=True)

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_ends_the_task_cleanly(sig):
    proc = subprocess.Popen(
        [sys.executable, "-c", BOT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "started"
        time.sleep(0.1)
        os.kill(proc.pid, sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "finished CancelFrame" in out
    assert "left 0" in out
