"""The archive-tool command as a user runs it: help, version, exit codes and messages."""

from __future__ import annotations

import subprocess
import sys

import yaml
from conftest import DEMO_CONTENT

from archive_tool import __version__


def archive_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "archive_tool", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_version_and_help():
    version = archive_tool("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    help_text = archive_tool("--help")
    assert help_text.returncode == 0 and "check" in help_text.stdout


def test_every_command_has_help_with_an_example():
    from archive_tool.cli import cli

    for name, command in cli.commands.items():
        assert command.help and "示例" in command.help, name


def test_check_passes_on_the_demo_group():
    result = archive_tool("check", str(DEMO_CONTENT))
    assert result.returncode == 0, result.stderr
    assert "检查通过" in result.stdout
    assert "站点「mcx」" in result.stderr  # the pending site is a warning, not an error


def test_check_lists_violations_and_fails(group_copy):
    path = group_copy / "fgw" / "site.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("ICP备案号")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = archive_tool("check", str(group_copy))
    assert result.returncode == 1
    assert "字段「ICP备案号」" in result.stderr and "第五条（三）" in result.stderr
    assert "Traceback" not in result.stderr
