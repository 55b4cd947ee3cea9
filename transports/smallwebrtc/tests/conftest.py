"""Shared fixtures: loopback-only ICE, and no asyncio task of ours left behind."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from voxpipe.testing.leaks import assert_no_leaked_tasks

from voxpipe.frames._base import Frame
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.transports.base_transport import TransportParams
from voxpipe.transports.smallwebrtc.connection import SmallWebRTCConnection
from voxpipe.transports.smallwebrtc.request_handler import SmallWebRTCRequestHandler
from voxpipe.transports.smallwebrtc.testing import SmallWebRTCTestPeer, loopback_only
from voxpipe.transports.smallwebrtc.transport import SmallWebRTCTransport


@pytest.fixture(autouse=True)
def _loopback_ice():
    """aiortc gathers 127.0.0.1 host candidates only: no other interface, no STUN."""
    with loopback_only():
        yield


@pytest.fixture(autouse=True)
async def no_leaked_tasks():
    """Fail a test that leaves asyncio tasks running after it finished."""
    async with assert_no_leaked_tasks():
        yield


class Recorder(FrameProcessor):
    """Records the frames the pipeline receives from the transport."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[Frame] = []

    def of(self, cls: type) -> list[Any]:
        return [f for f in self.frames if isinstance(f, cls)]

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if direction is FrameDirection.DOWNSTREAM:
            self.frames.append(frame)
        await self.push_frame(frame, direction)


class Bot:
    """A signalling handler whose callback runs a pipeline over a SmallWebRTCTransport.

    ``events`` records the transport's events in order; ``on_client_disconnected``
    cancels the task, as the documented examples do.
    """

    def __init__(
        self,
        params: TransportParams | None = None,
        *,
        start_delay: float = 0.0,
        create_delay: float = 0.0,
        **handler_kwargs: Any,
    ) -> None:
        self.params = params or TransportParams(audio_in_enabled=True, audio_out_enabled=True)
        self.handler = SmallWebRTCRequestHandler(**handler_kwargs)
        self.start_delay = start_delay
        self.create_delay = create_delay  # a bot slow to build its transport (loading models)
        self.transport: SmallWebRTCTransport | None = None
        self.task: PipelineTask | None = None
        self.run: asyncio.Task[Any] | None = None
        self.recorder = Recorder()
        self.events: list[str] = []
        self.app_messages: list[tuple[Any, str]] = []
        self.callbacks = 0
        self._changed = asyncio.Event()

    async def callback(self, connection: SmallWebRTCConnection) -> None:
        self.callbacks += 1
        if self.create_delay:
            async def _later() -> None:
                await asyncio.sleep(self.create_delay)
                await self._build(connection)

            self.run = asyncio.get_running_loop().create_task(_later(), name="test-bot-build")
            return
        await self._build(connection)

    async def _build(self, connection: SmallWebRTCConnection) -> None:
        transport = self.transport = SmallWebRTCTransport(connection, self.params)
        task = self.task = PipelineTask(
            Pipeline([transport.input(), self.recorder, transport.output()]),
            params=PipelineParams(audio_in_sample_rate=16000, audio_out_sample_rate=24000),
        )

        @transport.event_handler("on_client_connected")
        async def _connected(_transport, _connection):
            self._note("connected")

        @transport.event_handler("on_client_disconnected")
        async def _disconnected(_transport, _connection):
            self._note("disconnected")
            await task.cancel()

        @transport.event_handler("on_app_message")
        async def _message(_transport, message, sender):
            self.app_messages.append((message, sender))
            self._note("app_message")

        async def _run() -> None:
            await asyncio.sleep(self.start_delay)
            await PipelineRunner(handle_sigint=False, handle_sigterm=False).run(task)

        building, self.run = self.run, asyncio.get_running_loop().create_task(_run(), name="test-bot-run")
        assert building is None or building is asyncio.current_task()

    def _note(self, event: str) -> None:
        self.events.append(event)
        self._changed.set()

    async def connect(self, peer: SmallWebRTCTestPeer, **body: Any) -> dict[str, Any]:
        answer = await peer.connect(self.handler, self.callback, **body)
        await peer.wait_connected()
        return answer

    async def wait_for(self, predicate: Any, timeout: float = 5.0) -> None:
        async def _wait() -> None:
            while not predicate():
                self._changed.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.02)

        await asyncio.wait_for(_wait(), timeout)

    async def wait_ended(self, timeout: float = 5.0) -> None:
        assert self.run is not None
        await asyncio.wait_for(asyncio.shield(self.run), timeout)

    async def aclose(self) -> None:
        if self.run is not None and not self.run.done():
            if self.task is not None:
                await self.task.cancel()
            await asyncio.wait({self.run}, timeout=5.0)
            if not self.run.done():
                self.run.cancel()
                await asyncio.wait({self.run}, timeout=1.0)
        await self.handler.close()


@pytest.fixture
async def make_bot():
    """Build ``Bot``s; each is closed (pipeline, connections) at the end of the test."""
    bots: list[Bot] = []
    peers: list[SmallWebRTCTestPeer] = []

    def _make(*args: Any, **kwargs: Any) -> Bot:
        bot = Bot(*args, **kwargs)
        bots.append(bot)
        return bot

    _make.peers = peers  # type: ignore[attr-defined]
    yield _make
    for peer in peers:
        await peer.close()
    for bot in bots:
        await bot.aclose()


@pytest.fixture
async def make_peer(make_bot):
    """Build ``SmallWebRTCTestPeer``s; each is closed at the end of the test."""

    def _make(**kwargs: Any) -> SmallWebRTCTestPeer:
        peer = SmallWebRTCTestPeer(**kwargs)
        make_bot.peers.append(peer)
        return peer

    return _make
