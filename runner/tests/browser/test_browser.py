"""Pipecat's official JS clients, in Debian's headless Chromium, against `voxpipe run examples/echo_bot.py`.

Slow (marked): needs `chromium` (apt) and Node with this folder's `npm ci` done.
Each check connects, waits for bot-ready, does a client request round trip and a
client message, waits for a server message, plays a WAV through the fake
microphone until the bot echoes it, measures the bot's audio (non-silent) and
disconnects — over SmallWebRTC and over WebSocket + protobuf. The runner's own
/client/ page gets the same treatment.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from runner_support import ECHO_BOT, voice, write_wav

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(150)]


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (apt-get install -y chromium)"
    if shutil.which("node") is None:
        return "node not found (apt-get install -y nodejs npm)"
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        return f"npm packages missing (cd {HERE} && npm ci)"
    return None


@pytest.fixture(scope="module")
def page_bundle():
    reason = _missing()
    if reason:
        pytest.skip(reason)
    subprocess.run(["node", "build.mjs"], cwd=HERE, check=True, timeout=60, capture_output=True)
    return HERE / "dist"


@pytest.fixture
def mic_wav(tmp_path):
    rate = 48000  # Chromium loops the file: 1 s of "speech", 1.5 s of quiet
    return write_wav(
        tmp_path / "mic.wav", np.concatenate([voice(1.0, rate), np.zeros(int(1.5 * rate))]), rate
    )


def _node(script: str, *args: str, timeout: float = 100) -> dict:
    proc = subprocess.run(
        ["node", script, *args, "--chromium", CHROMIUM],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no result from {script}: {proc.stdout}\n{proc.stderr}"
    return json.loads(lines[-1])


@pytest.mark.parametrize("transport", ["webrtc", "websocket"])
def test_official_js_client(page_bundle, mic_wav, runner_process, transport):
    server = runner_process(str(ECHO_BOT), "-t", transport)
    result = _node(
        "check.mjs",
        "--runner",
        server.url,
        "--transport",
        transport,
        "--wav",
        str(mic_wav),
        "--timeout",
        "60",
    )
    failed = [name for name, c in result["checks"].items() if not c["ok"]]
    assert result["ok"], (
        f"failed: {failed}\n"
        + "\n".join(result["log"] + (result.get("console") or []))
        + server.log()
    )
    assert set(result["checks"]) >= {
        "connect", "bot-ready", "server-message", "client-request round trip",
        "audio in (bot heard us)", "audio out (bot audio non-silent)", "disconnect",
    }  # fmt: skip


@pytest.mark.parametrize("transport", ["webrtc", "websocket"])
def test_runner_client_page(page_bundle, mic_wav, runner_process, transport):
    server = runner_process(str(ECHO_BOT), "-t", transport)
    result = _node(
        "own_page.mjs", "--runner", f"http://localhost:{server.port}", "--wav", str(mic_wav)
    )
    assert result["ok"], json.dumps(result["checks"], indent=1) + server.log()
