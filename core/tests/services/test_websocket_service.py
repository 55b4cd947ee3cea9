"""Websocket service bases: connect on start, events, bounded reconnection, clean close."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.frames.frames import ErrorFrame, TranscriptionFrame, TTSSpeakFrame
from voxpipe.services.websocket_service import WebsocketSTTService, WebsocketTTSService
from voxpipe.testing import SleepFrame, drive

pytestmark = pytest.mark.timeout(10)

FAST = {"reconnect_backoff": (0.01, 0.04)}


class FakeConnection:
    """Scripted server: fails ``fail`` connects, then accepts; ``drop()`` breaks the link."""

    def __init__(self, fail: int = 0):
        self.fail = fail
        self.connects = 0
        self.closes = 0
        self.inbox: asyncio.Queue = asyncio.Queue()


class FakeWsSTT(WebsocketSTTService):
    def __init__(self, conn: FakeConnection, **kwargs):
        super().__init__(**{**FAST, **kwargs})
        self.conn = conn
        self.events: list[tuple[str, ...]] = []
        for name in ("on_connected", "on_disconnected"):
            self.add_event_handler(name, self._record(name))

        @self.event_handler("on_connection_error")
        async def on_error(service, error):
            self.events.append(("on_connection_error", error))

    def _record(self, name):
        async def handler(service):
            self.events.append((name,))
        return handler

    async def _connect(self):
        self.conn.connects += 1
        if self.conn.connects <= self.conn.fail:
            raise ConnectionRefusedError("refused")

    async def _disconnect(self):
        self.conn.closes += 1
        await asyncio.sleep(100)  # a server that never acknowledges the close: bounded by close_timeout

    async def _receive_messages(self):
        while True:
            msg = await self.conn.inbox.get()
            if isinstance(msg, Exception):
                raise msg
            if msg is None:
                return
            await self.push_frame(TranscriptionFrame(text=msg, user_id="", timestamp=""))

    async def run_stt(self, audio):
        yield None


FakeWsSTT.close_timeout = 0.05


def errors(frames):
    return [f for f in frames if isinstance(f, ErrorFrame)]


async def test_connects_on_start_and_closes_on_end():
    conn = FakeConnection()
    stt = FakeWsSTT(conn)
    conn.inbox.put_nowait("hello")
    res = await drive(stt, [SleepFrame(0.05)])
    assert [f.text for f in res.downstream if isinstance(f, TranscriptionFrame)] == ["hello"]
    assert stt.events == [("on_connected",), ("on_disconnected",)]
    assert conn.connects == 1 and conn.closes == 1 and not stt.is_connected


async def test_failed_attempts_are_reported_then_connects():
    conn = FakeConnection(fail=2)
    stt = FakeWsSTT(conn)
    res = await drive(stt, [])
    kinds = [e[0] for e in stt.events]
    assert kinds == ["on_connection_error", "on_connection_error", "on_connected", "on_disconnected"]
    errs = errors(res.upstream)
    assert len(errs) == 2 and not any(e.fatal for e in errs) and "refused" in errs[0].error
    assert conn.connects == 3


async def test_budget_exhausted_is_fatal_and_does_not_hang():
    conn = FakeConnection(fail=100)
    stt = FakeWsSTT(conn)
    res = await asyncio.wait_for(drive(stt, [], send_end_frame=False), 5)
    errs = errors(res.upstream)
    assert conn.connects == 4  # first try + 3 retries
    assert [e.fatal for e in errs] == [False] * 4 + [True]
    assert "could not connect after 4 attempts" in errs[-1].error
    assert [e[0] for e in stt.events] == ["on_connection_error"] * 4


async def test_dropped_connection_reconnects():
    conn = FakeConnection()
    stt = FakeWsSTT(conn)
    conn.inbox.put_nowait(ConnectionResetError("reset by peer"))
    res = await drive(stt, [SleepFrame(0.1)])
    kinds = [e[0] for e in stt.events]
    assert kinds[:4] == ["on_connected", "on_disconnected", "on_connection_error", "on_connected"]
    assert conn.connects == 2
    assert "reset by peer" in errors(res.upstream)[0].error


async def test_flapping_server_exhausts_budget():
    conn = FakeConnection()
    stt = FakeWsSTT(conn)
    for _ in range(10):
        conn.inbox.put_nowait(None)  # accept, then close at once, again and again
    res = await asyncio.wait_for(drive(stt, [SleepFrame(0.5)], send_end_frame=False), 5)
    assert errors(res.upstream)[-1].fatal
    assert conn.connects == 4


async def test_no_reconnect_when_disabled():
    conn = FakeConnection()
    stt = FakeWsSTT(conn, reconnect_on_error=False)
    conn.inbox.put_nowait(RuntimeError("boom"))
    res = await asyncio.wait_for(drive(stt, [SleepFrame(0.05)], send_end_frame=False), 5)
    assert conn.connects == 1 and errors(res.upstream)[-1].fatal


async def test_cancel_during_backoff_is_prompt():
    conn = FakeConnection(fail=100)
    stt = FakeWsSTT(conn, reconnect_backoff=(30.0, 30.0))
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    with pytest.raises(TimeoutError):
        await drive(stt, [], timeout=0.2, start_timeout=0.2)
    assert loop.time() - t0 < 3 and conn.connects == 1


class FakeWsTTS(WebsocketTTSService):
    """Audio arrives on the receive task, like a real streaming provider."""

    def __init__(self, **kwargs):
        super().__init__(**{**FAST, **kwargs})
        self.outbox: asyncio.Queue = asyncio.Queue()

    async def _connect(self):
        pass

    async def _disconnect(self):
        pass

    async def _receive_messages(self):
        while True:
            context_id = await self.outbox.get()
            await self.push_frame(self._audio_frame(b"\x00\x00" * 240, context_id))

    async def run_tts(self, text, context_id):
        self.outbox.put_nowait(context_id)
        yield None


async def test_websocket_tts_audio_from_receive_task():
    tts = FakeWsTTS(push_stop_frames=True, stop_frame_timeout_s=0.05)
    res = await drive(tts, [TTSSpeakFrame("hi"), SleepFrame(0.15)])
    names = [type(f).__name__ for f in res.downstream]
    assert names.count("TTSAudioRawFrame") == 1 and names[-1] == "TTSStoppedFrame"
    assert tts.is_connected is False


def test_events_registered_on_base_classes():
    from voxpipe.services.stt_service import STTService
    from voxpipe.services.tts_service import TTSService

    class S(STTService):
        async def run_stt(self, audio):
            yield None

    class T(TTSService):
        async def run_tts(self, text, context_id):
            yield None

    for svc in (S(), T()):
        for event in ("on_connected", "on_disconnected", "on_connection_error"):
            svc.add_event_handler(event, lambda *a: None)
