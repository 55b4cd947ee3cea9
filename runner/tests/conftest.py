"""Fixtures for the runner tests; helpers live in runner_support."""

from pathlib import Path

import numpy as np
import pytest

from runner_support import *  # noqa: F403
from runner_support import ECHO_BOT, REPO, RunnerProcess, VOXPIPE, loud_span, read_pcm, voice, write_wav  # noqa: F401


@pytest.fixture
def question_wav(tmp_path: Path) -> Path:
    rate = 44100
    x = np.concatenate([np.zeros(int(0.3 * rate)), voice(1.0, rate), np.zeros(int(0.2 * rate))])
    return write_wav(tmp_path / "question.wav", x, rate, channels=2)


@pytest.fixture
def runner_process():
    started: list[RunnerProcess] = []

    def start(*args: str, cwd: Path | None = None) -> RunnerProcess:
        r = RunnerProcess(*args, cwd=cwd)
        started.append(r)
        r.wait_ready()
        return r

    yield start
    for r in started:
        r.stop()
