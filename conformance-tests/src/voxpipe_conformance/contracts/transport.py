"""``TransportContract``: transports.

Written against the documented interface (the kernel's
``voxpipe.transports.base_transport.BaseTransport`` is not written yet):
``input()`` and ``output()`` return frame processors (the same ones on every
call), and the transport emits ``on_client_connected`` / ``on_client_disconnected``.

Options: ``connect_client`` — ``async (transport, emulator) -> client`` that
connects a test client (a coroutine function); ``disconnect_client`` —
``async (client) -> None``. The client tests are skipped without them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.processors.frame_processor import FrameProcessor

from voxpipe_conformance.contracts.base import Contract, ContractSkip
from voxpipe_conformance.session import Session

__all__ = ["TransportContract"]


class TransportContract(Contract):
    """Contract of transports."""

    kind = "transport"
    summary = "input()/output() processors, client events, clean start/end/cancel"

    async def test_input_and_output_are_processors(self) -> None:
        """input() and output() return FrameProcessors, the same instance on every call.

        Source: Pipecat docs, Transports › transport.input() / transport.output() in a Pipeline.
        """
        transport = await self.make()
        assert isinstance(transport.input(), FrameProcessor)
        assert isinstance(transport.output(), FrameProcessor)
        assert transport.input() is transport.input() and transport.output() is transport.output()

    async def test_documents_client_events(self) -> None:
        """The transport accepts handlers for on_client_connected and on_client_disconnected.

        Source: Pipecat docs, Transports › event handlers on_client_connected / on_client_disconnected.
        """
        transport = await self.make()
        for event in ("on_client_connected", "on_client_disconnected"):
            transport.add_event_handler(event, lambda *a: None)

    async def _pipeline(self, transport: Any) -> Any:
        return Pipeline([transport.input(), transport.output()])

    async def test_start_end_and_cancel_are_bounded(self) -> None:
        """A pipeline of input() and output() starts and ends (EndFrame, then CancelFrame) promptly.

        Source: Pipecat docs, Pipeline task › EndFrame and cancel(); transports own their
        sockets and close them when the pipeline ends.
        """
        transport = await self.make()
        async with Session(await self._pipeline(transport)) as s:
            await s.settle(0.05)
        transport = await self.make()
        async with Session(await self._pipeline(transport), finish="cancel", finish_timeout=3.0) as s:
            await s.settle(0.05)

    async def test_client_connect_and_disconnect_events(self) -> None:
        """A client connecting fires on_client_connected; leaving fires on_client_disconnected.

        Source: Pipecat docs, Transports › on_client_connected(transport, client).
        """
        connect = self.option("connect_client")
        disconnect = self.option("disconnect_client")
        if connect is None or disconnect is None:
            raise ContractSkip("the case gives no connect_client/disconnect_client options")
        transport = await self.make()
        seen: list[str] = []
        for event in ("on_client_connected", "on_client_disconnected"):
            transport.add_event_handler(event, lambda *_a, _e=event: seen.append(_e))
        async with Session(await self._pipeline(transport)) as s:
            client = await connect(transport, self.emulator)
            for _ in range(100):
                if "on_client_connected" in seen:
                    break
                await asyncio.sleep(0.02)
            await disconnect(client)
            for _ in range(100):
                if "on_client_disconnected" in seen:
                    break
                await asyncio.sleep(0.02)
            await s.settle(0.01)
        assert seen[:2] == ["on_client_connected", "on_client_disconnected"], f"events: {seen}"
