"""Helpers shared by the runner tests (a uniquely named module: conftest is not importable)."""

import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
ECHO_BOT = REPO / "examples" / "echo_bot.py"
VOXPIPE = Path(sys.executable).with_name("voxpipe")


def voice(secs: float, rate: int, f0: float = 140.0, amp: float = 0.3) -> np.ndarray:
    """A buzzy, amplitude-modulated tone that passes browser noise suppression like speech."""
    t = np.arange(int(secs * rate)) / rate
    sig = sum((1.0 / k) * np.sin(2 * np.pi * f0 * k * t) for k in range(1, 12))
    env = np.sin(np.pi * t / secs) ** 0.5
    return amp * sig / np.max(np.abs(sig)) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)) * env


def write_wav(
    path: Path, samples: np.ndarray, rate: int, channels: int = 1, width: int = 2
) -> Path:
    data = np.repeat(samples[:, None], channels, axis=1) if channels > 1 else samples
    if width == 1:
        raw = (np.clip(data, -1, 1) * 127 + 128).astype(np.uint8).tobytes()
    elif width == 2:
        raw = (np.clip(data, -1, 1) * 32767).astype("<i2").tobytes()
    elif width == 3:
        ints = (np.clip(data, -1, 1) * 8388607).astype("<i4").reshape(-1)
        raw = b"".join(int(v & 0xFFFFFF).to_bytes(3, "little") for v in ints)
    else:
        raw = (np.clip(data, -1, 1) * 2147483647).astype("<i4").tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(raw)
    return path


def read_pcm(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(
            np.float64
        ), w.getframerate()


def loud_span(pcm: np.ndarray, rate: int, threshold: float = 300.0) -> tuple[float, float] | None:
    win = int(0.02 * rate)
    loud = [
        i
        for i in range(0, len(pcm) - win, win)
        if math.sqrt(np.mean(pcm[i : i + win] ** 2)) > threshold
    ]
    return (loud[0] / rate, loud[-1] / rate) if loud else None


class RunnerProcess:
    """`voxpipe run` in a subprocess on a free port; stopped (bounded) at the end."""

    def __init__(self, *args: str, cwd: Path | None = None) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        fd, name = tempfile.mkstemp(prefix="voxpipe-runner-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)
        self._log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(VOXPIPE), "run", *args, "--port", str(self.port)],
            stdout=self._log, stderr=subprocess.STDOUT, cwd=cwd or REPO,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"runner exited: {self.log()}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise TimeoutError(f"runner not listening after {timeout}s: {self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text()

    def stop(self) -> int:
        if hasattr(self, "last_log"):
            return self.proc.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(2)  # Ctrl-C: the server shuts down and cancels bots
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()
        self.last_log = self.log_path.read_text()
        self.log_path.unlink(missing_ok=True)
        return self.proc.returncode

