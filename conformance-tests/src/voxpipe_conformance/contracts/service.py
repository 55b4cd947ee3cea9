"""``ServiceContract``: what every AI service (STT, TTS, LLM ...) must do, whatever its kind.

Kind contracts subclass it and say how to make the service work
(:meth:`stimulus`), which frame shows output started (:attr:`first_output`) and
finished (:attr:`output_done`), and the frames expected in order. The tests here
then pin the shared behaviour: lifecycle, pass-through, interruption, settings
updates, TTFB metrics, connection events, reconnection and misbehaving servers.

Options read from ``case.options``:
    ``settings_delta`` (dict): fields for the ``*UpdateSettingsFrame`` test.
    ``error_within`` (float, default 10): seconds a fault may take to become an ErrorFrame.
    ``reconnect_within`` (float, default 10): seconds to reconnect after a drop.
    ``reconnect_budget_secs`` (float, default 20): seconds before giving up must be reported.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, ClassVar

from voxpipe.frames._base import DataFrame, Frame
from voxpipe.frames.frames import ErrorFrame, InterruptionFrame, MetricsFrame
from voxpipe.processors.frame_processor import FrameDirection

from voxpipe_conformance.capabilities import requires
from voxpipe_conformance.contracts.base import Contract, assert_in_order
from voxpipe_conformance.emulators.base import Fault
from voxpipe_conformance.session import Session

__all__ = ["ConformanceProbeFrame", "ServiceContract", "assert_clear_error"]

UP = FrameDirection.UPSTREAM


@dataclass
class ConformanceProbeFrame(DataFrame):
    """A frame no service knows; every processor must pass it on unchanged."""

    label: str = "probe"


def assert_clear_error(error: ErrorFrame) -> None:
    """An ``ErrorFrame`` must say what went wrong in words a user can act on."""
    message = (error.error or "").strip()
    assert len(message) >= 8, f"ErrorFrame message is not a clear message: {message!r}"


class ServiceContract(Contract):
    """Shared tests of AI services; subclasses fill the hooks below."""

    summary = "behaviour every AI service shares"
    first_output: ClassVar[Any] = Frame
    output_done: ClassVar[Any] = Frame
    expected_order: ClassVar[list[Any]] = []
    settings_frame: ClassVar[type[Frame] | None] = None
    default_settings_delta: ClassVar[dict[str, Any]] = {}

    def stimulus(self) -> list[Frame]:
        """Frames that make the service produce one complete output."""
        raise NotImplementedError

    async def produce(self, s: Session, *, timeout: float | None = None) -> Frame:
        """Send :meth:`stimulus` and wait for :attr:`output_done`."""
        start = len(s.down)
        for frame in self.stimulus():
            await s.send(frame)
        return await s.wait_for(self.output_done, timeout=timeout or self.option("output_within", 10.0),
                                after=start)

    async def wait_error(self, s: Session) -> ErrorFrame:
        """Wait for an ``ErrorFrame`` either way, bounded by the ``error_within`` option."""
        within = float(self.option("error_within", 10.0))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            for frame in [*s.up, *s.down]:
                if isinstance(frame, ErrorFrame):
                    return frame
            await asyncio.sleep(0.02)
        raise AssertionError(
            f"no ErrorFrame within {within}s; upstream {s.names(s.up)}, downstream {s.names(s.down)}"
        )

    # -- lifecycle ---------------------------------------------------------------

    async def test_end_frame_finishes_and_releases(self) -> None:
        """After output, an EndFrame ends the service promptly and it closes its connections.

        Source: Pipecat docs, Pipeline & frame processing › EndFrame (graceful shutdown
        after queued frames); services release their resources when the pipeline ends.
        """
        service = await self.make()
        async with self.session(service) as s:
            await self.produce(s)
        if self.emulator is not None:
            await self.emulator.wait_until_closed(timeout=3.0)

    async def test_end_frame_without_input(self) -> None:
        """A service started and ended with no input ends cleanly and reports no error.

        Source: Pipecat docs, Pipeline task › lifecycle (StartFrame then EndFrame).
        """
        service = await self.make()
        async with self.session(service) as s:
            await s.settle(0.05)
        errors = [f for f in [*s.up, *s.down] if isinstance(f, ErrorFrame)]
        assert not errors, f"an idle start/end produced errors: {[e.error for e in errors]}"

    async def test_cancel_frame_stops_promptly(self) -> None:
        """A CancelFrame in the middle of output stops the service at once, leaving nothing behind.

        Source: Pipecat docs, Pipeline task › cancel(): CancelFrame stops immediately,
        without waiting for queued frames.
        """
        service = await self.make()
        async with self.session(service, finish="cancel", finish_timeout=3.0) as s:
            for frame in self.stimulus():
                await s.send(frame)
            await s.wait_for(self.first_output, timeout=self.option("output_within", 10.0))
        if self.emulator is not None:
            await self.emulator.wait_until_closed(timeout=3.0)

    # -- frames ------------------------------------------------------------------

    async def test_output_frames_in_documented_order(self) -> None:
        """The service emits its output frames in the documented order, with no ErrorFrame.

        Source: Pipecat docs, the service's kind page › frames it outputs.
        """
        service = await self.make()
        async with self.session(service) as s:
            await self.produce(s)
        assert_in_order(s.down, self.expected_order, "output")
        errors = [f.error for f in [*s.up, *s.down] if isinstance(f, ErrorFrame)]
        assert not errors, f"unexpected ErrorFrame(s): {errors}"
        self.check_output(s)

    def check_output(self, s: Session) -> None:
        """Kind-specific checks of a normal output (override in subclasses)."""

    async def test_unknown_frames_pass_through(self) -> None:
        """Frames the service does not handle pass through unchanged, both directions, in order.

        Source: Pipecat docs, Custom frame processors › always push frames you do not
        handle so they reach the rest of the pipeline.
        """
        service = await self.make()
        async with self.session(service) as s:
            probes = [ConformanceProbeFrame(label=f"p{i}") for i in range(3)]
            for probe in probes:
                await s.send(probe)
            up_probe = ConformanceProbeFrame(label="up")
            await s.send(up_probe, UP)
            await s.wait_for(ConformanceProbeFrame, count=3)
            await s.wait_for(ConformanceProbeFrame, direction=UP)
        seen = [f.label for f in s.down if isinstance(f, ConformanceProbeFrame)]
        assert seen == ["p0", "p1", "p2"], f"probes arrived as {seen}"

    # -- interruption ------------------------------------------------------------

    @requires("interruption")
    async def test_interruption_stops_output_and_recovers(self) -> None:
        """An InterruptionFrame stops output in flight; the next request is served normally.

        Source: Pipecat docs, Interruptions: the InterruptionFrame clears queued output
        and services stop generating; the pipeline then continues.
        """
        service = await self.make()
        async with self.session(service) as s:
            for frame in self.stimulus():
                await s.send(frame)
            await s.wait_for(self.first_output, timeout=self.option("output_within", 10.0))
            await s.send(InterruptionFrame())
            await s.settle(0.3)
            count = len(s.down)
            await s.settle(0.5)
            late = [f for f in s.down[count:] if isinstance(f, self.first_output)]
            assert not late, f"output continued after the interruption: {s.names(late)}"
            await self.produce(s)

    # -- settings ----------------------------------------------------------------

    @requires("settings_update")
    async def test_update_settings_frame_applies_delta(self) -> None:
        """An *UpdateSettingsFrame changes only the given settings and is consumed by the service.

        Source: Pipecat docs, Service settings › runtime updates with
        STTUpdateSettingsFrame / TTSUpdateSettingsFrame / LLMUpdateSettingsFrame (a delta).
        """
        delta = dict(self.option("settings_delta", self.default_settings_delta))
        if not delta or self.settings_frame is None:
            from voxpipe_conformance.contracts.base import ContractSkip

            raise ContractSkip("no settings_delta option for this service")
        service = await self.make()
        settings = getattr(service, "settings", None)
        before = {k: getattr(settings, k, None) for k in vars(settings)} if settings is not None else {}
        async with self.session(service) as s:
            await s.send(self.settings_frame(settings=delta))
            await s.send(ConformanceProbeFrame(label="after-settings"))
            await s.wait_for(ConformanceProbeFrame)
            await self.produce(s)
        leaked = [f for f in s.down if isinstance(f, self.settings_frame)]
        assert not leaked, "the service pushed its own settings frame on instead of consuming it"
        settings = getattr(service, "settings", None)
        assert settings is not None, "the service exposes no `settings`"
        for key, value in delta.items():
            assert getattr(settings, key, None) == value, (
                f"settings.{key} is {getattr(settings, key, None)!r} after an update to {value!r}")
        for key, old in before.items():
            if key not in delta:
                assert getattr(settings, key, None) == old, f"settings.{key} changed though not in the delta"

    # -- metrics -----------------------------------------------------------------

    @requires("ttfb_metrics")
    async def test_ttfb_metrics_reported(self) -> None:
        """With metrics enabled the service reports a TTFB MetricsFrame measuring the provider delay.

        Source: Pipecat docs, Metrics › TTFBMetricsData (time to first byte per service,
        enabled by PipelineParams(enable_metrics=True)).
        """
        from voxpipe.metrics.metrics import TTFBMetricsData

        delay = 0.3 if self.emulator is not None else 0.0
        service = await self.make()
        async with self.session(service, enable_metrics=True) as s:
            if delay:
                self.emulator.inject(Fault.delay(delay))
            await self.produce(s)
            await s.settle(0.05)
        values = [d.value for f in s.down if isinstance(f, MetricsFrame)
                  for d in f.data if isinstance(d, TTFBMetricsData) and d.value]
        assert values, f"no TTFB metrics; downstream {s.names(s.down)}"
        assert max(values) >= delay * 0.8, f"TTFB {values} ignores the emulated {delay}s delay"

    # -- connection ----------------------------------------------------------------

    @requires("connection_events")
    async def test_connection_events_fire(self) -> None:
        """on_connected fires when the service connects and on_disconnected when it ends.

        Source: Pipecat docs, WebSocket services › event handlers on_connected,
        on_disconnected, on_connection_error.
        """
        events: list[str] = []
        service = await self.make()
        for name in ("on_connected", "on_disconnected"):
            service.add_event_handler(name, lambda _svc, *a, _n=name: events.append(_n))
        async with self.session(service) as s:
            await self.produce(s)
            assert "on_connected" in events, f"on_connected did not fire; events {events}"
        await asyncio.sleep(0.2)
        assert "on_disconnected" in events, f"on_disconnected did not fire; events {events}"

    @requires("reconnect")
    async def test_reconnects_after_server_drops(self) -> None:
        """When the server drops the connection, the service reconnects and keeps serving.

        Source: Pipecat docs, WebSocket services › automatic reconnection with
        exponential backoff.
        """
        emulator = self.need_emulator()
        service = await self.make()
        async with self.session(service) as s:
            await self.produce(s)
            total = emulator.connections_total
            await emulator.drop_connections()
            within = float(self.option("reconnect_within", 10.0))
            await emulator.wait_for_connections(total + 1, timeout=within)
            await self.produce(s)

    @requires("reconnect")
    async def test_reconnect_budget_is_bounded(self) -> None:
        """When the server stays down, reconnection gives up within a bounded budget with an ErrorFrame.

        Source: Pipecat docs, WebSocket services › reconnection attempts are limited;
        a failure is reported as an ErrorFrame and the pipeline can end.
        """
        emulator = self.need_emulator()
        service = await self.make()
        async with self.session(service, finish="cancel") as s:
            await self.produce(s)
            emulator.refuse_connections = True
            await emulator.drop_connections()
            budget = float(self.option("reconnect_budget_secs", 20.0))
            loop = asyncio.get_running_loop()
            deadline = loop.time() + budget
            while loop.time() < deadline and not any(isinstance(f, ErrorFrame) for f in s.up + s.down):
                await asyncio.sleep(0.05)
            errors = [f for f in s.up + s.down if isinstance(f, ErrorFrame)]
            assert errors, f"no ErrorFrame within the {budget}s reconnect budget"
            assert_clear_error(errors[0])

    # -- misbehaving server --------------------------------------------------------

    async def _fault_gives_error(self, fault: Fault) -> None:
        emulator = self.need_emulator()
        service = await self.make()
        async with self.session(service, finish="cancel") as s:
            emulator.inject(fault)
            for frame in self.stimulus():
                await s.send(frame)
            error = await self.wait_error(s)
            assert_clear_error(error)

    @requires("error_frames")
    async def test_malformed_message_gives_error_frame(self) -> None:
        """A malformed provider message becomes an ErrorFrame with a clear message, not a crash.

        Source: Pipecat docs, Error handling › services push ErrorFrame upstream
        (on_error / on_pipeline_error) instead of raising.
        """
        await self._fault_gives_error(Fault.malformed())

    @requires("error_frames")
    async def test_error_status_gives_error_frame(self) -> None:
        """A provider error (error status or error message) becomes an ErrorFrame with its reason.

        Source: Pipecat docs, Error handling › ErrorFrame carries a human-readable error.
        """
        await self._fault_gives_error(Fault.error(500, "emulated provider error"))

    @requires("error_frames")
    async def test_stalled_server_gives_error_not_hang(self) -> None:
        """A provider that stops answering yields an ErrorFrame within a bounded time, never a hang.

        Source: Pipecat docs, Error handling and the Pipeline task's bounded waits
        (a stalled service must not block the pipeline forever).
        """
        await self._fault_gives_error(Fault.stall())

    @requires("error_frames")
    async def test_session_survives_provider_error(self) -> None:
        """After a provider error the service ends cleanly on EndFrame (nothing hangs or leaks).

        Source: Pipecat docs, Error handling › non-fatal ErrorFrames leave the pipeline running.
        """
        emulator = self.need_emulator()
        service = await self.make()
        async with self.session(service) as s:
            emulator.inject(Fault.error(500, "emulated provider error"))
            for frame in self.stimulus():
                await s.send(frame)
            await self.wait_error(s)
        await emulator.wait_until_closed(timeout=3.0)
