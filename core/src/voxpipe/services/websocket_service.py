"""WebSocket service bases: connection lifecycle and reconnection, transport injected.

The kernel ships no WebSocket library. A plugin implements three coroutines
with its own (``websockets``, ``aiohttp`` ...):

* ``_connect()`` opens the connection (raise on failure);
* ``_disconnect()`` closes it (must not hang; it is bounded anyway);
* ``_receive_messages()`` reads messages until the connection closes: return
  on a clean close, raise on an error. It runs on a task owned by the service.

The base connects on ``StartFrame``, fires ``on_connected(service)``,
``on_disconnected(service)`` and ``on_connection_error(service, error)``,
and reconnects with exponential backoff: each failed attempt fires
``on_connection_error`` and pushes a non-fatal ``ErrorFrame``; after
``max_reconnect_attempts`` retries a fatal ``ErrorFrame`` ends the session —
never an endless loop. A connection that drops within
``stable_connection_secs`` of opening counts as a failed attempt, so a server
that accepts and hangs up at once also exhausts the budget. ``EndFrame`` and
``CancelFrame`` close the connection with bounded waits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, ClassVar

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import CancelFrame, EndFrame, StartFrame
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.services.stt_service import STTService
from voxpipe.services.tts_service import TTSService

__all__ = ["WebsocketSTTService", "WebsocketService", "WebsocketTTSService"]

logger = logging.getLogger("voxpipe")


class WebsocketService:
    """Connection management mixed into an STT or TTS service; see the module docstring.

    Class attributes (override per plugin, or per instance via the
    constructor keywords of the concrete classes):
        reconnect_backoff: ``(min, max)`` seconds between attempts; the wait
            doubles from ``min`` up to ``max`` (docs: 4-10 s).
        max_reconnect_attempts: Retries after the first failure (docs: 3).
        connect_timeout: Longest wait for one ``_connect()``.
        close_timeout: Longest wait for ``_disconnect()`` and the receive task.
        stable_connection_secs: A connection shorter than this counts as failed.
    """

    reconnect_backoff: ClassVar[tuple[float, float]] = (4.0, 10.0)
    max_reconnect_attempts: ClassVar[int] = 3
    connect_timeout: ClassVar[float] = 10.0
    close_timeout: ClassVar[float] = 2.0
    stable_connection_secs: ClassVar[float] = 5.0

    def _init_websocket(
        self,
        reconnect_on_error: bool,
        reconnect_backoff: tuple[float, float] | None,
        max_reconnect_attempts: int | None,
    ) -> None:
        self._reconnect_on_error = reconnect_on_error
        if reconnect_backoff is not None:
            self.reconnect_backoff = reconnect_backoff  # type: ignore[misc]
        if max_reconnect_attempts is not None:
            self.max_reconnect_attempts = max_reconnect_attempts  # type: ignore[misc]
        self._ws_connected = False
        self._ws_closing = False
        self._ws_connected_at = 0.0
        self._receive_task: asyncio.Task[None] | None = None
        self._connect_task: asyncio.Task[bool] | None = None
        # Messages may turn into frames: read none before StartFrame has gone downstream.
        self._start_pushed = asyncio.Event()

    def __init__(
        self,
        *,
        reconnect_on_error: bool = True,
        reconnect_backoff: tuple[float, float] | None = None,
        max_reconnect_attempts: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._init_websocket(reconnect_on_error, reconnect_backoff, max_reconnect_attempts)

    async def start(self, frame: StartFrame) -> None:
        """Start the service, then connect."""
        await super().start(frame)  # type: ignore[misc]
        await self._connect_websocket()

    async def stop(self, frame: EndFrame) -> None:
        """Stop the service (finishing buffered work), then close the connection."""
        await super().stop(frame)  # type: ignore[misc]
        await self._disconnect_websocket()

    async def cancel(self, frame: CancelFrame) -> None:
        """Cancel the service, then close the connection."""
        await super().cancel(frame)  # type: ignore[misc]
        await self._disconnect_websocket()

    # -- the plugin's part -------------------------------------------------------------

    async def _connect(self) -> None:
        """Open the connection; raise on failure."""
        raise NotImplementedError(f"{type(self).__name__} must implement _connect()")

    async def _disconnect(self) -> None:
        """Close the connection."""
        raise NotImplementedError(f"{type(self).__name__} must implement _disconnect()")

    async def _receive_messages(self) -> None:
        """Read messages until the connection closes (return) or fails (raise)."""
        raise NotImplementedError(f"{type(self).__name__} must implement _receive_messages()")

    # -- state ---------------------------------------------------------------------------

    @property
    def is_connected(self) -> bool:
        """Whether the connection is open."""
        return self._ws_connected

    def _backoff(self, attempt: int) -> float:
        low, high = self.reconnect_backoff
        return min(high, low * (2 ** attempt))

    # -- connecting ----------------------------------------------------------------------

    async def _connect_websocket(self) -> bool:
        """Connect, retrying with backoff; returns False (after a fatal error) when out of budget.

        Runs on its own task so ``CancelFrame`` can stop it mid-wait.
        """
        self._ws_closing = False
        task = self.create_task(self._connect_with_retry(0), "connect")  # type: ignore[attr-defined]
        self._connect_task = task
        await asyncio.wait({task})
        self._connect_task = None
        return not task.cancelled() and task.exception() is None and task.result()

    async def _connect_with_retry(self, failures: int) -> bool:
        while not self._ws_closing:
            try:
                await asyncio.wait_for(self._connect(), self.connect_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                await self._report_connection_error(f"connection attempt {failures} failed: {exc}", exc)
                if failures > self.max_reconnect_attempts:
                    await self.push_error(  # type: ignore[attr-defined]
                        f"{self}: could not connect after {failures} attempts; check the service "
                        f"URL, credentials and network, then restart the session",
                        exception=exc,
                        fatal=True,
                    )
                    return False
                await asyncio.sleep(self._backoff(failures - 1))
                continue
            self._ws_connected = True
            self._ws_connected_at = time.monotonic()
            await self._call_event_handler("on_connected")  # type: ignore[attr-defined]
            self._receive_task = self.create_task(  # type: ignore[attr-defined]
                self._receive_loop(failures), "receive"
            )
            return True
        return False

    async def _report_connection_error(self, message: str, exc: BaseException | None) -> None:
        logger.warning("%s: %s", self, message)
        await self._call_event_handler("on_connection_error", message)  # type: ignore[attr-defined]
        await self.push_error(f"{self}: {message}", exception=exc)  # type: ignore[attr-defined]

    async def _receive_loop(self, failures: int) -> None:
        error: Exception | None = None
        try:
            await self._start_pushed.wait()
            await self._receive_messages()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = exc
        if self._ws_closing:
            return
        was_stable = time.monotonic() - self._ws_connected_at >= self.stable_connection_secs
        await self._mark_disconnected()
        if error is not None:
            await self._report_connection_error(f"connection lost: {error}", error)
        if not self._reconnect_on_error:
            if error is not None:
                await self.push_error(f"{self}: connection lost and reconnect_on_error is off", fatal=True)  # type: ignore[attr-defined]
            return
        failures = 0 if was_stable else failures + 1
        if failures > self.max_reconnect_attempts:
            await self.push_error(  # type: ignore[attr-defined]
                f"{self}: the connection keeps dropping ({failures} times in a row); giving up",
                fatal=True,
            )
            return
        if failures:
            await asyncio.sleep(self._backoff(failures - 1))
        await self._connect_with_retry(failures)

    async def _mark_disconnected(self) -> None:
        if self._ws_connected:
            self._ws_connected = False
            await self._call_event_handler("on_disconnected")  # type: ignore[attr-defined]

    async def push_frame(self, frame: Frame, direction: FrameDirection = FrameDirection.DOWNSTREAM) -> None:
        """Push ``frame``; once ``StartFrame`` is out, the receive task may start reading."""
        await super().push_frame(frame, direction)  # type: ignore[misc]
        if isinstance(frame, StartFrame):
            self._start_pushed.set()

    # -- disconnecting ---------------------------------------------------------------------

    async def _disconnect_websocket(self) -> None:
        """Stop connecting/receiving and close the connection, each wait bounded."""
        self._ws_closing = True
        current = asyncio.current_task()
        for task in (self._connect_task, self._receive_task):
            if task is not None and task is not current:
                await self.cancel_task(task, self.close_timeout)  # type: ignore[attr-defined]
        self._connect_task = self._receive_task = None
        if self._ws_connected:
            try:
                await asyncio.wait_for(self._disconnect(), self.close_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # closing a broken socket may fail; we are done with it
                logger.debug("%s: error while disconnecting: %s", self, exc)
            await self._mark_disconnected()

    async def _reconnect_websocket(self) -> bool:
        """Close and open the connection again (e.g. after a settings change)."""
        await self._disconnect_websocket()
        return await self._connect_websocket()


class WebsocketSTTService(WebsocketService, STTService):
    """An :class:`STTService` over a WebSocket; see :class:`WebsocketService`.

    Args:
        reconnect_on_error: Reconnect when the connection fails.
        reconnect_backoff: ``(min, max)`` seconds between attempts.
        max_reconnect_attempts: Retries before a fatal error.
        **kwargs: Passed to :class:`STTService`.
    """


class WebsocketTTSService(WebsocketService, TTSService):
    """A :class:`TTSService` over a WebSocket; see :class:`WebsocketService`.

    ``EndFrame`` speaks what is buffered before the connection closes.

    Args:
        reconnect_on_error: Reconnect when the connection fails.
        reconnect_backoff: ``(min, max)`` seconds between attempts.
        max_reconnect_attempts: Retries before a fatal error.
        **kwargs: Passed to :class:`TTSService`.
    """
