"""The voxpipe command, run in-process through main() and once as a real process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from voxpipe import __version__
from voxpipe.plugins import PluginManager

SERVICES = [("acme_stt", "stt", None), ("acme_tts", "tts", None)]


def run(argv, manager=None):
    out, err = io.StringIO(), io.StringIO()
    code = __import__("voxpipe.cli.main", fromlist=["main"]).main(
        argv, manager=manager, stdout=out, stderr=err
    )
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def installed(dists, monkeypatch):
    """acme (two services, one importable) and a broken plugin; nothing else loads."""
    good = dists.service_module("acme_stt", "AcmeSTT")
    broken = dists.module("acme_tts", "import voxpipe_missing_sdk\n")
    dists.plugin(
        "acme",
        version="1.2.0",
        services=[("acme_stt", "stt", good), ("acme_tts", "tts", f"{broken}:AcmeTTS")],
    )
    dists.module("broken_plugin", "raise RuntimeError('plugin exploded')\n")
    dists.dist("voxpipe-broken", {"broken": f"{dists.prefix}broken_plugin"}, "0.1.0")
    monkeypatch.setenv("VOXPIPE_PLUGINS", "acme,broken")
    return dists


def test_plugins_list_prints_a_table_and_the_problems(installed):
    code, out, err = run(["plugins", "list"])
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["PLUGIN", "DISTRIBUTION", "VERSION", "API", "KINDS", "SERVICES", "CONFORMANCE"]
    assert lines[1].split() == [
        "acme",
        "voxpipe-acme",
        "1.2.0",
        "1",
        "stt,tts",
        "acme_stt",
        "acme_tts",
        "not",
        "run",
    ]
    assert lines[0].index("DISTRIBUTION") == lines[1].index("voxpipe-acme")  # aligned columns
    assert "Problems:" in out
    assert (
        "voxpipe-broken (broken): could not import the plugin: RuntimeError: plugin exploded" in out
    )
    assert "run `voxpipe plugins check`" in out


def test_plugins_list_json(installed):
    code, out, _ = run(["plugins", "list", "--json"])
    data = json.loads(out)
    assert code == 0 and data["plugin_api"] == 1
    [acme] = data["plugins"]
    assert (acme["name"], acme["distribution"], acme["version"]) == (
        "acme",
        "voxpipe-acme",
        "1.2.0",
    )
    assert [s["id"] for s in acme["services"]] == ["acme_stt", "acme_tts"]
    assert acme["services"][0]["env_vars"] == ["ACME_STT_KEY"]
    [problem] = data["problems"]
    assert (problem["distribution"], problem["entry_point"], problem["phase"]) == (
        "voxpipe-broken", "broken", "import",
    )  # fmt: skip


def test_plugins_list_reports_disabled_plugins(installed, monkeypatch):
    monkeypatch.setenv("VOXPIPE_DISABLE_PLUGINS", "broken")
    code, out, _ = run(["plugins", "list"])
    assert code == 0
    assert "Disabled:\n  voxpipe-broken (broken): listed in VOXPIPE_DISABLE_PLUGINS" in out


def test_plugins_show(installed, monkeypatch):
    monkeypatch.setenv("ACME_STT_KEY", "secret-value")
    monkeypatch.delenv("ACME_TTS_KEY", raising=False)
    code, out, _ = run(["plugins", "show", "voxpipe-acme"])
    assert code == 0
    assert "Distribution  voxpipe-acme 1.2.0" in out
    assert "Docs          https://example.org/acme" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("acme_")}
    assert "ACME_STT_KEY " in rows["acme_stt"] + " " and "(unset)" not in rows["acme_stt"]
    assert "ACME_TTS_KEY (unset)" in rows["acme_tts"]
    assert "secret-value" not in out
    code, out, _ = run(["plugins", "show", "acme", "--json"])
    data = json.loads(out)
    assert data["license"] == "MIT" and data["commands"] == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "deepgram",
            "voxpipe: error: voxpipe-deepgram is not installed: pip install voxpipe-deepgram\n",
        ),
        ("broken", "voxpipe: error: voxpipe-broken is installed but failed: could not import"),
        ("nothing-here", "voxpipe: error: no plugin named 'nothing-here' is installed"),
    ],
)
def test_plugins_show_errors_are_one_line_and_exit_2(installed, name, message):
    code, out, err = run(["plugins", "show", name])
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_plugins_check_fails_on_problems(installed):
    code, out, _ = run(["plugins", "check"])
    assert code == 1
    assert "voxpipe-acme 1.2.0 (acme): FAILED" in out
    assert "acme_stt (stt): ok [unset: ACME_STT_KEY]" in out
    assert "acme_tts (tts): FAILED: acme_tts: cannot import" in out
    assert "voxpipe_missing_sdk" in out
    code, out, _ = run(["plugins", "check", "--json", "--verbose"])
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    services = {s["id"]: s for s in data["plugins"][0]["services"]}
    assert services["acme_stt"]["ok"] and not services["acme_tts"]["ok"]
    assert "Traceback" in data["problems"][0]["traceback"]


def test_plugins_check_passes_when_everything_imports(dists, monkeypatch):
    good = dists.service_module("fine_vad", "FineVAD")
    dists.plugin("fine", services=[("fine_vad", "vad", good)])
    monkeypatch.setenv("VOXPIPE_PLUGINS", "fine")
    code, out, _ = run(["plugins", "check"])
    assert code == 0, out
    assert out.endswith("All 1 plugin(s) check out.\n")


def test_plugins_check_catches_a_manifest_that_disagrees_with_the_install(dists, monkeypatch):
    dists.plugin("liar", dist="voxpipe-liar")
    dists.dist("voxpipe-liar-real", {"liar2": f"{dists.prefix}liar_plugin"}, "9.9.9")
    monkeypatch.setenv("VOXPIPE_PLUGINS", "liar2")
    code, out, _ = run(["plugins", "check"])
    assert code == 1
    assert (
        "manifest says distribution 'voxpipe-liar', but it is installed by 'voxpipe-liar-real'"
        in out
    )
    assert "manifest says version 1.0.0, but 9.9.9 is installed" in out


CONFORMANCE_LIKE = """
from voxpipe.errors import PluginError
from voxpipe.plugins import CliCommand, hookimpl

def configure(parser):
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run")
    run.add_argument("target")

def run(args):
    if args.target == "explode":
        raise ZeroDivisionError("oops")
    if args.target == "missing":
        raise PluginError("no plugin named missing")
    print(f"ran {args.action} {args.target}")
    return 0

@hookimpl
def voxpipe_cli_commands():
    return [
        CliCommand(name="conformance", help="run the conformance suite", configure=configure, run=run),
        CliCommand(name="plugins", help="clash", configure=configure, run=run),
    ]
"""


def test_plugin_commands_are_added_and_run(dists, monkeypatch, capsys):
    dists.plugin("conf", extra=CONFORMANCE_LIKE)
    monkeypatch.setenv("VOXPIPE_PLUGINS", "conf")
    manager = PluginManager().load_entrypoints()
    code, out, _ = run(["--help"], manager)
    assert code == 0 and "conformance" in out and "run the conformance suite" in out
    assert run(["conformance", "run", "voxpipe-acme"], manager)[0] == 0
    assert capsys.readouterr().out == "ran run voxpipe-acme\n"
    code, _, err = run(["conformance", "run", "missing"], manager)
    assert (code, err) == (2, "voxpipe: error: no plugin named missing\n")
    code, _, err = run(["conformance", "run", "explode"], manager)
    assert code == 2 and "Traceback" not in err
    assert err == (
        "voxpipe: error in voxpipe-conf 1.0.0: ZeroDivisionError: oops "
        "(rerun with --debug for the traceback)\n"
    )
    code, _, err = run(["--debug", "conformance", "run", "explode"], manager)
    assert "Traceback" in err
    [clash] = manager.problems
    assert clash.error == "command 'plugins' is already provided by voxpipe"
    assert run(["plugins", "show", "conf", "--json"], manager)[1].count('"conformance"') == 1


def test_a_plugin_command_whose_configure_fails_reports_when_used(dists, monkeypatch):
    dists.plugin(
        "bad",
        extra="""
        from voxpipe.plugins import CliCommand

        def configure(parser):
            raise RuntimeError("cannot configure")

        @hookimpl
        def voxpipe_cli_commands():
            return [CliCommand(name="bad", help="bad", configure=configure, run=lambda a: 0)]
        """,
    )
    monkeypatch.setenv("VOXPIPE_PLUGINS", "bad")
    manager = PluginManager().load_entrypoints()
    assert run(["plugins", "list"], manager)[0] == 0
    code, _, err = run(["bad"], manager)
    assert code == 2 and "cannot configure" in err and err.count("\n") == 1


def test_version_help_and_usage_errors(dists, monkeypatch):
    monkeypatch.setenv("VOXPIPE_PLUGINS", "")
    assert run(["--version"]) == (0, f"voxpipe {__version__}\n", "")
    code, out, _ = run([])
    assert code == 0 and out.startswith("usage: voxpipe")
    code, _, err = run(["no-such-command"])
    assert code == 2 and "invalid choice" in err
    code, out, _ = run(["plugins", "list"])
    assert out.startswith("No voxpipe plugins are loaded.\n")


def test_the_command_runs_as_a_real_process(installed):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(installed.site), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-m", "voxpipe.cli.main", "plugins", "list", "--json"],
        capture_output=True, text=True, env=env, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [p["name"] for p in json.loads(result.stdout)["plugins"]] == ["acme"]
    script = Path(sys.executable).with_name("voxpipe")
    if script.exists():
        result = subprocess.run(
            [str(script), "plugins", "show", "deepgram"],
            capture_output=True, text=True, env=env, timeout=30, check=False,
        )  # fmt: skip
        assert result.returncode == 2
        assert result.stderr == (
            "voxpipe: error: voxpipe-deepgram is not installed: pip install voxpipe-deepgram\n"
        )
