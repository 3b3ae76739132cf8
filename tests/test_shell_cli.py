"""`copilot shell` and `copilot serve` on bad input: one line on stderr, exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run(*args: str, env=None):
    return subprocess.run([sys.executable, "-m", "copilot", *args], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=60, env=env)


@pytest.mark.parametrize("args,needle", [
    (["shell"], "needs a terminal"),
    (["shell", "--tool", "nosuch"], "unknown tool 'nosuch'; known tools:"),
    (["shell", "--setup", "/no/such/setup.tcl"], "does not exist"),
    (["shell", "--tool", "openroad"], "ships disabled"),
    (["serve", "--host", "10.0.0.1"], "this machine"),
])
def test_bad_input_is_one_line_exit_2(args, needle):
    out = run(*args)
    assert out.returncode == 2, out.stderr
    assert needle in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_missing_tool_names_the_profiles_and_how_to_add_one(copilot_home):
    folder = copilot_home / "adapters" / "opensta"
    folder.mkdir(parents=True)
    (folder / "profile.toml").write_text('executable = "/no/such/sta"\nexecutable_setting = ""\n')
    out = run("shell")
    assert out.returncode == 2
    assert "'/no/such/sta' for tool 'opensta' is not installed" in out.stderr
    assert "tclsh" in out.stderr and "profile.toml" in out.stderr


def test_serve_status_and_stop_without_a_server():
    assert "not running" in run("serve", "--status").stdout
    assert "not running" in run("serve", "--stop").stdout
    assert run("serve", "--plugin-path").stdout.strip().endswith("copilot.tcl")
