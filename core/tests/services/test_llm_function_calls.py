"""LLMService function calling: registration, the frame sequence, parallelism, cancel, timeouts."""

from __future__ import annotations

import asyncio
import time

import pytest
from test_llm_fakes import FakeLLM, PushingFakeLLM, Turn, context_frame

from voxpipe.frames.frames import (
    ErrorFrame,
    FunctionCallCancelFrame,
    FunctionCallFromLLM,
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
    FunctionCallResultProperties,
    FunctionCallsStartedFrame,
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
)
from voxpipe.services.llm_service import FunctionCallParams, LLMService
from voxpipe.tests.utils import SleepFrame, run_test


def results(frames):
    return {f.tool_call_id: f for f in frames if isinstance(f, FunctionCallResultFrame)}


def of(frames, kind):
    return [f for f in frames if isinstance(f, kind)]


async def test_documented_flow_started_in_progress_result():
    llm = FakeLLM([Turn(calls=[("get_weather", {"location": "Paris"})])])
    seen: list[FunctionCallParams] = []
    started: list = []

    async def get_weather(params: FunctionCallParams):
        seen.append(params)
        await params.result_callback({"temperature": "75", "conditions": "sunny"})

    llm.register_function("get_weather", get_weather)

    @llm.event_handler("on_function_calls_started")
    async def on_function_calls_started(service, function_calls):
        started.append([c.function_name for c in function_calls])

    frame = context_frame()
    down, up = await run_test(
        llm,
        frames_to_send=[frame, SleepFrame(0.1)],
        expected_down_frames=[
            LLMFullResponseStartFrame,
            FunctionCallsStartedFrame,
            FunctionCallInProgressFrame,
            LLMFullResponseEndFrame,
            FunctionCallResultFrame,
        ],
        expected_up_frames=[
            FunctionCallsStartedFrame,
            FunctionCallInProgressFrame,
            FunctionCallResultFrame,
        ],
    )
    assert started == [["get_weather"]]
    [params] = seen
    assert (params.function_name, params.arguments, params.llm) == (
        "get_weather",
        {"location": "Paris"},
        llm,
    )
    assert params.context is frame.context
    progress, result = down[2], down[4]
    assert (progress.function_name, progress.tool_call_id, progress.cancel_on_interruption) == (
        "get_weather",
        params.tool_call_id,
        True,
    )
    assert result.result == {"temperature": "75", "conditions": "sunny"}
    assert result.arguments == {"location": "Paris"}
    assert result.run_llm is True and result.properties is None
    # the two directions carry sibling copies
    assert up[2].broadcast_sibling_id == result.id


async def test_parallel_calls_take_the_longest_not_the_sum_and_run_llm_once():
    llm = FakeLLM([Turn(calls=[("slow", {"n": 1}), ("slow", {"n": 2}), ("slow", {"n": 3})])])

    async def slow(params: FunctionCallParams):
        await asyncio.sleep(0.3)
        await params.result_callback(params.arguments["n"])

    llm.register_function("slow", slow)
    start = time.monotonic()
    down, _ = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.5)])
    elapsed = time.monotonic() - start
    done = of(down, FunctionCallResultFrame)
    assert sorted(f.result for f in done) == [1, 2, 3]
    assert elapsed < 0.85  # three 0.3 s calls in sequence would need 0.9 s plus the sleep
    assert [f.run_llm for f in done] == [False, False, True]


async def test_sequential_calls_run_one_after_another_in_order():
    llm = FakeLLM([Turn(calls=[("step", {"n": 1}), ("step", {"n": 2})])], run_in_parallel=False)
    spans: list[tuple[float, float]] = []

    async def step(params: FunctionCallParams):
        begin = time.monotonic()
        await asyncio.sleep(0.1)
        spans.append((begin, time.monotonic()))
        await params.result_callback(params.arguments["n"])

    llm.register_function("step", step)
    down, _ = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.35)])
    assert [f.result for f in of(down, FunctionCallResultFrame)] == [1, 2]
    assert spans[1][0] >= spans[0][1]
    assert [f.run_llm for f in of(down, FunctionCallResultFrame)] == [False, True]


async def test_result_properties_override_run_llm_and_travel_with_the_result():
    llm = FakeLLM([Turn(calls=[("log", {})])])

    async def updated():
        pass

    async def log(params: FunctionCallParams):
        await params.result_callback(
            "logged",
            properties=FunctionCallResultProperties(run_llm=False, on_context_updated=updated),
        )

    llm.register_function("log", log)
    down, _ = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.05)])
    [result] = of(down, FunctionCallResultFrame)
    assert result.run_llm is False
    assert result.properties.on_context_updated is updated


async def test_catch_all_handles_every_unregistered_function():
    llm = FakeLLM([Turn(calls=[("a", {}), ("b", {}), ("own", {})])])
    names: list[str] = []

    async def catch_all(params: FunctionCallParams):
        names.append(params.function_name)
        await params.result_callback(f"generic {params.function_name}")

    async def own(params: FunctionCallParams):
        await params.result_callback("specific")

    llm.register_function(None, catch_all)
    llm.register_function("own", own)
    assert llm.has_function("anything") and llm.has_function("own")
    down, _ = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.05)])
    assert sorted(names) == ["a", "b"]
    assert sorted(f.result for f in of(down, FunctionCallResultFrame)) == [
        "generic a",
        "generic b",
        "specific",
    ]
    llm.unregister_function(None)
    assert not llm.has_function("anything") and llm.has_function("own")


async def test_unknown_function_gets_a_clear_error_result():
    llm = FakeLLM([Turn(calls=[("nope", {})])])
    assert not llm.has_function("nope")
    down, up = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.05)])
    [result] = of(down, FunctionCallResultFrame)
    assert result.result == {"error": "function 'nope' is not registered"}
    assert result.run_llm is True
    assert of(up, ErrorFrame) == []


async def test_interruption_cancels_only_calls_marked_cancel_on_interruption():
    llm = FakeLLM([Turn(calls=[("cancellable", {}), ("keep", {})])])
    cancelled = asyncio.Event()

    async def cancellable(params: FunctionCallParams):
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def keep(params: FunctionCallParams):
        await asyncio.sleep(0.3)
        await params.result_callback("kept")

    llm.register_function("cancellable", cancellable)
    llm.register_function("keep", keep, cancel_on_interruption=False)
    down, up = await run_test(
        llm,
        frames_to_send=[context_frame(), SleepFrame(0.1), InterruptionFrame(), SleepFrame(0.4)],
    )
    assert cancelled.is_set()
    in_progress = {
        f.function_name: f.cancel_on_interruption for f in of(down, FunctionCallInProgressFrame)
    }
    assert in_progress == {"cancellable": True, "keep": False}
    [cancel] = of(down, FunctionCallCancelFrame)
    assert cancel.function_name == "cancellable"
    assert [f.function_name for f in of(up, FunctionCallCancelFrame)] == ["cancellable"]
    [result] = of(down, FunctionCallResultFrame)
    assert (result.function_name, result.result, result.run_llm) == ("keep", "kept", True)


async def test_timeout_gives_an_error_result_and_error_frame_without_hanging():
    llm = FakeLLM([Turn(calls=[("stuck", {}), ("slowish", {})])], function_call_timeout_secs=0.15)

    async def stuck(params: FunctionCallParams):
        await asyncio.Event().wait()

    async def slowish(params: FunctionCallParams):
        await asyncio.sleep(0.3)  # beyond the global 0.15 s, within its own 0.5 s
        await params.result_callback("made it")

    llm.register_function("stuck", stuck, timeout_secs=0.05)
    llm.register_function("slowish", slowish, timeout_secs=0.5)
    start = time.monotonic()
    down, up = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.4)])
    assert time.monotonic() - start < 1.5
    by_name = {f.function_name: f for f in of(down, FunctionCallResultFrame)}
    assert by_name["stuck"].result == {"error": "function 'stuck' timed out after 0.05s"}
    assert by_name["slowish"].result == "made it"
    [error] = of(up, ErrorFrame)
    assert "stuck" in error.error and "timed out" in error.error


async def test_handler_that_never_answers_times_out_with_the_default():
    llm = FakeLLM([Turn(calls=[("silent", {})])], function_call_timeout_secs=0.1)

    async def silent(params: FunctionCallParams):
        return None  # forgets result_callback

    llm.register_function("silent", silent)
    down, up = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.2)])
    [result] = of(down, FunctionCallResultFrame)
    assert "timed out after 0.1s" in result.result["error"]
    assert len(of(up, ErrorFrame)) == 1


async def test_handler_exception_gives_an_error_result():
    llm = FakeLLM([Turn(calls=[("boom", {})])])

    async def boom(params: FunctionCallParams):
        raise ValueError("bad city")

    llm.register_function("boom", boom)
    down, up = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.05)])
    [result] = of(down, FunctionCallResultFrame)
    assert result.result == {"error": "function 'boom' failed: bad city"}
    [error] = of(up, ErrorFrame)
    assert isinstance(error.exception, ValueError)


async def test_result_may_arrive_later_from_elsewhere_and_only_once():
    llm = FakeLLM([Turn(calls=[("deferred", {})])])
    later: list = []

    async def deferred(params: FunctionCallParams):
        async def answer():
            await asyncio.sleep(0.05)
            await params.result_callback("first")
            await params.result_callback("second")  # ignored

        later.append(asyncio.get_running_loop().create_task(answer()))

    llm.register_function("deferred", deferred)
    down, _ = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.15)])
    await asyncio.gather(*later)
    assert [f.result for f in of(down, FunctionCallResultFrame)] == ["first"]


async def test_legacy_handlers_and_the_function_decorator_still_work():
    llm = PushingFakeLLM([Turn(calls=[("get_weather", {"location": "Oslo"})])])
    with pytest.warns(DeprecationWarning, match="FunctionCallParams"):

        @llm.function("get_weather")
        async def get_weather(function_name, tool_call_id, args, llm, context, result_callback):
            await result_callback({"location": args["location"], "temperature": 72})

    down, _ = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.05)])
    [result] = of(down, FunctionCallResultFrame)
    assert result.result == {"location": "Oslo", "temperature": 72}


async def test_deprecated_start_callback_runs_before_the_handler():
    llm = FakeLLM([Turn(calls=[("f", {})])])
    order: list[str] = []

    async def start(function_name, service, context):
        order.append(f"start {function_name}")

    async def handler(params: FunctionCallParams):
        order.append("handler")
        await params.result_callback(None)

    with pytest.warns(DeprecationWarning, match="start_callback"):
        llm.register_function("f", handler, start)
    await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.05)])
    assert order == ["start f", "handler"]


async def test_ending_the_pipeline_cancels_calls_still_running():
    llm = FakeLLM([Turn(calls=[("forever", {})])], function_call_timeout_secs=None)
    cancelled = asyncio.Event()

    async def forever(params: FunctionCallParams):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    llm.register_function("forever", forever, cancel_on_interruption=False)
    start = time.monotonic()
    down, _ = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.05)])
    assert time.monotonic() - start < 2.0
    assert cancelled.is_set()
    assert of(down, FunctionCallResultFrame) == []


async def test_run_function_calls_with_no_calls_does_nothing():
    llm = LLMService()
    await llm.run_function_calls([])


def test_function_call_from_llm_is_what_handlers_see():
    call = FunctionCallFromLLM("f", "id1", {"x": 1}, None)
    assert (call.function_name, call.tool_call_id, call.arguments) == ("f", "id1", {"x": 1})


class DawdlingLLM(PushingFakeLLM):
    """Announces its calls, then keeps the response open a while before ending it."""

    async def _process_context(self, context):  # type: ignore[override]
        await super()._process_context(context)
        await asyncio.sleep(0.3)


async def test_calls_announced_by_an_interrupted_response_are_not_orphaned():
    llm = DawdlingLLM([Turn(calls=[("cancellable", {}), ("keep", {})])])

    async def cancellable(params: FunctionCallParams):
        await params.result_callback("should not be seen")

    async def keep(params: FunctionCallParams):
        await params.result_callback("kept")

    llm.register_function("cancellable", cancellable)
    llm.register_function("keep", keep, cancel_on_interruption=False)
    down, _ = await run_test(
        llm,
        frames_to_send=[context_frame(), SleepFrame(0.1), InterruptionFrame(), SleepFrame(0.1)],
    )
    assert [f.function_name for f in of(down, FunctionCallCancelFrame)] == ["cancellable"]
    assert [(f.function_name, f.result) for f in of(down, FunctionCallResultFrame)] == [
        ("keep", "kept")
    ]
    assert of(down, LLMFullResponseEndFrame) == []


async def test_results_follow_the_end_of_the_response_that_asked_for_them():
    llm = DawdlingLLM([Turn(tokens=["Let me check."], calls=[("quick", {})])])

    async def quick(params: FunctionCallParams):
        await params.result_callback("done")

    llm.register_function("quick", quick)
    down, _ = await run_test(llm, frames_to_send=[context_frame(), SleepFrame(0.45)])
    kinds = [type(f).__name__ for f in down]
    assert kinds.index("LLMFullResponseEndFrame") < kinds.index("FunctionCallResultFrame")
