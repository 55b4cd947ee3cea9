"""``voxpipe models``: list, locate, pull and remove local model weights.

Written so any model plugin can add targets without touching this command:
a distribution declares an entry point in the ``voxpipe.models`` group whose
value is a :class:`ModelTarget` (or a zero-argument callable returning one)::

    [project.entry-points."voxpipe.models"]
    smart-turn = "voxpipe_smart_turn.target:TARGET"

``voxpipe models pull NAME`` then runs that target's ``pull``, with any extra
arguments its ``configure`` added. Loading an entry point imports its module,
so target modules must stay light (no numpy, no ML runtime at import).

The command belongs in the kernel once a second model plugin exists; it lives
here until then and only needs :class:`ModelTarget` and the entry-point group.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

from voxpipe.errors import ConfigurationError
from voxpipe.plugins import CliCommand

__all__ = ["ENTRY_POINT_GROUP", "ModelTarget", "command", "model_targets"]

ENTRY_POINT_GROUP = "voxpipe.models"


@dataclass(frozen=True)
class ModelTarget:
    """Weights ``voxpipe models`` can fetch.

    Attributes:
        name: The word after ``pull`` (``smart-turn``).
        description: One line for ``voxpipe models list``.
        license: SPDX id of the weights.
        locate: Returns the installed file, or None when it is not there.
        pull: Fetches it from the parsed arguments; returns the installed path.
        remove: Deletes it; returns whether anything was removed.
        configure: Adds the target's own ``pull`` options.
    """

    name: str
    description: str
    license: str
    locate: Callable[[], Path | None]
    pull: Callable[[argparse.Namespace], Path]
    remove: Callable[[], bool] | None = None
    configure: Callable[[argparse.ArgumentParser], None] = field(default=lambda parser: None)


def model_targets() -> dict[str, ModelTarget]:
    """Every installed target by name; a broken entry point is reported on stderr and skipped."""
    targets: dict[str, ModelTarget] = {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            obj = ep.load()
            target = obj() if callable(obj) and not isinstance(obj, ModelTarget) else obj
        except Exception as exc:  # one bad plugin must not break the command
            print(f"voxpipe models: skipping {ep.name} ({ep.value}): {exc}", file=sys.stderr)
            continue
        if not isinstance(target, ModelTarget) or target.name in targets:
            print(f"voxpipe models: skipping {ep.name}: not a ModelTarget or a duplicate name",
                  file=sys.stderr)
            continue
        targets[target.name] = target
    return targets


def _configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="models_action", metavar="ACTION")
    sub.add_parser("list", help="list model targets and whether each is installed")
    for action, text in (("path", "print the installed file"), ("remove", "delete the cached copy")):
        p = sub.add_parser(action, help=text)
        p.add_argument("name", help="model target name")
    pull = sub.add_parser("pull", help="download and verify model weights into the cache")
    targets = pull.add_subparsers(dest="models_target", metavar="NAME")
    for target in model_targets().values():
        target.configure(targets.add_parser(target.name, help=target.description))


def _run(args: argparse.Namespace) -> int:
    action = getattr(args, "models_action", None)
    targets = model_targets()
    if action in (None, "list"):
        if not targets:
            print("no model targets installed (install voxpipe-smart-turn, for example)")
            return 0
        for target in targets.values():
            path = target.locate()
            state = str(path) if path else "not installed"
            print(f"{target.name:<16} {target.license:<14} {state}\n{'':<16} {target.description}")
        return 0
    name = getattr(args, "models_target", None) if action == "pull" else args.name
    if not name:
        raise ConfigurationError(f"voxpipe models {action}: name a target ({', '.join(targets)})")
    target = targets.get(name)
    if target is None:
        raise ConfigurationError(f"unknown model target {name!r}; installed: {', '.join(targets) or 'none'}")
    if action == "pull":
        print(target.pull(args))
        return 0
    if action == "path":
        path = target.locate()
        if path is None:
            print(f"{name} is not installed: run `voxpipe models pull {name}`", file=sys.stderr)
            return 1
        print(path)
        return 0
    if target.remove is None:
        raise ConfigurationError(f"{name} cannot be removed by voxpipe")
    print("removed" if target.remove() else "nothing to remove")
    return 0


def command() -> CliCommand:
    """The ``voxpipe models`` subcommand."""
    return CliCommand(name="models", help="list, pull and locate local model weights",
                      configure=_configure, run=_run)
