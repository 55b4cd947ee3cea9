"""DebugLogObserver logs pushes with the frame's fields, filtered by type, source and destination."""

import logging
import re
from dataclasses import dataclass

import pytest
from voxpipe.frames._base import DataFrame
from voxpipe.frames.frames import (
    LLMFullResponseStartFrame,
    LLMTextFrame,
    OutputAudioRawFrame,
    StartFrame,
    TextFrame,
    TranscriptionFrame,
)
from voxpipe.observers.base_observer import FramePushed
from voxpipe.observers.loggers import DebugLogObserver as ReExported
from voxpipe.observers.loggers.debug_log_observer import DebugLogObserver, FrameEndpoint
from voxpipe.processors.filters import IdentityFilter
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.tests.utils import run_test

LINE = re.compile(r"^(?P<route>.+?): (?P<type>\w+)(?: (?P<fields>.*))? at (?P<secs>\d+\.\d\d)s$")


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO, logger="voxpipe")

    def lines(frame_type: str | None = None) -> list[str]:
        out = [
            r.getMessage()
            for r in caplog.records
            if r.name == "voxpipe" and r.levelno == logging.INFO and LINE.match(r.getMessage())
        ]
        if frame_type is not None:
            out = [line for line in out if LINE.match(line)["type"] == frame_type]
        return out

    return lines


class Named(FrameProcessor):
    pass


def pushed(frame, direction=FrameDirection.DOWNSTREAM, ts=1_240_000_000) -> FramePushed:
    return FramePushed(Named(name="LLM#0"), Named(name="Out#0"), frame, direction, ts)


@dataclass
class BlobFrame(DataFrame):
    label: str = ""
    payload: bytes = b""


def test_loggers_package_reexports():
    assert ReExported is DebugLogObserver
    assert {e.name for e in FrameEndpoint} == {"SOURCE", "DESTINATION"}


def test_line_format_matches_the_documented_example():
    line = DebugLogObserver().format_push(pushed(LLMTextFrame("Hello, how can I help you today?")))
    assert line == "LLM#0 → Out#0: LLMTextFrame text: 'Hello, how can I help you today?' at 1.24s"


def test_upstream_arrow_points_from_source_to_destination():
    line = DebugLogObserver().format_push(pushed(TextFrame("up"), FrameDirection.UPSTREAM))
    assert line == "Out#0 ← LLM#0: TextFrame text: 'up' at 1.24s"


def test_several_fields_are_comma_separated_in_declaration_order():
    frame = TranscriptionFrame("hi", user_id="u1", timestamp="t0")
    line = DebugLogObserver().format_push(pushed(frame, ts=0))
    assert line == (
        "LLM#0 → Out#0: TranscriptionFrame text: 'hi', user_id: 'u1', timestamp: 't0', "
        "language: None, result: None, finalized: False at 0.00s"
    )


def test_frame_without_fields_has_no_field_list():
    line = DebugLogObserver().format_push(pushed(LLMFullResponseStartFrame(), ts=2_500_000_000))
    assert line == "LLM#0 → Out#0: LLMFullResponseStartFrame at 2.50s"


def test_binary_fields_are_excluded_by_default():
    audio = OutputAudioRawFrame(audio=b"\x00" * 320, sample_rate=16000, num_channels=1)
    assert DebugLogObserver().format_push(pushed(audio)) == (
        "LLM#0 → Out#0: OutputAudioRawFrame sample_rate: 16000, num_channels: 1 at 1.24s"
    )
    blob = BlobFrame(label="x", payload=b"\x01\x02")
    assert DebugLogObserver().format_push(pushed(blob)).endswith("BlobFrame label: 'x' at 1.24s")


def test_explicit_exclude_fields_replace_the_default():
    observer = DebugLogObserver(exclude_fields={"sample_rate"})
    audio = OutputAudioRawFrame(audio=b"\x00" * 320, sample_rate=16000, num_channels=1)
    assert observer.exclude_fields == frozenset({"sample_rate"})
    assert observer.format_push(pushed(audio)) == (
        "LLM#0 → Out#0: OutputAudioRawFrame audio: <320 bytes>, num_channels: 1 at 1.24s"
    )


def test_long_values_are_shortened():
    line = DebugLogObserver().format_push(pushed(TextFrame("x" * 1000)))
    assert len(line) < 300 and "…" in line


def test_invalid_endpoint_is_rejected():
    with pytest.raises(TypeError):
        DebugLogObserver(frame_types={TextFrame: (IdentityFilter, "source")})


# -- in a running pipeline --------------------------------------------------------------


async def test_logs_every_push_in_a_pipeline(logs):
    await run_test(
        IdentityFilter(), frames_to_send=[TextFrame("hello")], observers=[DebugLogObserver()]
    )
    text = [line for line in logs("TextFrame") if "IdentityFilter" in line]
    assert len(text) == 2
    assert re.match(
        r"^HeadCapture → IdentityFilter#\d+: TextFrame text: 'hello' at \d+\.\d\ds$", text[0]
    )
    assert re.match(
        r"^IdentityFilter#\d+ → TailCapture: TextFrame text: 'hello' at \d+\.\d\ds$", text[1]
    )
    assert logs("StartFrame") and logs("EndFrame")


async def test_tuple_filter_selects_frame_types_and_subclasses(logs):
    observer = DebugLogObserver(frame_types=(TextFrame,))
    await run_test(
        IdentityFilter(),
        frames_to_send=[LLMTextFrame("sub"), LLMFullResponseStartFrame(), TextFrame("base")],
        observers=[observer],
    )
    types = {LINE.match(line)["type"] for line in logs()}
    assert types == {"LLMTextFrame", "TextFrame"}


async def test_dict_filter_by_source(logs):
    observer = DebugLogObserver(frame_types={TextFrame: (IdentityFilter, FrameEndpoint.SOURCE)})
    await run_test(IdentityFilter(), frames_to_send=[TextFrame("s")], observers=[observer])
    (line,) = logs()
    assert re.match(r"^IdentityFilter#\d+ → TailCapture: TextFrame", line)


async def test_dict_filter_by_destination(logs):
    observer = DebugLogObserver(
        frame_types={TextFrame: (IdentityFilter, FrameEndpoint.DESTINATION)}
    )
    await run_test(IdentityFilter(), frames_to_send=[TextFrame("d")], observers=[observer])
    (line,) = logs()
    assert re.match(r"^HeadCapture → IdentityFilter#\d+: TextFrame", line)


async def test_dict_filter_none_logs_regardless_of_endpoints(logs):
    observer = DebugLogObserver(
        frame_types={
            StartFrame: None,
            TextFrame: (OutputAudioRawFrame, FrameEndpoint.SOURCE),  # never a processor: no lines
        }
    )
    await run_test(IdentityFilter(), frames_to_send=[TextFrame("t")], observers=[observer])
    assert {LINE.match(line)["type"] for line in logs()} == {"StartFrame"}
    assert len(logs("StartFrame")) >= 2


async def test_upstream_pushes_in_a_pipeline_use_the_left_arrow(logs):
    await run_test(
        IdentityFilter(),
        frames_to_send=[TextFrame("u")],
        frames_to_send_direction=FrameDirection.UPSTREAM,
        observers=[DebugLogObserver(frame_types=(TextFrame,))],
    )
    lines = [line for line in logs() if "IdentityFilter" in line]
    assert len(lines) == 2
    assert re.match(r"^IdentityFilter#\d+ ← TailCapture: TextFrame text: 'u' at", lines[0])
    assert re.match(r"^HeadCapture ← IdentityFilter#\d+: TextFrame text: 'u' at", lines[1])


async def test_custom_level_and_disabled_logger(caplog):
    caplog.set_level(logging.DEBUG, logger="voxpipe")
    observer = DebugLogObserver(frame_types=(TextFrame,), log_level=logging.DEBUG)
    await run_test(IdentityFilter(), frames_to_send=[TextFrame("dbg")], observers=[observer])
    assert any(r.levelno == logging.DEBUG and "'dbg'" in r.getMessage() for r in caplog.records)
    caplog.clear()
    caplog.set_level(logging.WARNING, logger="voxpipe")
    await run_test(IdentityFilter(), frames_to_send=[TextFrame("quiet")], observers=[observer])
    assert not any("'quiet'" in r.getMessage() for r in caplog.records)
