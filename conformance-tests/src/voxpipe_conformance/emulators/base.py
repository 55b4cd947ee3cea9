"""What every emulator shares: a loopback server, connection accounting and faults.

An emulator is a real server on ``127.0.0.1`` (an ephemeral port) speaking a
provider's documented wire protocol, so a service under test opens real
sockets. Contracts drive faults without knowing the protocol::

    emulator.inject(Fault.malformed())      # the next message is garbage
    emulator.inject(Fault.drop(after=1))    # cut the connection after one more message
    emulator.inject(Fault.error())          # the provider's error (status 500 / error message)
    emulator.inject(Fault.stall())          # stop answering, keep the socket open
    emulator.inject(Fault.delay(0.3))       # answer late (TTFB)
    emulator.inject(Fault.close(1011))      # close with a code (WebSocket)
    await emulator.drop_connections()       # the server drops every live connection now
    emulator.refuse_connections = True      # new connections are refused

Faults are consumed in order, one per outgoing message (WebSocket) or response
(HTTP). Subclasses provide ``handle`` and, for protocol-specific errors,
``error_payload``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Any

__all__ = ["Emulator", "Fault"]

GARBAGE = b"\x00\xffnot-a-valid-message{\"unterminated"
"""The default malformed payload over HTTP (bytes)."""

GARBAGE_TEXT = '{"type": "unterminated'
"""The default malformed payload over WebSocket (a text frame: protocols are mostly JSON)."""


@dataclass(frozen=True)
class Fault:
    """One misbehaviour for the emulator to act out on its next message or response.

    Attributes:
        kind: ``delay``, ``malformed``, ``drop``, ``error``, ``stall`` or ``close``.
        seconds: For ``delay``.
        after: For ``drop``: messages (or body chunks) still sent before the cut.
        code: Close code (``close``) or HTTP status (``error``).
        reason: Close reason or error message.
        payload: For ``malformed``: what to send instead (None: the emulator's default).
    """

    kind: str
    seconds: float = 0.0
    after: int = 0
    code: int = 0
    reason: str = ""
    payload: bytes | str | None = None

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Wait ``seconds`` before the next message/response."""
        return cls("delay", seconds=seconds)

    @classmethod
    def malformed(cls, payload: bytes | str | None = None) -> Fault:
        """Send ``payload`` instead of the next message.

        The default is unparseable JSON text over WebSocket and garbage bytes over HTTP.
        """
        return cls("malformed", payload=payload)

    @classmethod
    def drop(cls, after: int = 0) -> Fault:
        """Abort the connection (no close handshake) after ``after`` more messages."""
        return cls("drop", after=after)

    @classmethod
    def error(cls, code: int = 500, reason: str = "emulated provider error") -> Fault:
        """Answer with the provider's error: an HTTP status, or its error message."""
        return cls("error", code=code, reason=reason)

    @classmethod
    def stall(cls) -> Fault:
        """Stop answering on this connection while keeping it open."""
        return cls("stall")

    @classmethod
    def close(cls, code: int = 1011, reason: str = "emulated server close") -> Fault:
        """Close the connection with ``code`` instead of the next message."""
        return cls("close", code=code, reason=reason)


class Emulator:
    """Base of the loopback servers; use :class:`WebSocketEmulator` or :class:`HTTPEmulator`.

    Attributes:
        host: Always ``127.0.0.1``.
        port: The bound port, once started.
        received: Every message/request the server got, in order (for assertions).
        connections_total: Connections accepted since start.
        refuse_connections: When True, new connections are refused.
    """

    scheme = "tcp"

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.received: list[Any] = []
        self.connections_total = 0
        self.refuse_connections = False
        self._faults: deque[Fault] = deque()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._open: set[Any] = set()
        self._changed: asyncio.Event | None = None

    # -- lifecycle -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the running server (``ws://127.0.0.1:PORT`` ...)."""
        return f"{self.scheme}://{self.host}:{self.port}"

    async def start(self) -> None:
        """Bind and listen; sets :attr:`port`."""
        raise NotImplementedError

    async def stop(self) -> None:
        """Close the listener and every connection (bounded)."""
        raise NotImplementedError

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- faults ----------------------------------------------------------------------

    def inject(self, *faults: Fault) -> None:
        """Queue faults; each is consumed by the next outgoing message or response."""
        self._faults.extend(faults)

    def next_fault(self) -> Fault | None:
        """Pop the next queued fault (used by subclasses while sending)."""
        return self._faults.popleft() if self._faults else None

    @property
    def pending_faults(self) -> int:
        """Faults not yet acted out."""
        return len(self._faults)

    async def drop_connections(self) -> None:
        """Abort every open connection now, as a crashing server would."""
        raise NotImplementedError

    def error_payload(self, fault: Fault) -> bytes | str:
        """The provider's error message for ``fault`` (override per protocol)."""
        import json

        return json.dumps({"type": "error", "error": {"code": fault.code, "message": fault.reason}})

    # -- accounting ------------------------------------------------------------------

    @property
    def open_connections(self) -> int:
        """Connections currently open."""
        return len(self._open)

    def owned_tasks(self) -> set[asyncio.Task[Any]]:
        """Tasks the emulator runs (not counted as leaks of the service)."""
        return {t for t in self._tasks if not t.done()}

    def owns_task(self, task: asyncio.Task[Any]) -> bool:
        """Whether ``task`` belongs to the emulator."""
        return task in self._tasks

    def _track(self, conn: Any) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._open.add(conn)
        self.connections_total += 1
        self._notify()

    def _untrack(self, conn: Any) -> None:
        self._open.discard(conn)
        self._notify()

    def _notify(self) -> None:
        if self._changed is None:
            self._changed = asyncio.Event()
        self._changed.set()

    async def wait_for_connections(self, total: int, timeout: float = 5.0) -> None:
        """Wait until :attr:`connections_total` reaches ``total``.

        Raises:
            AssertionError: It did not within ``timeout``.
        """
        await self._wait(lambda: self.connections_total >= total, timeout,
                         lambda: f"expected {total} connection(s) to the emulator, "
                                 f"got {self.connections_total} within {timeout}s")

    async def wait_until_closed(self, timeout: float = 5.0) -> None:
        """Wait until no connection is open (the service closed its socket)."""
        await self._wait(lambda: not self._open, timeout,
                         lambda: f"{len(self._open)} connection(s) still open after {timeout}s")

    async def _wait(self, ok: Any, timeout: float, message: Any) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not ok():
            if loop.time() >= deadline:
                raise AssertionError(message())
            if self._changed is None:
                self._changed = asyncio.Event()
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(0.05, deadline - loop.time()))
            except asyncio.TimeoutError:
                pass
