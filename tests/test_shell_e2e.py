"""`copilot shell` end to end in a real terminal (tmux): real sta and tclsh, fake model."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time

import pytest

from conftest import REPO, have, needs_sta
from test_server import served_env

pytestmark = pytest.mark.skipif(not have("tmux"), reason="tmux not installed")


class Tmux:
    """One tmux server (its own socket) running one command in a wide window."""

    def __init__(self, tmp_path, env: dict[str, str], command: list[str]) -> None:
        self.base = ["tmux", "-S", str(tmp_path / "tmux.sock")]
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()
                           if k.startswith(("COPILOT_", "PYTHONPATH", "PATH", "HOME")))
        line = f"cd {shlex.quote(str(tmp_path))} && env {exports} {shlex.join(command)}; echo SHELL-EXIT=$?; sleep 30"
        subprocess.run(self.base + ["new-session", "-d", "-s", "t", "-x", "200", "-y", "60", line],
                       check=True)

    def keys(self, *keys: str) -> None:
        subprocess.run(self.base + ["send-keys", "-t", "t", *keys], check=True)

    def screen(self) -> str:
        return subprocess.run(self.base + ["capture-pane", "-p", "-t", "t", "-S", "-200"],
                              capture_output=True, text=True, check=True).stdout

    def wait_for(self, text: str, timeout: float = 30.0, after: int = 0) -> str:
        """Wait until `text` appears on screen at least `after` + 1 times."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen.count(text) > after:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(self.base + ["kill-server"], capture_output=True)


@pytest.fixture
def tmux_shell(tmp_path):
    sessions: list[Tmux] = []

    def start(answers: list[str], *args: str) -> Tmux:
        env = served_env(tmp_path, answers)
        session = Tmux(tmp_path, env, [sys.executable, "-m", "copilot", "shell", *args])
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


@needs_sta
def test_ask_confirm_and_see_real_report_output_then_ctrl_c_keeps_the_session(tmux_shell, app):
    shell = tmux_shell(["report_checks -path_delay max -group_count 1\n# End\n"], "--setup", "demo")
    shell.wait_for("[copilot] type ??")
    shell.keys("??report the worst setup path", "Enter")
    screen = shell.wait_for("[r]un  [e]dit  e[x]plain  [a]bort >")
    assert "1  report_checks -path_delay max" in screen  # the model's script (or a ranked example)
    assert "valid; tried in a scratch copy of the design; read-only" in screen
    shell.keys("r", "Enter")
    screen = shell.wait_for("slack (VIOLATED)")
    assert "data arrival time" in screen and "<<" not in screen  # no runtime markers shown
    shell.wait_for("ran cleanly")
    shell.keys("puts unfinished")
    shell.keys("C-c")  # at the prompt: clears the line, sta lives on
    shell.keys("puts [llength [get_ports *]]", "Enter")
    screen = shell.wait_for("\n35\n")
    assert "unfinished" not in screen.split("puts unfinished")[-1]
    shell.keys("exit", "Enter")
    shell.wait_for("SHELL-EXIT=0")
    history = [json.loads(line) for line in
               (app.locations.shell_history_dir / "opensta.jsonl").read_text().splitlines()]
    assert {"request", "script", "run", "ctrl-c", "typed", "exit"} <= {h["kind"] for h in history}
    typed = [h["text"] for h in history if h["kind"] == "typed"]
    assert typed == ["puts unfinished", "puts [llength [get_ports *]]", "exit"]  # nothing is lost
    assert next(h for h in history if h["kind"] == "request")["text"] == "report the worst setup path"


@pytest.mark.skipif(not have("tclsh"), reason="tclsh not installed")
def test_run_error_in_the_live_tool_is_fed_back_for_a_repair(tmux_shell):
    # No --setup: nothing is tried before, so the error first shows in the live tool.
    shell = tmux_shell(["set ratio [expr {1 / 0}]\nputs $ratio\n", "puts repaired\n"],
                       "--tool", "tclsh", "--yes")
    shell.wait_for("[copilot] type ??")
    shell.keys("??print the ratio", "Enter")
    shell.wait_for("line 1: error: divide by zero")
    shell.keys("f", "Enter")
    screen = shell.wait_for("\nrepaired\n")
    assert "--yes: running it." in screen
    shell.keys("puts still-here", "Enter")
    shell.wait_for("\nstill-here\n")
    shell.keys("C-d")
    shell.wait_for("SHELL-EXIT=0")


def test_python_repl_gets_ctrl_c_keeps_its_state_and_runs_a_checked_script(tmux_shell):
    shell = tmux_shell(["print(kept * 6)\n"], "--tool", "python3")
    shell.wait_for("[copilot] type ??")
    shell.keys("kept = 7", "Enter")
    shell.keys("import time; time.sleep(30)", "Enter")
    time.sleep(0.5)
    shell.keys("C-c")  # python survives SIGINT: it is forwarded
    shell.wait_for("KeyboardInterrupt")
    shell.keys("??multiply", "Enter")
    screen = shell.wait_for("[r]un  [e]dit")
    assert "valid; not tried (no --setup); read-only" in screen
    shell.keys("r", "Enter")
    shell.wait_for("\n42\n")
    shell.keys("exit()", "Enter")
    shell.wait_for("SHELL-EXIT=0")
