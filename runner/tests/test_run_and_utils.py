"""Bot discovery, flags, .env loading, RunnerArguments and create_transport."""

import argparse
import os
import subprocess
import sys
import textwrap

import pytest
from runner_support import ECHO_BOT, VOXPIPE

from voxpipe.runner.types import (
    FileRunnerArguments,
    RunnerArguments,
    SmallWebRTCRunnerArguments,
    WebSocketRunnerArguments,
)
from voxpipe.runner.utils import _detect_provider, create_transport, parse_telephony_websocket
from voxpipe.transports.base_transport import TransportParams

pytestmark = pytest.mark.timeout(60)

BOT = """
import os
async def bot(runner_args):
    print("BOT", type(runner_args).__name__, os.environ.get("ENV"), os.environ.get("SECRET_FROM_DOTENV"))
"""


def run(args, cwd, timeout=30):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_runner_arguments_defaults():
    args = RunnerArguments()
    assert args.body == {} and args.cli_args is None
    assert (args.handle_sigint, args.handle_sigterm, args.pipeline_idle_timeout_secs) == (
        False,
        False,
        300,
    )
    conn = object()
    webrtc = SmallWebRTCRunnerArguments(conn, body={"a": 1})
    assert webrtc.webrtc_connection is conn and webrtc.body == {"a": 1}
    assert FileRunnerArguments("in.wav", "out.wav").handle_sigint is True


def test_importing_run_sets_env_local(monkeypatch):
    monkeypatch.delenv("ENV", raising=False)
    import importlib

    import voxpipe.runner.run as run_module

    importlib.reload(run_module)
    assert os.environ["ENV"] == "local"


async def test_create_transport_names_unknown_and_missing_keys(tmp_path):
    with pytest.raises(ValueError, match=r"unknown transport_params keys \['webrtcc'\]"):
        await create_transport(RunnerArguments(), {"webrtcc": TransportParams})
    with pytest.raises(ValueError, match=r"no 'webrtc' entry.*it has \['daily'\]"):
        await create_transport(SmallWebRTCRunnerArguments(object()), {"daily": TransportParams})
    with pytest.raises(ValueError, match="does not know RunnerArguments"):
        await create_transport(RunnerArguments(), {"webrtc": TransportParams})


async def test_file_and_websocket_fall_back_to_webrtc_params(tmp_path):
    from runner_support import voice, write_wav

    wav = write_wav(tmp_path / "in.wav", voice(0.2, 16000), 16000)
    params = {"webrtc": lambda: TransportParams(audio_in_enabled=True, audio_out_sample_rate=16000)}
    transport = await create_transport(
        FileRunnerArguments(str(wav), str(tmp_path / "o.wav")), params
    )
    assert type(transport).__name__ == "FileTransport"
    assert transport._params.audio_out_sample_rate == 16000

    class FakeSocket:
        pass

    ws = await create_transport(
        WebSocketRunnerArguments(FakeSocket(), transport_type="websocket"), params
    )
    assert type(ws).__name__ == "FastAPIWebsocketTransport"
    assert type(ws._params.serializer).__name__ == "ProtobufFrameSerializer"
    assert ws._params.audio_out_sample_rate == 16000


@pytest.mark.parametrize(
    ("message", "provider", "key", "value"),
    [
        (
            {
                "event": "start",
                "start": {"streamSid": "S", "callSid": "C", "customParameters": {"x": 1}},
            },
            "twilio",
            "body",
            {"x": 1},
        ),
        (
            {
                "stream_id": "S",
                "start": {"call_control_id": "CC", "media_format": {"encoding": "PCMU"}},
            },
            "telnyx",
            "outbound_encoding",
            "PCMU",
        ),
        ({"start": {"streamId": "S", "callId": "C"}}, "plivo", "call_id", "C"),
        (
            {"event": "start", "start": {"stream_sid": "S", "call_sid": "C", "account_sid": "A"}},
            "exotel",
            "account_sid",
            "A",
        ),
    ],
)
def test_telephony_detection(message, provider, key, value):
    found, data = _detect_provider(message)
    assert found == provider and data[key] == value and data["stream_id"] == "S"


async def test_parse_telephony_websocket_reads_at_most_two_messages():
    import json

    class Socket:
        def __init__(self, texts):
            self.texts = list(texts)

        async def receive_text(self):
            if not self.texts:
                raise RuntimeError("closed")
            return self.texts.pop(0)

    twilio = {"event": "start", "start": {"streamSid": "S", "callSid": "C"}}
    kind, _ = await parse_telephony_websocket(
        Socket([json.dumps({"event": "connected"}), json.dumps(twilio)])
    )
    assert kind == "twilio"
    with pytest.raises(ValueError):
        await parse_telephony_websocket(Socket(["{}", "{}", json.dumps(twilio)]))
    with pytest.raises(ValueError, match="no telephony start message"):
        await parse_telephony_websocket(Socket([]))


def test_voxpipe_run_loads_the_file_and_dotenv(tmp_path):
    (tmp_path / "mybot.py").write_text(BOT)
    (tmp_path / ".env").write_text("SECRET_FROM_DOTENV=yes\n")
    wav = tmp_path / "in.wav"
    from runner_support import voice, write_wav

    write_wav(wav, voice(0.2, 16000), 16000)
    proc = run(
        [str(VOXPIPE), "run", "mybot.py", "-t", "file", "--input", "in.wav", "--output", "o.wav"],
        tmp_path,
    )
    # The bot never built a FileTransport, so no output file: exit 1 with the reason.
    assert "BOT FileRunnerArguments local yes" in proc.stdout
    assert proc.returncode == 1 and "did not use the file transport" in proc.stderr


@pytest.mark.parametrize("layout", ["main", "bot_module", "any_file"])
def test_bot_discovery_order(tmp_path, layout):
    """python X.py finds bot on __main__; a launcher finds `import bot`, else ./*.py (not server.py)."""
    from runner_support import voice, write_wav

    write_wav(tmp_path / "in.wav", voice(0.2, 16000), 16000)
    flags = "['-t', 'file', '--input', 'in.wav', '--output', 'o.wav']"
    launcher = f"from voxpipe.runner.run import main\nmain(argv={flags})\n"
    if layout == "main":
        (tmp_path / "x.py").write_text(
            BOT + f"\nif __name__ == '__main__':\n    {launcher.replace(chr(10), chr(10) + '    ')}"
        )
        script = "x.py"
    else:
        (tmp_path / "server.py").write_text("async def bot(runner_args):\n    print('WRONG')\n")
        (tmp_path / ("bot.py" if layout == "bot_module" else "zz_agent.py")).write_text(BOT)
        (tmp_path / "launch.py").write_text(launcher)
        script = "launch.py"
    proc = run([sys.executable, script], tmp_path)
    assert "BOT FileRunnerArguments" in proc.stdout, proc.stderr
    assert "WRONG" not in proc.stdout


def test_no_bot_anywhere(tmp_path):
    (tmp_path / "launch.py").write_text("from voxpipe.runner.run import main\nmain(argv=[])\n")
    proc = run([sys.executable, "launch.py"], tmp_path)
    assert proc.returncode == 2 and "Could not find 'bot' function" in proc.stderr


def test_custom_parser_arguments_reach_the_bot(tmp_path):
    from runner_support import voice, write_wav

    write_wav(tmp_path / "in.wav", voice(0.2, 16000), 16000)
    (tmp_path / "b.py").write_text(
        textwrap.dedent("""
        import argparse
        async def bot(runner_args):
            print("NAME", runner_args.cli_args.name)
        if __name__ == "__main__":
            from voxpipe.runner.run import main
            parser = argparse.ArgumentParser()
            parser.add_argument("--name", default="?")
            main(parser)
    """)
    )
    proc = run(
        [
            sys.executable,
            "b.py",
            "--name",
            "ada",
            "-t",
            "file",
            "--input",
            "in.wav",
            "--output",
            "o.wav",
        ],
        tmp_path,
    )
    assert "NAME ada" in proc.stdout


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["-t", "daily"], "needs the voxpipe-daily plugin"),
        (["-d"], "needs the voxpipe-daily plugin"),
        (["-t", "websocket", "-d"], "cannot be used with -t websocket"),
        (["-t", "twilio"], "needs the voxpipe-twilio plugin"),
        (["--esp32"], "--esp32 needs --host"),
        (["--input", "x.wav"], "--input/--output are for -t file"),
    ],
)
def test_unservable_flags_fail_with_a_clear_message(tmp_path, flags, message):
    proc = run([str(VOXPIPE), "run", str(ECHO_BOT), *flags], tmp_path)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr


def test_run_is_a_plugin_command():
    proc = run([str(VOXPIPE), "--help"], None)
    assert "run" in proc.stdout and "serve a bot for development" in proc.stdout
    parser = argparse.ArgumentParser()
    from voxpipe.runner._args import add_runner_arguments

    args = add_runner_arguments(parser).parse_args([])
    assert (args.host, args.port, args.transport, args.verbose) == ("localhost", 7860, "webrtc", 0)
