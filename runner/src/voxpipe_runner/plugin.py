"""voxpipe plugin hooks of voxpipe-runner: the ``voxpipe run`` command (nothing heavy imported)."""

from __future__ import annotations

import argparse

from voxpipe.plugins import CliCommand, PluginManifest, hookimpl

from voxpipe_runner import __version__

__all__ = ["voxpipe_cli_commands", "voxpipe_plugin_manifest"]


def _configure(parser: argparse.ArgumentParser) -> None:
    from voxpipe.runner._args import add_runner_arguments

    parser.add_argument("bot_file", metavar="BOT.py", help="the bot file (defines async def bot)")
    add_runner_arguments(parser)
    parser.epilog = (
        "Examples: voxpipe run bot.py  |  voxpipe run bot.py -t websocket  |  "
        "voxpipe run bot.py -t file --input question.wav --output answer.wav"
    )


def _run(args: argparse.Namespace) -> int:
    from voxpipe.runner.run import cli_run

    return cli_run(args)


@hookimpl
def voxpipe_plugin_manifest() -> PluginManifest:
    """No services: the runner contributes a command and the file transport."""
    return PluginManifest(
        name="runner",
        distribution="voxpipe-runner",
        version=__version__,
        plugin_api=1,
        services=[],
        license="BSD-2-Clause",
        description="Development runner: voxpipe run bot.py (WebRTC, WebSocket, WAV files)",
    )


@hookimpl
def voxpipe_cli_commands() -> list[CliCommand]:
    """Contribute ``voxpipe run``."""
    return [
        CliCommand(
            name="run",
            help="serve a bot for development (browser page, WebSocket or WAV files)",
            configure=_configure,
            run=_run,
        )
    ]
