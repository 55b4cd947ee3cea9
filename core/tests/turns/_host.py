"""A fake UserTurnHost that records what strategies ask for."""

from __future__ import annotations

import asyncio
from typing import Any

from voxpipe.testing.fakes import ManualClock


class FakeHost:
    def __init__(self) -> None:
        self.clock = ManualClock()
        self.bot_speaking = False
        self.user_turn_active = False
        self.vad_params = None
        self.started: list[tuple[Any, Any]] = []
        self.stopped: list[tuple[Any, Any]] = []
        self.pushed: list[Any] = []
        self.resets = 0
        self.tasks: list[asyncio.Task[Any]] = []

    def create_task(self, coro, name):
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self.tasks.append(task)
        return task

    async def push_frame(self, frame, direction):
        self.pushed.append(frame)

    async def broadcast_frame(self, frame):
        self.pushed.append(frame)

    async def trigger_user_turn_started(self, strategy, params):
        if not self.user_turn_active:
            self.user_turn_active = True
            self.started.append((strategy, params))

    async def trigger_user_turn_stopped(self, strategy, params):
        if self.user_turn_active:
            self.user_turn_active = False
            self.stopped.append((strategy, params))

    async def reset_aggregation(self):
        self.resets += 1

    async def close(self, *strategies):
        for s in strategies:
            await s.cleanup()
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
