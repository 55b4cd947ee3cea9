import pathlib
import wave

import numpy as np
import pytest

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def load_wav(name: str) -> np.ndarray:
    with wave.open(str(FIXTURES / f"{name}.wav")) as wf:
        assert wf.getframerate() == 16000
        return np.frombuffer(wf.readframes(wf.getnframes()), "<i2").astype(np.float32) / 32768


@pytest.fixture(scope="session")
def model_path() -> pathlib.Path:
    """The real weights, or skip: CI fills the cache with `voxpipe models pull smart-turn`."""
    from voxpipe_smart_turn.model import SmartTurnModelNotFoundError, resolve_model_path

    try:
        return resolve_model_path()
    except SmartTurnModelNotFoundError as exc:
        pytest.skip(f"smart-turn weights not installed ({exc})")


@pytest.fixture(scope="session")
def wav():
    """Load a fixture clip by name as float32 16 kHz."""
    return load_wav
