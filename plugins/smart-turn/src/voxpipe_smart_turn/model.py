"""Where the smart-turn v3 weights come from and where they are found.

The weights (``smart-turn-v3.2-cpu.onnx``, 8.7 MB, BSD-2-Clause, by Daily) are
data, not part of this distribution. They are resolved at run time, first hit
wins:

1. the analyzer's ``smart_turn_model_path`` (or ``model_path``) argument;
2. the ``VOXPIPE_SMART_TURN_MODEL`` environment variable;
3. the voxpipe model cache: ``$VOXPIPE_CACHE_DIR/models/smart-turn/``, else
   ``$XDG_CACHE_HOME/voxpipe/models/smart-turn/``, else
   ``~/.cache/voxpipe/models/smart-turn/``.

``voxpipe models pull smart-turn`` fills the cache (see :mod:`voxpipe_smart_turn.pull`).
Importing this module is cheap: no numpy, no onnxruntime.
"""

from __future__ import annotations

import os
from pathlib import Path

from voxpipe.errors import ConfigurationError

__all__ = [
    "ENV_MODEL",
    "MODEL_FILENAME",
    "MODEL_SHA256",
    "SmartTurnModelNotFoundError",
    "cache_dir",
    "cached_model_path",
    "resolve_model_path",
]

ENV_MODEL = "VOXPIPE_SMART_TURN_MODEL"
ENV_CACHE = "VOXPIPE_CACHE_DIR"

MODEL_FILENAME = "smart-turn-v3.2-cpu.onnx"
#: sha256 of ``smart-turn-v3.2-cpu.onnx`` as shipped in pipecat-ai 1.14.0.
MODEL_SHA256 = "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f"
MODEL_SIZE = 8_679_182
MODEL_LICENSE = "BSD-2-Clause"

#: Where ``voxpipe models pull smart-turn`` takes the weights from.
SOURCE_DISTRIBUTION = "pipecat-ai"
SOURCE_VERSION = "1.14.0"
SOURCE_WHEEL = "pipecat_ai-1.14.0-py3-none-any.whl"
SOURCE_WHEEL_SHA256 = "0352f504b44e78bdf524e45af4bc759601c835b9b7dc195efe5e03384b974a44"
SOURCE_MEMBER = "pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx"
SOURCE_LICENSE_MEMBER = "pipecat_ai-1.14.0.dist-info/licenses/LICENSE"

PULL_HINT = "voxpipe models pull smart-turn"


class SmartTurnModelNotFoundError(ConfigurationError, FileNotFoundError):
    """The smart-turn weights are not where they were looked for; the message says how to get them."""


def cache_root() -> Path:
    """The voxpipe cache directory (``$VOXPIPE_CACHE_DIR``, else the XDG cache)."""
    explicit = os.environ.get(ENV_CACHE)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "voxpipe"


def cache_dir() -> Path:
    """Directory the pull command writes the smart-turn weights to."""
    return cache_root() / "models" / "smart-turn"


def cached_model_path() -> Path:
    """Where the cached weights live (whether or not they are there yet)."""
    return cache_dir() / MODEL_FILENAME


def resolve_model_path(model_path: str | os.PathLike[str] | None = None) -> Path:
    """Find the weights: the argument, then ``$VOXPIPE_SMART_TURN_MODEL``, then the cache.

    Raises:
        SmartTurnModelNotFoundError: The chosen location holds no file; the
            message names what was tried and the pull command.
    """
    if model_path:
        path = Path(model_path).expanduser()
        if not path.is_file():
            raise SmartTurnModelNotFoundError(f"smart-turn model file not found: {path}")
        return path
    env = os.environ.get(ENV_MODEL)
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise SmartTurnModelNotFoundError(
                f"{ENV_MODEL}={env} does not name a file; fix it or unset it to use the cache "
                f"(fill the cache with `{PULL_HINT}`)"
            )
        return path
    path = cached_model_path()
    if path.is_file():
        return path
    raise SmartTurnModelNotFoundError(
        f"the smart-turn v3 model is not installed: run `{PULL_HINT}` (offline: "
        f"`{PULL_HINT} --from-wheel {SOURCE_WHEEL}`), or pass smart_turn_model_path= "
        f"or set {ENV_MODEL}. Looked in {path}"
    )
