"""PipelineTask's RTVI wiring: enable_rtvi, rtvi_processor, rtvi_observer_params, task.rtvi."""

from __future__ import annotations

import asyncio

from voxpipe.frames.frames import EndFrame, TextFrame
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.task import PipelineTask
from voxpipe.processors.filters.identity_filter import IdentityFilter
from voxpipe.processors.frameworks.rtvi import RTVIObserver, RTVIObserverParams, RTVIProcessor
from voxpipe.testing.loopback_transport import LoopbackTransport, running_task
from voxpipe.transports.base_transport import TransportParams


def rtvi_observers(task):
    return [o for o in task.observers if isinstance(o, RTVIObserver)]


def with_transport(**kwargs):
    transport = LoopbackTransport(TransportParams())
    return transport, PipelineTask(
        Pipeline([transport.input(), transport.output()]), idle_timeout_secs=None, **kwargs
    )


def test_rtvi_is_on_by_default_with_a_transport():
    transport, task = with_transport()
    assert isinstance(task.rtvi, RTVIProcessor)
    assert len(rtvi_observers(task)) == 1
    flow = task._flow.flat_processors()
    assert flow[1] is task.rtvi and flow[2] is transport.input()  # right after the task's source


def test_enable_rtvi_false_means_no_rtvi():
    _, task = with_transport(enable_rtvi=False, rtvi_processor=RTVIProcessor())
    assert task.rtvi is None and rtvi_observers(task) == []
    assert all(not isinstance(p, RTVIProcessor) for p in task._flow.flat_processors())


def test_without_a_transport_rtvi_costs_nothing_until_asked_for():
    task = PipelineTask(Pipeline([IdentityFilter()]), idle_timeout_secs=None)
    assert task._rtvi is None and task.observers == []
    rtvi = task.rtvi  # asking sets it up before the run
    assert isinstance(rtvi, RTVIProcessor) and task.rtvi is rtvi
    assert task._flow.flat_processors()[1] is rtvi and len(rtvi_observers(task)) == 1


async def test_observer_params_and_a_custom_processor_are_used():
    class MyObserver(RTVIObserver):
        pass

    class MyRTVI(RTVIProcessor):
        def create_rtvi_observer(self, *, params=None, **kwargs):
            return MyObserver(self, params=params, **kwargs)

    params = RTVIObserverParams(bot_llm_enabled=False)
    rtvi = MyRTVI()
    task = PipelineTask(
        Pipeline([IdentityFilter()]), rtvi_processor=rtvi, rtvi_observer_params=params
    )
    [observer] = rtvi_observers(task)
    assert task.rtvi is rtvi and isinstance(observer, MyObserver) and observer.params is params


async def test_a_bare_pipeline_runs_unchanged_with_rtvi_left_off():
    task = PipelineTask(Pipeline([IdentityFilter()]), idle_timeout_secs=None)
    async with running_task(task) as run:
        await task.queue_frames([TextFrame("a"), EndFrame()])
        await asyncio.wait_for(run, 5)
    assert task._rtvi is None and task.rtvi is None  # too late to add it after the run


async def test_task_rtvi_handlers_work_end_to_end():
    transport, task = with_transport()
    seen = []

    @task.rtvi.event_handler("on_client_ready")
    async def on_client_ready(rtvi):
        seen.append("ready")

    async with running_task(task) as run:
        await transport.input().push_app_message(
            {"label": "rtvi-ai", "type": "client-ready", "id": "x", "data": {}}
        )
        for _ in range(200):
            if any(m["type"] == "bot-ready" for m in transport.output().messages):
                break
            await asyncio.sleep(0.005)
        await task.queue_frame(EndFrame())
        await asyncio.wait_for(run, 5)
    assert seen == ["ready"]
    assert [m["type"] for m in transport.output().messages] == ["bot-ready"]
