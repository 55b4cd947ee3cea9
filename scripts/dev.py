#!/usr/bin/env python3
"""Bootstrap and run voxpipe from a fresh clone with nothing but python3 (>= 3.10).

    python3 scripts/dev.py demo      # install what the demo needs, start the offline voice bot
    python3 scripts/dev.py test      # install the workspace, run the test suite
    python3 scripts/dev.py test -- -k scheduler   # extra pytest arguments after --

The first run creates ``.tools/`` (a private venv holding uv, from PyPI) and
``.venv/`` (the workspace, from the committed ``uv.lock``). Later runs reuse
them. Nothing is installed outside the clone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
VENV = ROOT / ".venv"
BIN = "Scripts" if os.name == "nt" else "bin"


def _say(msg: str) -> None:
    print(f"[voxpipe] {msg}", flush=True)


def _run(cmd: list[str], **kw: object) -> int:
    return subprocess.call(cmd, cwd=ROOT, **kw)  # type: ignore[arg-type]


def ensure_uv() -> str:
    """Path of a uv executable: on PATH, or installed into .tools/ from PyPI."""
    found = shutil.which("uv")
    if found:
        return found
    uv = TOOLS / BIN / "uv"
    if uv.exists():
        return str(uv)
    _say("installing uv into .tools/ (one time)")
    venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
    pip = [str(TOOLS / BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if _run([*pip, "uv>=0.5"]) != 0:
        sys.exit("[voxpipe] could not install uv from PyPI; check your network or pip configuration")
    return str(uv)


def sync(uv: str, *extra: str) -> None:
    """Create/refresh .venv from uv.lock with the interpreter running this script."""
    _say("syncing .venv from uv.lock")
    cmd = [uv, "sync", "--frozen", "--python", sys.executable, *extra]
    if _run(cmd) != 0:
        sys.exit("[voxpipe] 'uv sync' failed; see the messages above")


def python() -> str:
    return str(VENV / BIN / "python")


def ensure_models() -> None:
    """Fill the model cache with the weights that are data, not wheels (smart-turn).

    Best effort: without them the bot falls back to a silence timeout and the
    tests that need them skip with a reason.
    """
    voxpipe = str(VENV / BIN / "voxpipe")
    probe = subprocess.run([voxpipe, "models", "path", "smart-turn"], cwd=ROOT, capture_output=True)
    if probe.returncode == 0:
        return
    _say("fetching the smart-turn model (8.7 MB, checked by sha256; one time)")
    if _run([voxpipe, "models", "pull", "smart-turn"]) != 0:
        _say("could not fetch smart-turn; continuing without it")


def cmd_demo(args: argparse.Namespace) -> int:
    uv = ensure_uv()
    sync(uv)
    ensure_models()
    bot = args.bot or str(ROOT / "examples" / "voice_bot.py")
    _say(f"running {os.path.relpath(bot, ROOT)} (Ctrl-C to stop)")
    return _run([python(), bot, *[a for a in args.rest if a != "--"]])


def cmd_test(args: argparse.Namespace) -> int:
    uv = ensure_uv()
    sync(uv)
    ensure_models()
    marker = [] if args.all else ["-m", "not slow"]
    rest = [a for a in args.rest if a != "--"]
    code = _run([python(), "-m", "pytest", *marker, *rest])
    if code == 5:  # pytest: no tests collected
        _say("pytest collected no tests")
        return 1
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/dev.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="install and run the demo bot (the offline voice bot)")
    demo.add_argument("--bot", help="bot file to run instead of the default demo")
    demo.add_argument("rest", nargs=argparse.REMAINDER, help="arguments for the bot")
    demo.set_defaults(func=cmd_demo)
    test = sub.add_parser("test", help="install and run the tests (slow suites excluded)")
    test.add_argument("--all", action="store_true", help="include suites marked slow")
    test.add_argument("rest", nargs=argparse.REMAINDER, help="extra pytest arguments after --")
    test.set_defaults(func=cmd_test)
    args = parser.parse_args(argv)
    if sys.version_info < (3, 10):  # noqa: UP036 - runs under whatever python3 the user has
        sys.exit("[voxpipe] Python 3.10 or newer is required")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
