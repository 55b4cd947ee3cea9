"""The event system: decorator and add_event_handler, sync and async events, order, errors."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.errors import UnknownEventError
from voxpipe.utils.base_object import BaseObject


class Emitter(BaseObject):
    def __init__(self):
        super().__init__()
        self._register_event_handler("on_sync", sync=True)
        self._register_event_handler("on_async")


async def test_decorator_and_add_event_handler_run_in_registration_order():
    e = Emitter()
    calls = []

    @e.event_handler("on_sync")
    async def first(obj, value):
        calls.append(("first", obj, value))

    def second(obj, value):  # plain def works too
        calls.append(("second", obj, value))

    e.add_event_handler("on_sync", second)
    await e._call_event_handler("on_sync", 42)
    assert calls == [("first", e, 42), ("second", e, 42)]


async def test_sync_events_finish_before_the_emitter_continues():
    e = Emitter()
    done = []

    @e.event_handler("on_sync")
    async def slow(obj):
        await asyncio.sleep(0.01)
        done.append(True)

    await e._call_event_handler("on_sync")
    assert done == [True]


async def test_async_events_run_in_the_background():
    e = Emitter()
    gate = asyncio.Event()
    done = []

    @e.event_handler("on_async")
    async def waits(obj):
        await gate.wait()
        done.append(True)

    await e._call_event_handler("on_async")
    assert done == []  # the emitter did not wait
    gate.set()
    await e.wait_for_event_handlers(timeout=1)
    assert done == [True]


async def test_a_failing_handler_is_logged_and_does_not_stop_the_others(caplog):
    e = Emitter()
    calls = []

    @e.event_handler("on_sync")
    def broken(obj):
        raise RuntimeError("handler bug")

    @e.event_handler("on_sync")
    def fine(obj):
        calls.append("fine")

    await e._call_event_handler("on_sync")
    assert calls == ["fine"]
    assert "handler bug" in caplog.text


def test_unknown_event_name_is_a_clear_error():
    e = Emitter()
    with pytest.raises(UnknownEventError) as info:
        e.add_event_handler("on_snyc", lambda obj: None)
    message = str(info.value)
    assert "on_snyc" in message and "on_async, on_sync" in message


def test_handlers_must_be_callable():
    with pytest.raises(TypeError):
        Emitter().add_event_handler("on_sync", "not callable")  # type: ignore[arg-type]


async def test_cleanup_cancels_handlers_that_run_too_long():
    e = Emitter()

    @e.event_handler("on_async")
    async def forever(obj):
        await asyncio.sleep(100)

    await e._call_event_handler("on_async")
    await e.wait_for_event_handlers(timeout=0.05)
    assert not e._bo_event_tasks


async def test_subclasses_may_use_common_private_names():
    class Mine(Emitter):
        def __init__(self):
            super().__init__()
            self._events = ["my own"]  # must not break the event system
            self._name_of_thing = "x"

    m = Mine()
    calls = []
    m.add_event_handler("on_sync", lambda obj: calls.append(1))
    await m._call_event_handler("on_sync")
    assert calls == [1] and m._events == ["my own"]
