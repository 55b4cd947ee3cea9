"""Entry point of the ``voxpipe`` command.

``voxpipe plugins ...`` is built in; every other subcommand (``conformance``,
later ``run``, ``models`` ...) comes from a plugin's ``voxpipe_cli_commands``
hook. Failures the user can fix print one line to stderr and exit 2; a
traceback appears only with ``--debug`` or ``VOXPIPE_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from voxpipe.plugins.manager import PluginManager

__all__ = ["BUILTIN_COMMANDS", "main"]

BUILTIN_COMMANDS = ("plugins",)
"""Subcommand names plugins cannot take."""


def _build_parser(
    manager: PluginManager, stdout: TextIO, stderr: TextIO
) -> argparse.ArgumentParser:
    from voxpipe import __version__
    from voxpipe.cli import plugins_cmd

    parser = argparse.ArgumentParser(
        prog="voxpipe",
        description="voxpipe: real-time voice and multimodal AI agents.",
        epilog="Plugins add subcommands; `voxpipe plugins list` shows what is installed.",
    )
    parser.add_argument("--version", action="version", version=f"voxpipe {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks (same as VOXPIPE_DEBUG=1)"
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    plugins_cmd.configure(subparsers)
    for loaded, command in manager.cli_commands(reserved=BUILTIN_COMMANDS):
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        sub.set_defaults(_plugin_run=command.run, _plugin=loaded)
        try:
            command.configure(sub)
        except Exception as exc:  # noqa: BLE001 - one plugin must not break the CLI
            message = f"configuring `voxpipe {command.name}` failed: {type(exc).__name__}: {exc}"
            manager.add_problem(loaded, "voxpipe_cli_commands", message)
            sub.set_defaults(_broken=f"{loaded.distribution}: {message}")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    manager: PluginManager | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the ``voxpipe`` command and return its exit status.

    Args:
        argv: Arguments without the program name; defaults to ``sys.argv[1:]``.
        manager: Plugin manager to use; defaults to the process-wide one.
        stdout: Where output goes; defaults to ``sys.stdout``.
        stderr: Where errors go; defaults to ``sys.stderr``.

    Returns:
        0 on success, 1 when a check found problems, 2 on a usage or user-fixable
        error, 130 when interrupted.
    """
    from voxpipe.errors import VoxpipeError

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list or os.environ.get("VOXPIPE_DEBUG", "") not in ("", "0")
    try:
        if manager is None:
            from voxpipe.plugins.manager import get_plugin_manager

            manager = get_plugin_manager()
        parser = _build_parser(manager, stdout, stderr)
        try:
            old_out, old_err = sys.stdout, sys.stderr
            sys.stdout, sys.stderr = stdout, stderr  # argparse prints help and usage there
            try:
                args = parser.parse_args(args_list)
            finally:
                sys.stdout, sys.stderr = old_out, old_err
        except SystemExit as exc:  # --help, --version and usage errors
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        if getattr(args, "_broken", None):
            stderr.write(f"voxpipe: error: {args._broken}\n")
            return 2
        if hasattr(args, "_plugin_run"):
            return _run_plugin_command(args, stderr, debug)
        if hasattr(args, "_builtin"):
            from voxpipe.cli.plugins_cmd import Context

            return int(args._builtin(args, Context(manager, stdout, stderr)))
        parser.print_help(stdout)
        return 0
    except KeyboardInterrupt:
        stderr.write("voxpipe: interrupted\n")
        return 130
    except VoxpipeError as exc:
        if debug:
            traceback.print_exc(file=stderr)
        stderr.write(f"voxpipe: error: {exc}\n")
        return 2
    except Exception as exc:  # noqa: BLE001 - never show a bare traceback
        if debug:
            traceback.print_exc(file=stderr)
        stderr.write(
            f"voxpipe: internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for the traceback)\n"
        )
        return 2


def _run_plugin_command(args: argparse.Namespace, stderr: TextIO, debug: bool) -> int:
    from voxpipe.errors import VoxpipeError

    loaded = args._plugin
    try:
        code = args._plugin_run(args)
    except (KeyboardInterrupt, VoxpipeError):
        raise
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:  # noqa: BLE001 - report the plugin, not a traceback
        if debug:
            traceback.print_exc(file=stderr)
        stderr.write(
            f"voxpipe: error in {loaded.distribution} {loaded.version}: "
            f"{type(exc).__name__}: {exc} (rerun with --debug for the traceback)\n"
        )
        return 2
    return 0 if code is None else int(code)


if __name__ == "__main__":
    raise SystemExit(main())
