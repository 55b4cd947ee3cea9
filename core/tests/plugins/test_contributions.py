"""Contributions other than services: CLI commands, templates, conformance cases."""

from __future__ import annotations

import pytest
from voxpipe.errors import ConfigurationError, PluginError
from voxpipe.plugins import CliCommand, PluginManager, ProjectTemplate, hookimpl


def make_manager(*plugins):
    manager = PluginManager()
    for name, plugin in plugins:
        manager.register(plugin, name=name, distribution=f"dist-{name}", version="1")
    return manager


def command(name):
    return CliCommand(name=name, help=f"{name} things", configure=lambda p: None, run=lambda a: 0)


class Commands:
    def __init__(self, *commands):
        self.commands = list(commands)

    @hookimpl
    def voxpipe_cli_commands(self):
        return self.commands


def test_cli_commands_are_collected_with_their_plugin_and_conflicts_reported():
    manager = make_manager(
        ("a", Commands(command("conformance"), command("plugins"))),
        ("b", Commands(command("conformance"), command("models"), "not a command")),
    )
    got = [(p.name, c.name) for p, c in manager.cli_commands(reserved=["plugins"])]
    assert got == [("a", "conformance"), ("b", "models")]
    errors = sorted(p.error for p in manager.problems)
    assert errors == [
        "command 'conformance' is already provided by dist-a",
        "command 'plugins' is already provided by voxpipe",
        "voxpipe_cli_commands returned a str; expected CliCommand",
    ]
    manager.cli_commands(reserved=["plugins"])
    assert len(manager.problems) == 3  # the same problem is recorded once


def test_a_raising_or_non_list_hook_is_a_problem_not_a_crash():
    class Raises:
        @hookimpl
        def voxpipe_cli_commands(self):
            raise ValueError("bad")

    class NotAList:
        @hookimpl
        def voxpipe_cli_commands(self):
            return command("x")

    manager = make_manager(("r", Raises()), ("n", NotAList()), ("ok", Commands(command("ok"))))
    assert [c.name for _, c in manager.cli_commands()] == ["ok"]
    assert {(p.distribution, p.phase) for p in manager.problems} == {
        ("dist-r", "voxpipe_cli_commands"),
        ("dist-n", "voxpipe_cli_commands"),
    }


TEMPLATE = ProjectTemplate(
    name="bot",
    description="A bot",
    files={"$package/bot.py": "NAME = '$title'\nPRICE = '$$5'\n", "README.md": "# $title\n"},
    variables={"title": "Demo"},
)


class Templates:
    @hookimpl
    def voxpipe_project_templates(self):
        return [TEMPLATE]


def test_project_templates_are_collected_and_render(tmp_path):
    manager = make_manager(("t", Templates()), ("u", Templates()))
    [(plugin, template)] = manager.project_templates()
    assert plugin.name == "t" and template is TEMPLATE
    assert "template 'bot' is already provided by dist-t" in manager.problems[0].error
    assert TEMPLATE.render({"package": "acme"}) == {
        "acme/bot.py": "NAME = 'Demo'\nPRICE = '$5'\n",
        "README.md": "# Demo\n",
    }
    written = TEMPLATE.write(tmp_path, {"package": "acme", "title": "X"})
    assert (tmp_path / "acme" / "bot.py").read_text() == "NAME = 'X'\nPRICE = '$5'\n"
    assert len(written) == 2
    with pytest.raises(ConfigurationError, match="already exists"):
        TEMPLATE.write(tmp_path, {"package": "acme"})


def test_templates_refuse_missing_values_and_escaping_paths():
    with pytest.raises(ConfigurationError, match=r"needs a value for \$package"):
        TEMPLATE.render()
    escaping = ProjectTemplate("x", "x", files=lambda values: {"../evil.py": ""})
    with pytest.raises(ConfigurationError, match="outside the project directory"):
        escaping.render()


class Cases:
    @hookimpl
    def voxpipe_conformance_cases(self):
        return ["case-1", "case-2"]


def test_conformance_cases_per_plugin_and_all():
    class Broken:
        @hookimpl
        def voxpipe_conformance_cases(self):
            raise RuntimeError("x")

    manager = make_manager(("c", Cases()), ("none", Commands()), ("broken", Broken()))
    assert manager.conformance_cases("c") == ["case-1", "case-2"]
    assert manager.conformance_cases("dist-none") == []
    with pytest.raises(PluginError, match="dist-broken: voxpipe_conformance_cases raised"):
        manager.conformance_cases("broken")
    assert manager.all_conformance_cases() == {"c": ["case-1", "case-2"]}
