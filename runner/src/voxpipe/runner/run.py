"""``voxpipe run bot.py`` and ``python bot.py``: serve a bot for development.

A bot file defines ``async def bot(runner_args)`` and may end with::

    if __name__ == "__main__":
        from voxpipe.runner.run import main

        main()

Then ``python bot.py`` and ``voxpipe run bot.py`` do the same thing: load
``.env``, set ``ENV=local``, start a web server on ``http://localhost:7860``
and print the page to open (``/client/``), where a person talks to the bot
with a microphone. Each browser connection runs ``bot()`` once.

Flags: ``--host`` (``localhost``, bound as 127.0.0.1), ``--port`` (7860),
``-t/--transport`` (``webrtc`` | ``websocket``/``ws`` | ``file`` | ``daily`` |
``twilio`` | ``telnyx`` | ``plivo`` | ``exotel``), ``-x/--proxy`` (public host
for telephony webhooks), ``-f/--folder`` (served at ``/files/``), ``--esp32``,
``-d/--direct`` and ``--dialin`` (Daily), ``-v/--verbose``; for ``-t file``:
``--input`` and ``--output`` WAVs, ``--fast``, ``--trailing-silence``,
``--end-quiet`` and ``--max-wait``.

Finding ``bot``: an attribute of ``__main__`` (``python bot.py``), else the
module ``bot`` on the path, else the first ``*.py`` in the current directory
(except ``server.py``) that defines it. ``voxpipe run FILE`` loads FILE.

Importing this module sets ``os.environ["ENV"] = "local"``: production code
can test ``os.getenv("ENV") != "local"``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import inspect
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from voxpipe.errors import VoxpipeError
from voxpipe.runner._args import add_runner_arguments

os.environ["ENV"] = "local"

__all__ = ["add_runner_arguments", "find_bot", "load_bot_file", "main", "run_bot"]

logger = logging.getLogger("voxpipe")

#: Transports this runner cannot serve itself, and the plugin each needs.
NEEDS_PLUGIN = {"daily": "voxpipe-daily", "livekit": "voxpipe-livekit"}
TELEPHONY = ("twilio", "telnyx", "plivo", "exotel")


class RunnerError(VoxpipeError):
    """A runner problem the user can fix (bad flags, no bot, missing plugin)."""


# -- finding the bot ------------------------------------------------------------------------------


def _bot_of(module: Any) -> Callable[..., Any] | None:
    fn = getattr(module, "bot", None)
    return fn if callable(fn) else None


def load_bot_file(path: str | Path) -> Callable[..., Any]:
    """Import the file at ``path`` (its folder first on ``sys.path``) and return its ``bot``.

    Raises:
        RunnerError: No such file, or it defines no ``bot``.
    """
    file = Path(path).resolve()
    if not file.is_file():
        raise RunnerError(f"no bot file {path}")
    folder = str(file.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = file.stem if file.stem not in sys.modules else f"_voxpipe_bot_{file.stem}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise RunnerError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    bot = _bot_of(module)
    if bot is None:
        raise RunnerError(f"{path} defines no bot(): add `async def bot(runner_args): ...`")
    return bot


def find_bot() -> Callable[..., Any]:
    """Find ``bot`` as documented: ``__main__``, then ``import bot``, then ``./*.py``.

    Raises:
        ImportError: None of the three has a ``bot`` function.
    """
    main_module = sys.modules.get("__main__")
    bot = _bot_of(main_module)
    if bot is not None:
        return bot
    try:
        bot = _bot_of(importlib.import_module("bot"))
    except ImportError:
        bot = None
    if bot is not None:
        return bot
    main_file = getattr(main_module, "__file__", None)
    running = Path(main_file).resolve() if main_file else None
    for file in sorted(Path.cwd().glob("*.py")):
        if file.name == "server.py" or file.resolve() == running:
            continue
        try:
            return load_bot_file(file)
        except RunnerError:
            continue
        except Exception as exc:  # noqa: BLE001 - a broken file must not hide the others
            logger.debug("skipping %s: %s", file, exc)
    raise ImportError(
        "Could not find 'bot' function: define `async def bot(runner_args)` in the file you run, "
        "in bot.py, or in a .py file in the current directory"
    )


# -- running ---------------------------------------------------------------------------------------


def _setup_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose else logging.INFO
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    logging.getLogger("voxpipe").setLevel(level)
    if verbose < 2:
        for noisy in ("aioice", "aiortc", "uvicorn.access"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


def _load_env(bot_file: str | None) -> None:
    from dotenv import load_dotenv

    load_dotenv(Path.cwd() / ".env", override=False)
    if bot_file:
        load_dotenv(Path(bot_file).resolve().parent / ".env", override=False)
    os.environ["ENV"] = "local"


def _check_args(args: argparse.Namespace) -> None:
    t = args.transport
    if args.direct and t not in ("webrtc", "daily"):
        raise RunnerError("-d/--direct joins a Daily room: it cannot be used with -t " + t)
    if args.direct or args.dialin or t in NEEDS_PLUGIN:
        plugin = NEEDS_PLUGIN.get(t, "voxpipe-daily")
        raise RunnerError(
            f"-t {'daily' if args.direct or args.dialin else t} needs the {plugin} plugin, "
            f"which the development runner does not serve yet (pip install {plugin}); "
            "use -t webrtc, -t websocket or -t file"
        )
    if args.whatsapp:
        raise RunnerError("--whatsapp is not served by voxpipe-runner yet; use -t webrtc")
    if args.esp32 and args.host in ("localhost", "127.0.0.1"):
        raise RunnerError("--esp32 needs --host set to the address the device reaches")
    if t in TELEPHONY:
        from voxpipe.runner.utils import PLUGINS

        if not _has_module(PLUGINS[t][1]):
            raise RunnerError(
                f"-t {t} needs the {PLUGINS[t][0]} plugin: pip install {PLUGINS[t][0]}"
            )
        if not args.proxy:
            raise RunnerError(f"-t {t} needs -x/--proxy: the public hostname the provider reaches")
        args.proxy = args.proxy.removeprefix("https://").removeprefix("http://").rstrip("/")
    if t == "file":
        if not args.input or not args.output:
            raise RunnerError("-t file needs --input IN.wav and --output OUT.wav")
        if not Path(args.input).is_file():
            raise RunnerError(f"--input {args.input}: no such file")
    elif args.input or args.output:
        raise RunnerError("--input/--output are for -t file")


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def run_bot(
    bot: Callable[..., Any], args: argparse.Namespace, *, bot_file: str | None = None
) -> int:
    """Serve ``bot`` as ``args`` say and return the exit status.

    Raises:
        RunnerError: Bad flags or a missing plugin (the message says what to do).
    """
    _setup_logging(args.verbose)
    _check_args(args)
    if not inspect.iscoroutinefunction(bot):
        raise RunnerError("bot must be an async function: `async def bot(runner_args): ...`")
    if args.transport == "file":
        return _run_file(bot, args)
    return _serve(bot, args)


def _run_file(bot: Callable[..., Any], args: argparse.Namespace) -> int:
    from voxpipe.runner.file_transport import read_wav
    from voxpipe.runner.types import FileRunnerArguments

    try:
        samples, rate = read_wav(args.input)
    except ValueError as exc:
        raise RunnerError(str(exc)) from None
    speed = 8.0 if args.fast else 1.0
    runner_args = FileRunnerArguments(
        input_path=args.input,
        output_path=args.output,
        speed=speed,
        trailing_silence_secs=args.trailing_silence,
        end_quiet_secs=args.end_quiet,
        max_wait_secs=args.max_wait,
        cli_args=args,
    )
    # Everything the run may take, plus slack for start-up (models loading ...).
    budget = (len(samples) / rate + args.trailing_silence + args.max_wait + args.end_quiet) / speed
    budget += 120.0

    async def go() -> int:
        try:
            await asyncio.wait_for(bot(runner_args), budget)
        except asyncio.TimeoutError:
            logger.error("the bot did not finish within %.0fs; stopped", budget)
            return 1
        return 0

    print(
        f"voxpipe runner: playing {args.input} to the bot, recording to {args.output}", flush=True
    )
    code = asyncio.run(go())
    if code == 0 and not Path(args.output).is_file():
        logger.error("the bot did not use the file transport: %s was not written", args.output)
        return 1
    return code


def _serve(bot: Callable[..., Any], args: argparse.Namespace) -> int:
    import uvicorn

    from voxpipe.runner.server import create_app

    try:
        app = create_app(bot, args)
    except ModuleNotFoundError as exc:
        raise RunnerError(str(exc)) from None
    bind = "127.0.0.1" if args.host == "localhost" else args.host
    config = uvicorn.Config(
        app,
        host=bind,
        port=args.port,
        log_level="info" if args.verbose else "warning",
        ws_max_size=1 << 20,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=5,
        limit_concurrency=200,
        lifespan="on",
    )
    server = _Server(config, args)
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after shutting down gracefully
        pass
    return 0 if server.started else 1


class _Server:
    """uvicorn's server, printing the page to open once the socket is bound."""

    def __init__(self, config: Any, args: argparse.Namespace) -> None:
        import uvicorn

        args_ref = args

        class Server(uvicorn.Server):
            async def startup(self, sockets: Any = None) -> None:
                await super().startup(sockets=sockets)
                if self.started:
                    port = args_ref.port
                    for srv in getattr(self, "servers", []):
                        for sock in srv.sockets:
                            port = sock.getsockname()[1]
                    _announce(args_ref, port)

        self._server = Server(config)

    @property
    def started(self) -> bool:
        return bool(self._server.started)

    def run(self) -> None:
        self._server.run()


def _announce(args: argparse.Namespace, port: int) -> None:
    host = args.host
    t = "websocket" if args.transport == "ws" else args.transport
    base = f"http://{host}:{port}"
    lines = [f"voxpipe runner: serving the bot over {t} on {base}"]
    if t == "webrtc":
        lines.append(f"Open {base}/client/ in your browser to talk to the bot.")
    elif t == "websocket":
        lines.append(f"Open {base}/client/ in your browser to talk to the bot,")
        lines.append(f"or connect a Pipecat WebSocket client (protobuf) to ws://{host}:{port}/ws")
    else:
        lines.append(f"Point your {t} number's webhook at https://{args.proxy}/")
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


def main(
    parser: argparse.ArgumentParser | None = None, *, argv: Sequence[str] | None = None
) -> None:
    """Run the bot of the calling script (``python bot.py [flags]``).

    Args:
        parser: A parser with the bot's own arguments; the runner adds its
            flags to it, and the bot finds everything in ``runner_args.cli_args``.
        argv: Arguments to parse instead of ``sys.argv[1:]``.

    Exits with the runner's status (0 when it stopped cleanly).
    """
    parser = parser or argparse.ArgumentParser(description="voxpipe development runner")
    add_runner_arguments(parser)
    args = parser.parse_args(argv)
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    _load_env(main_file)
    try:
        bot = find_bot()
        code = run_bot(bot, args, bot_file=main_file)
    except (RunnerError, ImportError) as exc:
        print(f"voxpipe runner: error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    if code:
        raise SystemExit(code)


def cli_run(args: argparse.Namespace) -> int:
    """``voxpipe run FILE [flags]``: load FILE's ``bot`` and serve it."""
    _load_env(args.bot_file)
    bot = load_bot_file(args.bot_file)
    return run_bot(bot, args, bot_file=args.bot_file)
